"""The news feed: each turn's events in plain words, as HTML for a pygame_gui text box.

Students see every actor's moves, signals, accidents, red lines with the chance results
and their odds (as the engine wrote them), thresholds and the outcome. A red line that
its owner never declared shows as such, without its name. The instructor view adds the
AI's decisions with their probabilities.
"""

from __future__ import annotations

import html
import re

from game.ui import theme

_ODDS = re.compile(r"\s*\((\d+%|<1%), drew (\d+)\)\s*$")


def esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def event_line(ev: dict, scenario, colours: dict, instructor: bool, seats=()) -> str | None:
    """One event as an HTML line, or None when this view does not show it."""
    kind = ev.get("kind")
    actor = ev.get("actor")
    col = theme.hex_of(theme.lighten(colours.get(actor, (200, 200, 200)), 0.25)) if actor else "#c0c8d2"
    bullet = f"<font color='{col}'>\u2022</font> "
    text = esc(ev.get("text", kind))
    if kind == "decision":
        if not instructor or ev.get("human"):
            return None
        opts = ", ".join(f"{esc(_action_name(scenario, o['action']))} {o['p'] * 100:.0f}%"
                         for o in ev.get("options", []))
        extra = f"<br>    <font color='#7d8896'>weights: {opts}</font>" if opts else ""
        return f"<font color='#9aa6b4'><i>{text}</i></font>{extra}"
    if kind == "action":
        via = " <font color='#d55e00'>(response)</font>" if ev.get("via") == "response" else ""
        return f"{bullet}{text}{via}"
    if kind == "signal":
        div = ""
        if ev.get("divergent") and instructor:
            div = " <font color='#e69f00'>(its action says otherwise)</font>"
        who = esc(scenario.actor(actor).name) if actor else ""
        says = str(ev.get("says", "")).strip().strip('"\u201c\u201d')
        return f"{bullet}<i>{who} says: \u201c{esc(says)}\u201d</i>{div}"
    if kind == "red_line":
        owner = ev.get("owner")
        if not ev.get("declared", True) and not instructor:
            owner_name = esc(scenario.actor(owner).name) if owner else "Someone"
            resp = text.split("; ", 1)[1] if "; " in text else ""
            return (f"<font color='#d55e00'><b>{owner_name} reacts to a line it never declared</b></font>"
                    f"{'; ' + resp if resp else ''}")
        hidden = " <font color='#cc79a7'>[hidden red line]</font>" if not ev.get("declared", True) else ""
        return f"<font color='#ff8a3d'><b>Red line:</b></font> {text}{hidden}"
    if kind == "threshold":
        return f"<font color='#e8b44c'><b>{text}</b></font>"
    if kind == "fog":
        return f"<font color='#cc79a7'><b>Accident:</b></font> {text}"
    if kind == "illegal":
        return f"<font color='#8a96a4'>{text}</font>"
    if kind == "event":
        return f"<font color='#56b4e9'><b>News:</b></font> {text}"
    if kind == "outcome":
        return f"<font color='#e8b44c'><b>Outcome: {esc(ev.get('name', ''))}</b></font>"
    return text


def _action_name(scenario, action_id: str) -> str:
    for a in scenario.actions:
        if a.id == action_id:
            return a.name
    return "Hold and watch" if action_id.startswith("wait") else action_id


def feed_html(events: list[dict], scenario, colours: dict, instructor: bool = False, seats=(),
              font_px: int = 13, newest_first: bool = False) -> str:
    """All events, grouped by turn under a dated heading."""
    groups: list[tuple[int, str, list[str]]] = []
    for ev in events:
        line = event_line(ev, scenario, colours, instructor, seats)
        if line is None:
            continue
        if not groups or groups[-1][0] != ev["turn"]:
            groups.append((ev["turn"], ev.get("date", ""), []))
        groups[-1][2].append(line)
    if not groups:
        return (f"<font pixel_size={font_px} color='#8a96a4'><i>No news yet. Choose an action and end the "
                "turn: every side's moves and every chance result will be reported here.</i></font>")
    if newest_first:
        groups.reverse()
    parts = []
    for turn, date, lines in groups:
        head = f"<font color='#e8b44c'><b>TURN {turn}</b></font>  <font color='#7d8896'>{esc(_date(date))}</font>"
        parts.append(head + "<br>" + "<br>".join(lines))
    return f"<font pixel_size={font_px}>" + "<br><br>".join(parts) + "</font>"


def _date(iso: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(iso).strftime("%-d %B %Y")
    except (ValueError, TypeError):
        return iso
