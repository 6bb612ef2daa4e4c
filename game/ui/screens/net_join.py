"""A student's window on a class game: the join form (address, code), then the seat's screen:
its options, the team's proposal waiting for a confirmation, the news as its government reads
it, and the messages (private to a seat, or public). Everything shown comes from the server's
view of the seat (``game.net``); nothing here knows more than the seat may."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UILabel, UISelectionList, UITextBox, UITextEntryLine

from game.net import protocol
from game.net.client import BackgroundClient
from game.ui.screens.base import Screen, oid
from game.ui.screens.net_common import FollowingScreen, actor_names, esc, feed_html, items, messages_html

SAY_NOTHING = "Say nothing"


def option_label(n: int, o: dict) -> str:
    """One line of the options list: numbered (labels must differ), where it sits, why not."""
    target = f" \u2014 {o['target']}" if o["target"] else ""
    rung = f" [rung {o['rung']}]" if o["rung"] else ""
    why = "" if o["legal"] else f" ({o['reason']})"
    trips = f" ! trips: {', '.join(t['name'] for t in o['trips'])}" if o["trips"] else ""
    return f"{n}. {o['name']}{target}{rung}{why}{trips}"


def ordered_options(view: dict) -> list[dict]:
    """The seat's options, those it may take now first."""
    return sorted(view.get("options", []), key=lambda o: not o["legal"])


