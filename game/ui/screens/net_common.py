"""What the class-play screens share: the news, messages and timeline of a view as HTML for a
text box, a screen that follows a ``BackgroundClient``, and the class debrief every window
shows at the end (each team's decisions, the messages, the control cell's rulings)."""

from __future__ import annotations

import html
import time

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UITextEntryLine

from game.net import protocol
from game.ui import theme
from game.ui.screens.base import Screen, oid
from game.ui.widgets import text_box

KIND_COLOUR = {
    "control:news": "#56b4e9",
    "control:inject": "#56b4e9",
    "control:override": "#e69f00",
    "control:response": "#e69f00",
    "control:timeout": "#8a96a4",
    "red_line": "#ff8a3d",
    "threshold": "#e8b44c",
    "outcome": "#e8b44c",
    "fog": "#cc79a7",
    "event": "#56b4e9",
}
KIND_LABEL = {
    "control:news": "News (control cell)",
    "control:inject": "Control cell",
    "control:override": "Ruling",
    "control:response": "Ruling (if it trips)",
    "control:timeout": "Clock",
    "red_line": "Red line",
    "fog": "Accident",
    "event": "News",
}


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def items(texts: list[str]) -> list[str | tuple[str, str]]:
    """Texts as pygame_gui's item lists are typed."""
    return list(texts)


def actor_names(view: dict) -> dict[str, str]:
    names = {a["id"]: a["name"] for a in view.get("actors", [])}
    names.update(control="Control cell", all="everyone")
    return names


def feed_html(view: dict, px: int, newest_first: bool = True) -> str:
    """The news of a view, grouped by turn (the newest turn on top)."""
    by_turn: dict[int, list[str]] = {}
    for item in view.get("feed", []):
        kind = item.get("kind", "")
        label = KIND_LABEL.get(kind)
        col = KIND_COLOUR.get(kind)
        text = esc(item.get("text", ""))
        line = f"<font color='{col}'><b>{label}:</b></font> {text}" if label and col else f"\u2022 {text}"
        by_turn.setdefault(int(item.get("turn", 0)), []).append(line)
    turns = sorted(by_turn, reverse=newest_first)
    parts = [f"<font color='#e8b44c'><b>TURN {t}</b></font><br>" + "<br>".join(by_turn[t]) for t in turns if by_turn[t]]
    body = "<br><br>".join(parts) or "<font color='#8a96a4'>No news yet.</font>"
    return f"<font pixel_size={px}>{body}</font>"


def messages_html(view: dict, px: int) -> str:
    """The messages a seat may read (newest on top): public statements and its private ones."""
    names = actor_names(view)
    lines = []
    for m in reversed(view.get("messages", [])):
        private = m["to"] != "all"
        head = f"{esc(names.get(m['sender'], m['sender']))} to {esc(names.get(m['to'], m['to']))}"
        tag = "<font color='#cc79a7'>private</font>" if private else "<font color='#56b4e9'>public</font>"
        lines.append(
            f"<font color='#8a96a4'>turn {m['turn']}</font> {tag} <b>{head}</b><br>\u201c{esc(m['text'])}\u201d"
        )
    body = "<br><br>".join(lines) or "<font color='#8a96a4'>No messages yet.</font>"
    return f"<font pixel_size={px}>{body}</font>"


def timeline_html(view: dict, px: int) -> str:
    """The class debrief's one timeline: what each team did, what was said, what was ruled."""
    names = actor_names(view)
    by_turn: dict[int, list[str]] = {}
    for e in view.get("timeline", []):
        who = esc(names.get(e["seat"], e["seat"]))
        if e["kind"] == "decision":
            line = f"<b>{who}</b> did: {esc(e['text'])}"
        elif e["kind"] == "message":
            line = f"<i>{who} said {esc(e['text'])}</i>"
        else:
            line = f"<font color='#e69f00'><b>Control cell:</b></font> {esc(e['text'])}"
        by_turn.setdefault(int(e["turn"]), []).append(line)
    parts = [f"<font color='#e8b44c'><b>TURN {t}</b></font><br>" + "<br>".join(by_turn[t]) for t in sorted(by_turn)]
    replays = view.get("replays")
    if replays:
        head = (
            f"<font color='#e8b44c'><b>EACH TEAM'S DECISIONS REPLAYED {replays['n']:,} TIMES</b></font><br>"
            "<font color='#8a96a4'>chance and the other seats drawn anew, against the AI in every seat</font>"
        )
        rows = []
        for k, name in enumerate(replays["outcomes"]):
            teams = " \u00b7 ".join(f"{esc(names.get(t, t))} {shares[k]:.0%}" for t, shares in replays["teams"].items())
            rows.append(f"<b>{esc(name)}</b>: AI {replays['ai'][k]:.0%} \u00b7 {teams}")
        parts.insert(0, head + "<br>" + "<br>".join(rows))
    elif view.get("phase") == "over":
        parts.insert(0, "<font color='#8a96a4'>Replaying each team's decisions 1,000 times\u2026</font>")
    lines = view.get("red_lines", [])
    if lines:
        rl = "<br>".join(
            f"{esc(names.get(r['owner'], r['owner']))}: {esc(r['name'])}"
            + ("" if r.get("declared", True) else " <font color='#cc79a7'>[hidden]</font>")
            + (f" \u2014 tripped on turn {', '.join(map(str, r['tripped']))}" if r.get("tripped") else "")
            for r in lines
        )
        parts.append(f"<font color='#e8b44c'><b>RED LINES, REVEALED</b></font><br>{rl}")
    return f"<font pixel_size={px}>{'<br><br>'.join(parts)}</font>"


