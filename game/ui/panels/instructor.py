"""The instructor view (F2): hidden red lines and how often each tripped, the AI's latest policy
weights, the parameters; a column at the map's left (the map moves over, nothing covers it)."""

from __future__ import annotations

import html

from pygame_gui.elements import UITextBox

from game.ui import news_view
from game.ui.panels.base import Panel
from game.ui.panels.news import MIN_NEWS_WIDTH
from game.ui.screens.base import oid


class InstructorPanel(Panel):
    """The card of the instructor view, in its own column (no widgets while the view is off)."""

    def __init__(self, board):
        super().__init__(board)
        self.box: UITextBox | None = None

    def build_widgets(self, root) -> None:
        self.box = None
        if not self.app.instructor:
            return
        s, rect = self.app.s, self.rect
        box = rect.inflate(-s(12), -s(12))
        # a column only a few glyphs wide (the smallest window with the largest text) makes
        # pygame_gui's layout loop for minutes (monkey seed 524): then the card covers some map
        box.w = max(box.w, s(MIN_NEWS_WIDTH))
        self.box = UITextBox(
            f"<font pixel_size={self.app.font_px(12)}>{self.instructor_html()}</font>",
            box,
            self.app.manager,
            container=root,
            object_id=oid("@card_text"),
        )

    def instructor_html(self) -> str:
        scn = self.match.scenario
        sess = self.match.session
        out = ["<font color='#cc79a7'><b>INSTRUCTOR VIEW</b></font> (F2 hides)<br>"]
        hidden = [r for r in scn.red_lines if not r.declared]
        out.append("<b>Red lines</b>")
        for r in scn.red_lines:
            tripped = sess.value(f"tripped:{r.id}")
            flag = " <font color='#cc79a7'>[hidden]</font>" if not r.declared else ""
            state = f" <font color='#d55e00'>tripped {tripped:g}\u00d7</font>" if tripped else ""
            owner = scn.actor(r.owner).name
            out.append(f"\u2022 {html.escape(owner)}: {html.escape(r.name)}{flag}{state}")
        if not hidden:
            out.append("<font color='#8a96a4'>(no hidden red lines in this scenario)</font>")
        last = {}
        for ev in sess.events:
            if ev["kind"] == "decision" and not ev.get("human"):
                last[ev["actor"]] = ev
        if last:
            out.append("<br><b>Latest AI policy weights</b>")
            for aid, ev in last.items():
                opts = ", ".join(
                    f"{html.escape(news_view._action_name(scn, o['action']))} {o['p'] * 100:.0f}%"
                    for o in ev.get("options", [])
                )
                out.append(f"\u2022 {html.escape(scn.actor(aid).name)} (turn {ev['turn']}): {opts}")
        if scn.params:
            out.append("<br><b>Parameters</b>")
            for p in scn.params:
                val = self.match.rules.params.get(p.id, p.value)
                out.append(f"\u2022 {html.escape(p.id)} = {val:g}")
        return "<br>".join(out)
