"""The teacher's console (the control cell): where students join (address, a QR code of it, each
seat's code), who is connected and who has decided, and the controls: start, pause and
resume, the turn clock, an event of the scenario or a news item of one's own, a ruling over a
doctrine seat's draw with its reason, the reveal of hidden red lines; the whole news and
every message. The console is a client of the server like the students' windows (with the
teacher's code), so what it shows is what the server holds."""

from __future__ import annotations

import pygame
import pygame_gui
import segno
from pygame_gui.elements import UIButton, UIDropDownMenu, UILabel

from game.net import protocol
from game.net.client import BackgroundClient
from game.net.host import HostPlan, announcement, lan_addresses
from game.net.server import ClassServer, ServerThread
from game.ui.screens.net_common import FollowingScreen, actor_names, esc, feed_html, items, messages_html
from game.ui.widgets import text_box

NO_CHOICE = "\u2014"


def qr_surface(text: str, size: int) -> pygame.Surface:
    """``text`` as a QR code, black on white with its quiet zone, about ``size`` pixels wide."""
    qr = segno.make(text, error="m")
    rows = [list(r) for r in qr.matrix]
    n = len(rows) + 8  # four modules of quiet zone on each side
    cell = max(1, size // n)
    surf = pygame.Surface((n * cell, n * cell))
    surf.fill((255, 255, 255))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                surf.fill((0, 0, 0), pygame.Rect((x + 4) * cell, (y + 4) * cell, cell, cell))
    return surf


def option_label(o: dict) -> str:
    target = f" \u2014 {o['target']}" if o["target"] else ""
    return f"{o['instance']}: {o['name']}{target}"[:60]


def red_line_label(r: dict, names: dict[str, str]) -> str:
    hidden = "" if r["declared"] else " [hidden]"
    return f"{names.get(r['owner'], r['owner'])}: {r['name']}{hidden}"[:60]


class ConsoleScreen(FollowingScreen):
    """The control cell's console."""

    name = "net_console"

    def __init__(self, app, client: BackgroundClient, address: str = ""):
        super().__init__(app, client)
        self.address = address
        self.event_text = NO_CHOICE
        self.actor_text = NO_CHOICE
        self.option_text = NO_CHOICE
        self.timeout_text = "hold"
        self.qr: pygame.Surface | None = None
        self.qr_at = (0, 0)

    def build(self) -> None:
        from game.ui.screens.base import oid

        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        v = self.view
        pad, top = s(16), s(72)
        names = actor_names(v)
        title = f"Control cell \u2014 {v['scenario']['title']}" if v else "Connecting\u2026"
        UILabel(pygame.Rect(pad, s(8), w - 2 * pad, s(34)), title, m, container=root, object_id=oid("@subtitle"))
        if not v:
            return
        px = self.app.font_px(12)
        col_w = max(s(280), int(w * 0.30))
        mid_x = pad + col_w + pad
        mid_w = max(s(280), int(w * 0.30))
        right_x = mid_x + mid_w + pad
        right_w = w - right_x - pad
        body_h = h - top - pad

        # ---- where to join, the seats
        lines = [f"<b>Join at {esc(self.address)}</b> with a seat's code:" if self.address else "Seats:"]
        for a in v["actors"]:
            who = v.get("connected", {}).get(a["id"], [])
            state = ""
            if v["phase"] == "playing" and a["team"]:
                proposed = "proposed" if a["id"] in v.get("proposals", {}) else "thinking"
                state = "decided" if a["id"] in v["decided"] else proposed
            team = "" if v["phase"] == "lobby" or a["team"] else " <font color='#8a96a4'>(doctrine)</font>"
            people = esc(", ".join(who)) if who else "<font color='#8a96a4'>nobody</font>"
            status = f" \u00b7 {state}" if state else ""
            code = f"<font color='#e8b44c'><b>{esc(v['codes'][a['id']])}</b></font>"
            lines.append(f"{code} {esc(a['name'])}{team}: {people}{status}")
        lines.append(f"<font color='#8a96a4'>Teacher's console code: {esc(self._teacher_code())}</font>")
        seats_h = s(40) + len(lines) * s(22)
        text_box(
            self.app,
            f"<font pixel_size={px}>{'<br>'.join(lines)}</font>",
            pygame.Rect(pad, top, col_w, seats_h),
            root,
            px,
        )
        qr_size = min(s(220), col_w, body_h - seats_h - s(16))
        self.qr = qr_surface(self.address, qr_size) if self.address and qr_size > s(90) else None
        self.qr_at = (pad, top + seats_h + s(8))

        # ---- controls
        x, y, cw = mid_x, top, mid_w
        half = (cw - s(8)) // 2
        UILabel(pygame.Rect(x, y, cw, s(22)), "CONTROL", m, container=root, object_id=oid("@heading"))
        y += s(26)
        phase = v["phase"]
        self.start_btn = UIButton(pygame.Rect(x, y, half, s(36)), "Start", m, container=root, object_id=oid("@primary"))
        if phase != "lobby":
            self.start_btn.disable()
        self.pause_btn = UIButton(
            pygame.Rect(x + half + s(8), y, half, s(36)),
            "Resume" if phase == "paused" else "Pause",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        if phase not in ("playing", "paused"):
            self.pause_btn.disable()
        y += s(46)
        clock = v["clock"]
        UILabel(
            pygame.Rect(x, y, cw, s(22)),
            f"Turn clock: {clock['seconds']} s, then {clock['on_timeout']}" if clock["seconds"] else "Turn clock: none",
            m,
            container=root,
            object_id=oid("@dim"),
        )
        y += s(24)
        third = (cw - s(16)) // 3
        self.clock_entry = self.text_field("clock", pygame.Rect(x, y, third, s(34)), "seconds")
        self.timeout_menu = UIDropDownMenu(
            items(["hold", "doctrine"]),
            self.timeout_text,
            pygame.Rect(x + third + s(8), y, third, s(34)),
            m,
            container=root,
        )
        self.clock_btn = UIButton(
            pygame.Rect(x + 2 * (third + s(8)), y, third, s(34)), "Set clock", m, container=root, object_id=oid("@tool")
        )
        y += s(46)
        events = [NO_CHOICE] + [f"{e['id']}: {e['name']}"[:60] for e in v.get("events", [])]
        if self.event_text not in events:
            self.event_text = NO_CHOICE
        self.event_menu = UIDropDownMenu(
            items(events), self.event_text, pygame.Rect(x, y, cw - third - s(8), s(34)), m, container=root
        )
        self.inject_btn = UIButton(
            pygame.Rect(x + cw - third, y, third, s(34)), "Inject event", m, container=root, object_id=oid("@tool")
        )
        y += s(42)
        self.news_entry = self.text_field("news", pygame.Rect(x, y, cw - third - s(8), s(34)), "a news item")
        self.news_btn = UIButton(
            pygame.Rect(x + cw - third, y, third, s(34)), "Send news", m, container=root, object_id=oid("@tool")
        )
        y += s(46)
        UILabel(
            pygame.Rect(x, y, cw, s(22)),
            "RULE ON CHANCE: A DRAW OR A RED LINE",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        y += s(24)
        doctrine = v.get("doctrine_options", {})
        rule_lines = {red_line_label(r, names): r for r in v.get("red_lines", []) if r.get("responses")}
        if v["phase"] not in ("playing", "paused"):
            rule_lines = {}
        self.actor_ids = {names[a]: a for a in doctrine}
        self.line_ids = {label: r["id"] for label, r in rule_lines.items()}
        actors = [NO_CHOICE, *self.actor_ids, *rule_lines]
        if self.actor_text not in actors:
            self.actor_text = NO_CHOICE
        self.actor_menu = UIDropDownMenu(
            items(actors), self.actor_text, pygame.Rect(x, y, cw, s(34)), m, container=root
        )
        y += s(40)
        chosen_actor = self.actor_ids.get(self.actor_text)
        chosen_line = rule_lines.get(self.actor_text)
        self.option_ids = {
            option_label(o): o["instance"] for o in (doctrine.get(chosen_actor, []) if chosen_actor else [])
        }
        if chosen_line is not None:
            self.option_ids = {f"if it trips: {r['says']}"[:60]: r["index"] for r in chosen_line["responses"]}
        options = [NO_CHOICE, *self.option_ids]
        if self.option_text not in options:
            self.option_text = NO_CHOICE
        self.option_menu = UIDropDownMenu(
            items(options), self.option_text, pygame.Rect(x, y, cw, s(34)), m, container=root
        )
        y += s(42)
        self.reason_entry = self.text_field(
            "reason", pygame.Rect(x, y, cw - third - s(8), s(34)), "the reason (shown in the debrief)"
        )
        self.rule_btn = UIButton(
            pygame.Rect(x + cw - third, y, third, s(34)), "Rule", m, container=root, object_id=oid("@tool")
        )
        y += s(46)
        self.reveal_btn = UIButton(
            pygame.Rect(x, y, cw, s(36)),
            "Hidden red lines revealed" if v["revealed"] else "Reveal hidden red lines to every seat",
            m,
            container=root,
            object_id=oid("@danger"),
        )
        if v["revealed"] or phase == "lobby":
            self.reveal_btn.disable()
        y += s(46)
        line_names = {r["id"]: r["name"] for r in v.get("red_lines", [])}
        if v.get("injected") or v.get("overrides") or v.get("ruled_responses"):
            pending = (
                [f"event {e}" for e in v.get("injected", [])]
                + [f"{names.get(a, a)} ruled" for a in v.get("overrides", {})]
                + [f"'{line_names.get(r, r)}' ruled" for r in v.get("ruled_responses", {})]
            )
            UILabel(
                pygame.Rect(x, y, cw, s(22)),
                "Next turn: " + ", ".join(pending),
                m,
                container=root,
                object_id=oid("@dim"),
            )

        # ---- everything that was said and happened
        feed_h = (body_h - s(26)) * 3 // 5
        UILabel(
            pygame.Rect(right_x, top, right_w, s(22)),
            "NEWS (EVERY SEAT'S)",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        text_box(self.app, feed_html(v, px), pygame.Rect(right_x, top + s(26), right_w, feed_h), root, px)
        my = top + s(26) + feed_h + s(8)
        UILabel(pygame.Rect(right_x, my, right_w, s(22)), "EVERY MESSAGE", m, container=root, object_id=oid("@heading"))
        text_box(
            self.app, messages_html(v, px), pygame.Rect(right_x, my + s(24), right_w, h - my - s(24) - s(56)), root, px
        )
        self.say_entry = self.text_field(
            "say", pygame.Rect(right_x, h - s(48), right_w - third - s(8), s(34)), "to every seat"
        )
        self.say_btn = UIButton(
            pygame.Rect(right_x + right_w - third, h - s(48), third, s(34)),
            "Say to all",
            m,
            container=root,
            object_id=oid("@tool"),
        )

    def _teacher_code(self) -> str:
        return self.client.code

    def handle_event(self, event):
        send = self.client.send
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            el = event.ui_element
            if el is self.timeout_menu:
                self.timeout_text = event.text
            elif el is self.event_menu:
                self.event_text = event.text
            elif el is self.actor_menu:
                self.actor_text = event.text
                self.option_text = NO_CHOICE
                self.relayout()
            elif el is self.option_menu:
                self.option_text = event.text
            return None
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return event
        el = event.ui_element
        if el is self.start_btn:
            send(protocol.Start())
        elif el is self.pause_btn:
            send(protocol.Resume() if self.view["phase"] == "paused" else protocol.Pause())
        elif el is self.clock_btn:
            text = self.clock_entry.get_text().strip()
            if text.isdigit():
                send(protocol.Clock(int(text), self.timeout_text))
                self.clock_entry.set_text("")
            else:
                self.app.notify("The clock takes a number of seconds (0: no clock).", "warn")
        elif el is self.inject_btn and self.event_text != NO_CHOICE:
            send(protocol.Inject(self.event_text.split(":", 1)[0]))
        elif el is self.news_btn and self.news_entry.get_text().strip():
            send(protocol.News(self.news_entry.get_text().strip()[: protocol.MAX_TEXT]))
            self.news_entry.set_text("")
        elif el is self.rule_btn:
            self.rule()
        elif el is self.reveal_btn:
            send(protocol.Reveal())
        elif el is self.say_btn and self.say_entry.get_text().strip():
            send(protocol.Say("all", self.say_entry.get_text().strip()[: protocol.MAX_TEXT]))
            self.say_entry.set_text("")
        return None

    def rule(self) -> None:
        """A doctrine seat's action this turn, or what a red line does if it trips this turn."""
        actor = self.actor_ids.get(self.actor_text)
        line = self.line_ids.get(self.actor_text)
        choice = self.option_ids.get(self.option_text)
        reason = self.reason_entry.get_text().strip()[: protocol.MAX_TEXT]
        if (actor is None and line is None) or choice is None or not reason:
            self.app.notify("A ruling needs a seat or a red line, what happens, and a reason.", "warn")
            return
        if line is not None:
            self.client.send(protocol.RuleResponse(line, choice, reason))
        else:
            assert actor is not None
            self.client.send(protocol.Override(actor, choice, reason))
        self.reason_entry.set_text("")

    def update(self, dt: float) -> None:
        while self.client.errors:
            self.app.notify(self.client.errors.pop(0), "warn", 5)
        super().update(dt)

    def draw(self, surface) -> None:
        super().draw(surface)
        if self.qr is not None:
            surface.blit(self.qr, self.qr_at)

    def state(self) -> dict:
        v = self.view
        return {"screen": self.name, "phase": v.get("phase"), "turn": v.get("turn"), "connected": v.get("connected")}


def run_host(plan: HostPlan, bind: str, port: int, size) -> int:
    """``main.py host``: serve the class game on a thread and open the console on it."""
    import sys

    from game.ui.app import App
    from game.ui.settings import load_settings

    thread = ServerThread(ClassServer(plan.game, plan.save_path, plan.log_path), bind, port)
    try:
        bound = thread.start()
    except OSError as exc:
        print(f"host: cannot listen on port {port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print("\n".join(announcement(plan, bound, "python main.py")), flush=True)
    client = BackgroundClient(f"127.0.0.1:{bound}", plan.game.teacher_code, "teacher")
    try:
        if not client.start():
            print(f"host: the console could not join its own game: {client.failure}", file=sys.stderr)
            return 1
        settings = load_settings()
        app = App(settings, size or settings.size, fixed_size=size is not None)
        app.stack.reset(ConsoleScreen(app, client, f"{lan_addresses()[0]}:{bound}"))
        return app.run()
    finally:
        client.stop()
        thread.stop()
