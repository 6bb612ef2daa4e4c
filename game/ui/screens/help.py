"""The help overlay (F1 or ?): what is on the board and every key."""

from __future__ import annotations

from game.ui.screens.base import button_pressed
from game.ui.screens.overlay import Overlay

KEYS = [
    ("Enter", "end the turn with the selected action (or continue)"),
    ("Up / Down, 1-9, 0, B...", "choose an action (the key on its row: 1-9, 0, then letters)"),
    ("Left / Right, Tab", "choose what to say (a signal), or none"),
    ("Mouse drag, Shift+arrows, W A S D", "pan the map"),
    ("Wheel, + / -, Home", "zoom the map; Home resets the view"),
    ("F2", "instructor view: hidden red lines, every probability, the AI's weights"),
    ("F5", "reload the scenario from disk (errors are shown, the game goes on)"),
    ("Ctrl+S / Ctrl+L", "save the game / load a saved game"),
    ("Esc", "menu: save, load, settings, help, quit to the title screen"),
    ("F11 / F12", "full screen / save a screenshot"),
    ("Space, Right", "when watching: pause and resume, one turn forward"),
    ("Esc, H", "a hint card: Esc shows the next hint (or hides the last); H hides this turn's hints or shows them"),
    ("Tab / Shift+Tab, Enter or Space", "on the title, the debrief and in menus: move to a button, press it"),
    ("F1 or ?", "this help"),
]


class HelpScreen(Overlay):
    name = "help"
    title = "How to play"
    card_size = (720, 560)

    def build_card(self) -> None:
        px = self.app.font_px(14)
        rows = "".join(f"<b><font color='#e8b44c'>{k}</font></b>  {v}<br>" for k, v in KEYS)
        intro = (
            "Each turn every side picks one action at the same time. Your action puts you on a rung of the "
            '<b>escalation ladder</b> (right of the map), numbered from 1 at the bottom: "rung 3" is the '
            "same rung everywhere. Its tooltip also gives the matching rung of Herman Kahn's 44-rung ladder "
            "(1965), which scholars cite. Actions may trip a side's <b>red line</b>; its answer "
            "is drawn by chance, with the odds shown in the news. The game ends on an outcome or at the "
            "turn limit, and the <b>debrief</b> shows why.<br><br>"
        )
        h = self.card.bottom - self.y - self.app.s(64)
        self.add_text(f"<font pixel_size={px}>{intro}{rows}</font>", h)
        self.ok = self.add_button("Back to the game (Esc)", cls="@primary", height=38)

    def handle_event(self, event):
        if button_pressed(event, self.ok):
            self.close()
            return None
        return super().handle_event(event)