class FollowingScreen(Screen):
    """A screen drawn from a ``BackgroundClient``'s latest view: rebuilt when a new one comes."""

    def __init__(self, app, client):
        super().__init__(app)
        self.client = client
        self.shown: dict | None = None
        self.shown_status = ""
        self.shown_at = time.monotonic()  # when the view on screen came (the clock counts down from it)
        self.fields: dict[str, UITextEntryLine] = {}
        self.drafts: dict[str, str] = {}  # what was typed in each field, kept when the screen is rebuilt

    @property
    def view(self) -> dict:
        return self.client.view

    def update(self, dt: float) -> None:
        if self.client.view is not self.shown or self.client.status != self.shown_status:
            self.on_new_view()

    def on_new_view(self) -> None:
        self.shown = self.client.view
        self.shown_status = self.client.status
        self.shown_at = time.monotonic()
        if self.view.get("phase") == "over" and not isinstance(self, ClassDebriefScreen):
            self.app.stack.reset(ClassDebriefScreen(self.app, self.client))
            return
        self.relayout()

    def text_field(self, key: str, rect: pygame.Rect, placeholder: str | None = None) -> UITextEntryLine:
        """A text field that keeps its text, and the focus, when a new view rebuilds the screen
        (views come whenever anyone acts: a student typing must not lose the field)."""
        entry = UITextEntryLine(rect, self.app.manager, container=self.root, placeholder_text=placeholder)
        entry.set_text_length_limit(protocol.MAX_TEXT)
        entry.set_text(self.drafts.get(key, ""))
        self.fields[key] = entry
        return entry

    def relayout(self) -> None:
        focus = self.app.manager.get_focus_set() or set()
        focused = None
        for key, entry in self.fields.items():
            self.drafts[key] = entry.get_text()
            if entry in focus:
                focused = key
        self.fields = {}
        super().relayout()
        if focused is not None and focused in self.fields:
            entry = self.fields[focused]
            self.app.manager.set_focus_set(entry)
            entry.edit_position = len(entry.get_text())

    def status_line(self) -> str:
        v = self.view
        if not v:
            return "connecting\u2026"
        turns = v["scenario"]["turns"]
        parts = [f"turn {min(v['turn'], turns)} of {turns}" if v["turn"] else "not started", v["date"], v["phase"]]
        left = v["clock"].get("left")
        if left is not None:
            if v["phase"] == "playing":
                left = max(0.0, left - (time.monotonic() - self.shown_at))
            parts.append(f"clock {int(left) // 60}:{int(left) % 60:02d}")
        if self.client.status != "connected":
            parts.append(f"{self.client.status}\u2026")
        return " \u00b7 ".join(p for p in parts if p)

    STATUS_Y = 40

    def draw(self, surface) -> None:
        surface.fill(theme.BG)
        f = theme.font(self.app.font_px(13))
        surface.blit(theme.render(f, self.status_line(), theme.TEXT_DIM), (self.app.s(20), self.app.s(self.STATUS_Y)))


class ClassDebriefScreen(FollowingScreen):
    """The class debrief: the outcome, then each team's decisions, the messages this window
    may read and the control cell's rulings on one timeline (red lines too, once revealed)."""

    name = "class_debrief"

    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        pad = s(32)
        v = self.view
        outcome = v.get("outcome") or {}
        UILabel(
            pygame.Rect(pad, s(20), w - 2 * pad, s(24)), "CLASS DEBRIEF", m, container=root, object_id=oid("@heading")
        )
        UILabel(
            pygame.Rect(pad, s(44), w - 2 * pad, s(48)),
            outcome.get("name", "The game is over"),
            m,
            container=root,
            object_id=oid("@title"),
        )
        px = self.app.font_px(13)
        text_box(
            self.app,
            f"<font pixel_size={px}>{esc(outcome.get('text', ''))}</font>",
            pygame.Rect(pad, s(96), w - 2 * pad, s(70)),
            root,
            px,
        )
        UILabel(
            pygame.Rect(pad, s(172), w - 2 * pad, s(22)),
            "WHAT WAS SAID AGAINST WHAT WAS DONE",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        self.box = text_box(
            self.app, timeline_html(v, px), pygame.Rect(pad, s(196), w - 2 * pad, h - s(196) - s(70)), root, px
        )
        note = (
            "The teacher's console has every message; the game's log is written for class-report."
            if v.get("role") == "teacher"
            else "Your team's private messages and the public statements; the teacher has the rest."
        )
        UILabel(
            pygame.Rect(pad, h - s(58), w - 2 * pad - s(520), s(40)), note, m, container=root, object_id=oid("@dim")
        )
        self.quit_btn = UIButton(
            pygame.Rect(w - pad - s(160), h - s(58), s(160), s(40)), "Close", m, container=root, object_id=oid("@tool")
        )
        self.reveal_btn = None
        if v.get("role") == "teacher" and not v.get("revealed"):
            self.reveal_btn = UIButton(
                pygame.Rect(w - pad - s(500), h - s(58), s(330), s(40)),
                "Reveal hidden red lines to every seat",
                m,
                container=root,
                object_id=oid("@danger"),
            )

    def draw(self, surface) -> None:
        surface.fill(theme.BG)

    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.quit_btn:
            self.app.quit()
            return None
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.reveal_btn:
            self.client.send(protocol.Reveal())
            return None
        return event

    def state(self) -> dict:
        return {"screen": self.name, "outcome": (self.view.get("outcome") or {}).get("id")}
