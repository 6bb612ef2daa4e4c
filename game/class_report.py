"""``class-report``: what a class did with a scenario, from the logs students exported.

Each log is the JSON a student's debrief exports (``format: redline-log/1``, the same
structure as ``replay --json`` plus the human seats and their decisions). Logs are read
as data and checked field by field; a corrupt or foreign one is listed and skipped.
The report compares the class with the AI playing the same seat.
"""

from __future__ import annotations

import base64
import collections
import html
import json
import os

import numpy as np

from game.runners.report import _percent, _plt, _png

LOG_FORMAT = "redline-log/1"
MAX_LOG_BYTES = 20_000_000


class LogError(Exception):
    """A log that cannot be used; the message says why."""


def read_log(path: str) -> dict:
    """Read and check one exported log; ``LogError`` if it is not a usable Redline log."""
    try:
        if os.path.getsize(path) > MAX_LOG_BYTES:
            raise LogError(f"too large (over {MAX_LOG_BYTES // 1_000_000} MB)")
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"cannot read it ({exc.__class__.__name__})") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise LogError(
            f"not valid JSON ({exc})" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        ) from None
    if not isinstance(data, dict):
        raise LogError("not a Redline game log (expected a JSON object)")
    if data.get("format") != LOG_FORMAT:
        raise LogError(f"not a Redline game log (format is {data.get('format')!r}, expected '{LOG_FORMAT}')")
    expect = {"scenario": str, "seed": int, "outcome": str, "turns": int, "events": list, "humans": list}
    for key, kind in expect.items():
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise LogError(f"field '{key}' is missing or not {kind.__name__}")
    for i, ev in enumerate(data["events"]):
        if not isinstance(ev, dict) or not isinstance(ev.get("kind"), str) or not isinstance(ev.get("turn"), int):
            raise LogError(f"event {i} is malformed")
    if not all(isinstance(h, str) for h in data["humans"]):
        raise LogError("field 'humans' must list actor ids")
    return data


def decision_path(log: dict, actor: str) -> tuple[str, ...]:
    return tuple(
        ev.get("action") or "?"
        for ev in log["events"]
        if ev["kind"] == "decision" and ev.get("actor") == actor and ev.get("human")
    )


def _fig_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def analyse(logs: list[dict], rules, ai_games: int = 2000, seed: int = 1) -> dict:
    """The class's outcomes, paths and thresholds, and the AI's outcomes in the same seat."""
    from game.runners.local import play_games, policies_for

    scn = rules.scenario
    outcomes = [o.id for o in scn.outcomes]
    seats = collections.Counter(h for log in logs for h in log["humans"][:1])
    seat = seats.most_common(1)[0][0] if seats else scn.actors[0].id
    students = collections.Counter(log["outcome"] for log in logs)
    b = play_games(rules, seed, np.arange(ai_games, dtype=np.uint64), policies_for(rules))
    ai = np.bincount(b.outcome, minlength=len(outcomes)) / ai_games
    paths = collections.Counter(decision_path(log, seat) for log in logs if seat in log["humans"])
    crossed: dict[str, dict] = {}
    for th in scn.ladder.thresholds:
        turns, by = [], collections.Counter()
        for log in logs:
            ev = next((e for e in log["events"] if e["kind"] == "threshold" and e.get("threshold") == th.id), None)
            if ev:
                turns.append(ev["turn"])
                by[ev.get("actor") or "?"] += 1
        crossed[th.id] = {"name": th.name, "games": len(turns), "turns": turns, "by": dict(by)}
    ai_crossed = {th.id: float((b.crossed_turn[t] > 0).mean()) for t, th in enumerate(scn.ladder.thresholds)}
    return {
        "scenario": scn.meta.id,
        "title": scn.meta.title,
        "seat": seat,
        "logs": len(logs),
        "students": {o: students.get(o, 0) / max(len(logs), 1) for o in outcomes},
        "ai": {o: float(ai[i]) for i, o in enumerate(outcomes)},
        "ai_games": ai_games,
        "outcome_names": {o.id: o.name for o in scn.outcomes},
        "paths": [{"path": list(p), "games": n} for p, n in paths.most_common(10)],
        "thresholds": crossed,
        "ai_thresholds": ai_crossed,
        "actor_names": {a.id: a.name for a in scn.actors},
        "action_names": {a.spec.id: a.spec.name for a in rules.actions},
    }


