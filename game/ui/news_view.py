"""The news feed: each turn's events in plain words, as HTML for a pygame_gui text box.

Students see every actor's moves, signals, accidents, red lines with the chance results
and their odds (as the engine wrote them), thresholds and the outcome. A red line that
its owner never declared shows as such, without its name. The instructor view adds the
AI's decisions with their probabilities.

For a scenario with a historical record (``scenario.history``) each turn's news opens
with what happened then ("Historically: ..."), the turn being played included, and a
resolved turn closes with where the game left history ("History: Russia did ... here")
for the seats being played (every actor when watching).
"""

from __future__ import annotations

import html

from game.engine import words
from game.engine.history import history_comparison
from game.ui import theme


def esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def event_line(ev: dict, scenario, colours: dict, instructor: bool, seats=(), by_id=None) -> str | None:
    """One event as an HTML line, or None when this view does not show it (``by_id``: the game's
    events by id, to say what set off a played side's own red line)."""
    kind = ev.get("kind")
    actor = ev.get("actor")
    col = theme.hex_of(theme.lighten(colours.get(actor, (200, 200, 200)), 0.25)) if actor else "#c0c8d2"
    bullet = f"<font color='{col}'>\u2022</font> "
    raw = ev.get("text", kind)
    text = esc("" if raw is None else str(raw))
    if kind == "decision":
        if not instructor or ev.get("human"):
            return None
        opts = ", ".join(
            f"{esc(_action_name(scenario, o['action']))} {o['p'] * 100:.0f}%" for o in ev.get("options", [])
        )
        extra = f"<br>    <font color='#7d8896'>weights: {opts}</font>" if opts else ""
        if ev.get("why"):
            parts = "; ".join(f"{esc(w['what'])} gives {w['weight']:.3g}" for w in ev["why"])
            extra += f"<br>    <font color='#7d8896'>why this one: {parts}</font>"
        return f"<font color='#9aa6b4'><i>{text}</i></font>{extra}"
    if kind == "action":
        via = ""
        if ev.get("via") == "response":
            via = " (your own side's red line answering, not your decision)" if actor in seats else " (response)"
            via = f" <font color='#d55e00'>{via.strip()}</font>"
        return f"{bullet}{text}{via}"
    if kind == "signal":
        div = ""
        if ev.get("divergent") and instructor:
            div = " <font color='#e69f00'>(its action says otherwise)</font>"
        name = scenario.actor(actor).name if actor else ""
        who = f"{esc(words.subject(name, start=True))} {words.verb(name, 'says')}" if actor else "Someone says"
        says = str(ev.get("says", "")).strip().strip('"\u201c\u201d')
        return f"{bullet}<i>{who}: \u201c{esc(says)}\u201d</i>{div}"
    if kind == "red_line":
        owner = ev.get("owner")
        if owner in seats:
            return own_red_line(ev, scenario, instructor, by_id or {})
        if not ev.get("declared", True) and not instructor:
            name = scenario.actor(owner).name if owner else "Someone"
            who = f"{esc(words.subject(name, start=True))} {words.verb(name, 'reacts')}"
            resp = text.split("; ", 1)[1] if "; " in text else ""
            return f"<font color='#d55e00'><b>{who} to a line never declared</b></font>{'; ' + resp if resp else ''}"
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


OWN_LINE_COLOUR = "#ff8a3d"
NOTE_COLOUR = "#9aa6b4"


def own_red_line(ev: dict, scenario, instructor: bool, by_id: dict) -> str:
    """A red line of the student's own side, told so it is not read as the student's own move:
    which line and whose (named even when private: the side's role card lists it), then
    (``own_red_line_notes``) why it fired and what it does."""
    name = scenario.actor(ev["owner"]).name
    which = f"\u2018{esc(ev.get('name', ''))}\u2019"
    if not ev.get("declared", True):
        which += " [hidden red line]" if instructor else " (private: your side never declared it)"
    head = (
        f"<font color='{OWN_LINE_COLOUR}'><b>Your own side's red line:</b></font> "
        f"{esc(words.possessive(name))} red line {which} fired \u2014 not your decision."
    )
    notes = "<br>".join(f"    <font color='{NOTE_COLOUR}'>{n}</font>" for n in own_red_line_notes(ev, scenario, by_id))
    return f"{head}<br>{notes}"