class JoinFormScreen(Screen):
    """Address and code (and a name): joins, then opens the seat's screen (or the console)."""

    name = "net_join_form"

    def __init__(self, app, address: str = "", code: str = "", problem: str = ""):
        super().__init__(app)
        self.address, self.code, self.person = address, code, ""
        self.problem = problem
        self.joining = False

    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        cw = min(s(560), w - s(80))
        x, y = (w - cw) // 2, max(s(40), h // 2 - s(220))
        UILabel(pygame.Rect(x, y, cw, s(48)), "Join a class game", m, container=root, object_id=oid("@title"))
        UILabel(
            pygame.Rect(x, y + s(50), cw, s(24)),
            "Your teacher gives the address and your seat's code.",
            m,
            container=root,
            object_id=oid("@dim"),
        )
        self.fields: dict[str, UITextEntryLine] = {}
        for i, (key, label, value) in enumerate(
            (
                ("address", "Address (host:port)", self.address),
                ("code", "Code", self.code),
                ("name", "Your name", self.person),
            )
        ):
            top = y + s(90) + i * s(70)
            UILabel(pygame.Rect(x, top, cw, s(22)), label, m, container=root, object_id=oid("@heading"))
            entry = UITextEntryLine(pygame.Rect(x, top + s(24), cw, s(38)), m, container=root)
            entry.set_text(value)
            self.fields[key] = entry
        by = y + s(300)
        self.join_btn = UIButton(
            pygame.Rect(x, by, cw // 2 - s(6), s(44)), "Join (Enter)", m, container=root, object_id=oid("@primary")
        )
        self.back_btn = UIButton(
            pygame.Rect(x + cw // 2 + s(6), by, cw // 2 - s(6), s(44)),
            "Back (Esc)",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        text = "Joining\u2026" if self.joining else self.problem
        self.problem_box = UITextBox(
            f"<font color='#d55e00'>{esc(text)}</font>", pygame.Rect(x, by + s(56), cw, s(70)), m, container=root
        )

    def _keep(self) -> None:
        if self.root is not None:
            self.address = self.fields["address"].get_text()
            self.code = self.fields["code"].get_text()
            self.person = self.fields["name"].get_text()

    def join(self) -> None:
        self._keep()
        if not self.address.strip() or not self.code.strip():
            self.problem = "Type the address and the code your teacher gave."
            self.relayout()
            return
        client = BackgroundClient(self.address.strip(), self.code.strip(), self.person.strip())
        self.joining = True
        self.relayout()
        self.app.work.submit("Joining the class game", client.start, on_done=lambda ok: self.joined(client, ok))

    def joined(self, client: BackgroundClient, ok: bool) -> None:
        self.joining = False
        if not ok:
            self.problem = client.failure or "The join did not succeed."
            self.relayout()
            return
        open_client_screen(self.app, client)

    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.join_btn and not self.joining:
                self.join()
            elif event.ui_element is self.back_btn:
                self.app.open_title()
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and not self.joining:
            self.join()
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.open_title()
            return None
        return None

    def relayout(self) -> None:
        self._keep()
        super().relayout()

    def draw(self, surface) -> None:
        from game.ui import theme

        surface.fill(theme.BG)

    def state(self) -> dict:
        return {"screen": self.name, "problem": self.problem}


def open_client_screen(app, client: BackgroundClient) -> None:
    """The screen for what the code opened: a seat's, or the teacher's console."""
    if client.role == "teacher":
        from game.ui.screens.net_host import ConsoleScreen

        app.stack.reset(ConsoleScreen(app, client, client.address))
    else:
        app.stack.reset(SeatScreen(app, client))


class SeatScreen(FollowingScreen):
    """A team's screen: options, proposal and confirmation, news, messages."""

    name = "net_seat"

    def __init__(self, app, client: BackgroundClient):
        super().__init__(app, client)
        self.selected: int | None = None  # the instance picked in the list
        self.signal_text = SAY_NOTHING
        self.to_text = "everyone"

    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        v = self.view
        pad, top = s(16), s(72)
        names = actor_names(v)
        seat_name = v.get("seat_name", "")
        title = f"{seat_name} \u2014 {v['scenario']['title']}" if v else "Connecting\u2026"
        UILabel(pygame.Rect(pad, s(8), w - 2 * pad, s(34)), title, m, container=root, object_id=oid("@subtitle"))
        if not v:
            return
        left_w = max(s(300), int(w * 0.36))
        right_w = max(s(260), int(w * 0.26))
        mid_x = pad + left_w + pad
        mid_w = w - mid_x - right_w - 2 * pad
        right_x = mid_x + mid_w + pad
        body_h = h - top - pad
        px = self.app.font_px(12)

        # ---- options, the proposal, the confirmation
        self.option_items: list[tuple[str, int]] = []
        UILabel(pygame.Rect(pad, top, left_w, s(22)), "YOUR OPTIONS", m, container=root, object_id=oid("@heading"))
        list_h = max(s(120), body_h - s(250))
        if v["phase"] == "lobby":
            UITextBox(
                f"<font pixel_size={px}>Waiting for the teacher to start the game. Your seat: <b>{esc(seat_name)}</b>."
                "</font>",
                pygame.Rect(pad, top + s(26), left_w, s(90)),
                m,
                container=root,
            )
        elif not any(a["id"] == v["seat"] and a["team"] for a in v["actors"]):
            UITextBox(
                f"<font pixel_size={px}>No team held {esc(seat_name)} when the game started: its doctrine plays it."
                "</font>",
                pygame.Rect(pad, top + s(26), left_w, s(90)),
                m,
                container=root,
            )
        options = ordered_options(v)
        labels = [option_label(n, o) for n, o in enumerate(options, 1)]
        self.option_items = [(label, o["instance"]) for label, o in zip(labels, options)]
        chosen = next((label for label, inst in self.option_items if inst == self.selected), None)
        self.options_list: UISelectionList | None = None
        if labels:
            self.options_list = UISelectionList(
                pygame.Rect(pad, top + s(26), left_w, list_h),
                items(labels),
                m,
                container=root,
                default_selection=chosen,
            )
        y = top + s(26) + list_h + s(8)
        signals = [SAY_NOTHING] + [f"{i['index']}: \u201c{i['says']}\u201d" for i in v.get("signals", []) if i["legal"]]
        if self.signal_text not in signals:
            self.signal_text = SAY_NOTHING
        self.signal_menu = UIDropDownMenu(
            items(signals), self.signal_text, pygame.Rect(pad, y, left_w, s(34)), m, container=root
        )
        y += s(42)
        self.propose_btn = UIButton(
            pygame.Rect(pad, y, left_w, s(38)),
            "Propose to my team" if chosen is None else f"Propose: {chosen.split(' [')[0][:48]}",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        if chosen is None or v.get("confirmed") or v["phase"] != "playing":
            self.propose_btn.disable()
        y += s(46)
        p = v.get("proposal")
        if v.get("confirmed"):
            text = "Your team has decided this turn. Waiting for the others."
        elif p:
            by = f" by {esc(p['by'])}" if p["by"] else ""
            text = f"Proposed{by}: <b>{esc(p['action_name'])}</b>. Anyone in the team may confirm."
        else:
            text = "Pick an action, propose it; a teammate (or you) confirms."
        waiting = [names[a["id"]] for a in v["actors"] if a["team"] and a["id"] not in v["decided"]]
        if v["phase"] == "playing" and waiting:
            text += f"<br><font color='#8a96a4'>Still to decide: {esc(', '.join(waiting))}</font>"
        UITextBox(f"<font pixel_size={px}>{text}</font>", pygame.Rect(pad, y, left_w, s(70)), m, container=root)
        self.confirm_btn = UIButton(
            pygame.Rect(pad, y + s(74), left_w, s(40)), "Confirm (Enter)", m, container=root, object_id=oid("@primary")
        )
        if not p or v.get("confirmed") or v["phase"] != "playing":
            self.confirm_btn.disable()

        # ---- the news
        UILabel(pygame.Rect(mid_x, top, mid_w, s(22)), "NEWS", m, container=root, object_id=oid("@heading"))
        UITextBox(feed_html(v, px), pygame.Rect(mid_x, top + s(26), mid_w, body_h - s(26)), m, container=root)

        # ---- messages
        UILabel(pygame.Rect(right_x, top, right_w, s(22)), "MESSAGES", m, container=root, object_id=oid("@heading"))
        UITextBox(messages_html(v, px), pygame.Rect(right_x, top + s(26), right_w, body_h - s(150)), m, container=root)
        targets = ["everyone"] + [a["name"] for a in v["actors"] if a["id"] != v["seat"]]
        if self.to_text not in targets:
            self.to_text = "everyone"
        self.target_ids = {"everyone": "all", **{a["name"]: a["id"] for a in v["actors"]}}
        y = top + body_h - s(116)
        self.to_menu = UIDropDownMenu(
            items(targets), self.to_text, pygame.Rect(right_x, y, right_w, s(34)), m, container=root
        )
        self.entry = self.text_field("say", pygame.Rect(right_x, y + s(40), right_w, s(34)), "a message")
        self.send_btn = UIButton(
            pygame.Rect(right_x, y + s(80), right_w, s(34)),
            "Send (private)" if self.to_text != "everyone" else "Send (public)",
            m,
            container=root,
            object_id=oid("@tool"),
        )

    def on_new_view(self) -> None:
        if self.view.get("turn") != (self.shown or {}).get("turn"):
            self.selected = None  # a new turn: options and their ids change
        super().on_new_view()

    def handle_event(self, event):
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.options_list:
            label = event.text
            self.selected = next((inst for lab, inst in self.option_items if lab == label), None)
            self.relayout()
            return None
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.signal_menu:
                self.signal_text = event.text
            elif event.ui_element is self.to_menu:
                self.to_text = event.text
                self.send_btn.set_text("Send (public)" if self.to_text == "everyone" else "Send (private)")
            return None
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.propose_btn:
                self.propose()
            elif event.ui_element is self.confirm_btn:
                self.confirm()
            elif event.ui_element is self.send_btn:
                self.send_message()
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is getattr(self, "entry", None):
            self.send_message()
            return None
        typing = self.app._typing()  # Enter in the message field sends it; it confirms nothing
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and not typing:
            self.confirm()
            return None
        return event

    def propose(self) -> None:
        v = self.view
        if self.selected is None or not v:
            return
        signal = None
        if self.signal_text != SAY_NOTHING:
            signal = int(self.signal_text.split(":", 1)[0])
        self.client.send(protocol.Propose(self.client.new_decision_id(), v["turn"], self.selected, signal))

    def confirm(self) -> None:
        p = self.view.get("proposal")
        if p and not self.view.get("confirmed"):
            self.client.send(protocol.Confirm(p["decision"]))

    def send_message(self) -> None:
        text = self.entry.get_text().strip()
        if not text:
            return
        self.client.send(protocol.Say(self.target_ids.get(self.to_text, "all"), text))
        self.entry.set_text("")

    def update(self, dt: float) -> None:
        while self.client.errors:
            self.app.notify(self.client.errors.pop(0), "warn", 5)
        super().update(dt)

    def state(self) -> dict:
        v = self.view
        return {
            "screen": self.name,
            "seat": v.get("seat"),
            "turn": v.get("turn"),
            "phase": v.get("phase"),
            "proposal": (v.get("proposal") or {}).get("action_name"),
        }


def run_join(address: str, code: str, name: str, size, screenshot: str | None) -> int:
    """``main.py join``: the seat's window (the console with the teacher's code)."""
    import sys

    from game.ui.app import App
    from game.ui.settings import Settings, load_settings

    client = BackgroundClient(address, code, name)
    if not client.start():
        print(f"join: {client.failure}", file=sys.stderr)
        return 1
    settings = Settings() if screenshot else load_settings()
    app = App(settings, size or ((1280, 720) if screenshot else settings.size), fixed_size=size is not None)
    open_client_screen(app, client)
    try:
        if screenshot:
            app.capture(screenshot)
            return 0
        return app.run()
    finally:
        client.stop()