def _runs(path: list[str], names: dict[str, str]) -> list[str]:
    """Decisions turn by turn, repeats folded: ``Strike (turns 4-9)``.

    >>> _runs(["a", "b", "b", "b"], {"a": "Talk", "b": "Strike"})
    ['Talk (turn 1)', 'Strike (turns 2-4)']
    """
    out, start = [], 0
    for i in range(1, len(path) + 1):
        if i == len(path) or path[i] != path[start]:
            turns = f"turn {start + 1}" if i - start == 1 else f"turns {start + 1}-{i}"
            out.append(f"{names.get(path[start], path[start])} ({turns})")
            start = i
    return out


def plot_outcomes(res: dict) -> bytes:
    plt = _plt()
    ids = list(res["students"])
    x = np.arange(len(ids))
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.bar(x - 0.2, [res["students"][o] for o in ids], 0.4, label=f"class ({res['logs']} games)", color="#0072B2")
    ax.bar(
        x + 0.2,
        [res["ai"][o] for o in ids],
        0.4,
        label=f"AI in the same seat ({res['ai_games']} games)",
        color="#E69F00",
    )
    ax.set_xticks(x, [res["outcome_names"][o][:22] for o in ids], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("share of games")
    ax.yaxis.set_major_formatter(_percent())
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def plot_thresholds(res: dict) -> bytes:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    ids = list(res["thresholds"])
    for i, t in enumerate(ids):
        turns = res["thresholds"][t]["turns"]
        if turns:
            ax.scatter(turns, [i] * len(turns), alpha=0.5, color="#CC79A7")
    ax.set_yticks(range(len(ids)), [res["thresholds"][t]["name"][:30] for t in ids], fontsize=8)
    ax.set_xlabel("turn the class first crossed it")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def render(res: dict, skipped: list[tuple[str, str]]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(res['outcome_names'][o])}</td><td>{res['students'][o] * 100:.0f}%</td>"
        f"<td>{res['ai'][o] * 100:.0f}%</td></tr>"
        for o in res["students"]
    )
    paths = "".join(
        f"<tr><td>{n['games']}</td><td>{e(' → '.join(_runs(n['path'], res['action_names'])))}</td></tr>"
        for n in res["paths"]
    )
    names = res["actor_names"]

    def by(v: dict) -> str:
        return ", ".join(f"{names.get(a, a)}: {n}" for a, n in v["by"].items())

    th = "".join(
        f"<tr><td>{e(v['name'])}</td><td>{v['games']} of {res['logs']}</td>"
        f"<td>{res['ai_thresholds'][k] * 100:.0f}%</td><td>{e(by(v))}</td></tr>"
        for k, v in res["thresholds"].items()
    )
    skip = "".join(f"<li><code>{e(f)}</code>: {e(why)}</li>" for f, why in skipped)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Class report: {e(res["title"])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:920px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}}
img{{max-width:100%}}h2{{margin-top:1.6em}}</style></head><body>
<h1>Class report: {e(res["title"])}</h1>
<p>{res["logs"]} student games in the seat of <b>{e(res["actor_names"].get(res["seat"], res["seat"]))}</b>,
compared with {res["ai_games"]} games where the AI plays that seat by its doctrine.</p>
<h2>Outcomes</h2><img src="{_fig_uri(plot_outcomes(res))}" alt="outcomes">
<table><tr><th>outcome</th><th>class</th><th>AI in the seat</th></tr>{rows}</table>
<h2>Most common decision paths</h2><table><tr><th>games</th><th>decisions, turn by turn</th></tr>{paths}</table>
<h2>Thresholds crossed</h2><img src="{_fig_uri(plot_thresholds(res))}" alt="thresholds">
<table><tr><th>threshold</th><th>class</th><th>AI games</th><th>crossed first by</th></tr>{th}</table>
{f"<h2>Logs skipped</h2><ul>{skip}</ul>" if skip else ""}
</body></html>
"""