def own_red_line_notes(ev: dict, scenario, by_id: dict) -> list[str]:
    """Why a played side's own red line fired (the events the engine logged as its causes) and
    what it does (its answer, drawn by chance with the odds the engine wrote), as HTML lines."""
    name = scenario.actor(ev["owner"]).name
    causes = [by_id[c] for c in ev.get("causes", []) if c in by_id]
    said = [str(c.get("text", "")).rstrip(".") for c in causes if c.get("text")]
    why = (
        "Why: it answers " + "; ".join(esc(t) for t in said) + "."
        if said
        else "Why: its condition already held when this turn was resolved (no move this turn set it off)."
    )
    text = str(ev.get("text", ""))
    answer = text.split("; ", 1)[1] if "; " in text else text
    answer = answer.removeprefix("response: ")
    answers = [
        f"{esc(_action_name(scenario, r['action']) if r.get('action') else 'nothing')} {words.pct(r['p'])}"
        for r in ev.get("responses", [])
    ]
    answers.append(f"nothing {words.pct(ev.get('p_none', 0.0))}")
    what = (
        f"What it does: {esc(words.subject(name))} {words.verb(name, 'answers')} by its own doctrine, "
        f"whatever you chose; its answer is drawn by chance ({', '.join(answers)}), and an answer "
        f"played counts as your side's move on the ladder. This time: {esc(answer)}"
    )
    out = [why, what]
    if ev.get("declared", True):
        line = next((r for r in scenario.red_lines if r.id == ev.get("red_line")), None)
        if line is not None and line.says:
            out.append(f"The line, as declared: \u201c{esc(line.says)}\u201d")
    return out


def _action_name(scenario, action_id: str) -> str:
    for a in scenario.actions:
        if a.id == action_id:
            return a.name
    return "Hold and watch" if action_id.startswith("wait") else action_id


HISTORY_COLOUR = "#c9ad6e"  # a muted gold, apart from the accent of the turn headings
HISTORY_TEXT = "#b4aa94"


def history_line(text: str) -> str:
    return (
        f"<font color='{HISTORY_COLOUR}'><b>Historically:</b></font> "
        f"<font color='{HISTORY_TEXT}'><i>{esc(' '.join(str(text).split()))}</i></font>"
    )


def divergence_lines(comparison: dict, scenario, seats=None) -> list[str]:
    """'History: <actor> did <historical action> here' for the seats (None: every actor) whose
    action this turn was not the historical one: one line per seat, or one line for all."""
    actors = [a for a in comparison["historical_actions"] if seats is None or a in seats]
    off = [a for a in actors if not comparison["matches"].get(a, False)]
    if not off:
        return []

    def did(a: str) -> str:
        return (
            f"{esc(scenario.actor(a).name)} did "
            f"<b>{esc(_action_name(scenario, comparison['historical_actions'][a]))}</b>"
        )

    head = f"<font color='{HISTORY_COLOUR}'><b>History:</b></font> "
    if seats is None:
        return [f"{head}<font color='{HISTORY_TEXT}'>here, {'; '.join(did(a) for a in off)}.</font>"]
    return [f"{head}<font color='{HISTORY_TEXT}'>{did(a)} here.</font>" for a in off]


def feed_parts(
    events: list[dict],
    scenario,
    colours: dict,
    instructor: bool = False,
    seats=(),
    rules=None,
    current_turn: int | None = None,
    history_seats=None,
) -> list[tuple[int, str, list[str], int]]:
    """The feed as [(turn, date, lines, n_history_lines_at_the_top)], oldest first.

    With ``rules`` and a scenario history, each turn's lines open with its historical text,
    and ``current_turn`` (the turn being decided, not yet in the events) gets a group of
    its own with just that text. ``history_seats``: whose divergence from history to report
    (None: every actor, for watching)."""
    groups: list[tuple[int, str, list[str], int]] = []
    by_id = {ev.get("id"): ev for ev in events}
    for ev in events:
        line = event_line(ev, scenario, colours, instructor, seats, by_id)
        if line is None:
            continue
        if not groups or groups[-1][0] != ev["turn"]:
            groups.append((ev["turn"], ev.get("date", ""), [], 0))
        groups[-1][2].append(line)
    history = {h.turn: h for h in getattr(scenario, "history", ())} if rules is not None else {}
    if not history:
        return groups
    by_turn = {g[0]: g for g in groups}
    if current_turn is not None and current_turn not in by_turn and current_turn in history:
        g: tuple[int, str, list[str], int] = (current_turn, rules.date_of(current_turn).isoformat(), [], 0)
        groups.append(g)
        by_turn[current_turn] = g
    compared = {c["turn"]: c for c in history_comparison(rules, events)}
    out = []
    for turn, date, lines, _n in groups:
        h = history.get(turn)
        if h is None:
            out.append((turn, date, lines, 0))
            continue
        top = [history_line(h.text)]
        tail = divergence_lines(compared[turn], scenario, history_seats) if turn in compared else []
        out.append((turn, date, top + lines + tail, len(top)))
    return out


def feed_html(
    events: list[dict],
    scenario,
    colours: dict,
    instructor: bool = False,
    seats=(),
    font_px: int = 13,
    newest_first: bool = False,
    rules=None,
    current_turn: int | None = None,
    history_seats=None,
    anchor: bool = False,
    watching: bool = False,
):
    """All events, grouped by turn under a dated heading (see ``feed_parts`` for the history).

    With ``anchor`` returns ``(html, anchors)``: when a turn being decided follows the last
    resolved turn, ``anchors`` is the feed up to where that resolved turn starts and up to
    where its own news starts (after its historical text), for the board to scroll to
    (laid out, their heights are scroll positions; "" is the top); else None: show the end
    of the feed."""
    groups = feed_parts(events, scenario, colours, instructor, seats, rules, current_turn, history_seats)
    if not any(len(g[2]) > g[3] for g in groups):
        empty = (
            "<font color='#8a96a4'><i>No news yet. "
            + ("Play or step the replay" if watching else "Choose an action and end the turn")
            + ": every side's moves and every chance result will be reported here.</i></font>"
        )
        if not groups:
            html_text = f"<font pixel_size={font_px}>{empty}</font>"
            return (html_text, None) if anchor else html_text
        groups = [(t, d, lines + [empty], n) for t, d, lines, n in groups]
    if newest_first:
        groups.reverse()
    resolved = {ev.get("turn") for ev in events}
    parts: list[str] = []
    anchors = None
    last_resolved = max((i for i, g in enumerate(groups) if g[0] in resolved), default=None)
    for i, (turn, date, lines, n_top) in enumerate(groups):
        head = f"<font color='#e8b44c'><b>TURN {turn}</b></font>  <font color='#7d8896'>{esc(_date(date))}</font>"
        if turn not in resolved:
            head += "  <font color='#7d8896'>\u00b7 this turn</font>"
        if i == last_resolved and i + 1 < len(groups) and not newest_first:
            before = "".join(p + "<br><br>" for p in parts)
            anchors = (
                f"<font pixel_size={font_px}>{before}</font>" if before else "",
                f"<font pixel_size={font_px}>{before}{head}<br>"
                + "".join(x + "<br>" for x in lines[:n_top])
                + "</font>",
            )
        parts.append(head + "<br>" + "<br>".join(lines))
    if last_resolved is None and not newest_first:
        anchors = ("", "")  # only the turn being decided: show it from its start
    html_text = f"<font pixel_size={font_px}>" + "<br><br>".join(parts) + "</font>"
    return (html_text, anchors) if anchor else html_text


def _date(iso: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(iso).strftime("%-d %B %Y")
    except (ValueError, TypeError):
        return iso
