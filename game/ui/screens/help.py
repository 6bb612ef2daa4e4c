"""The help overlay (F1 or ?): what is on the board and every key.

It shows in the frame of the key (its card is the overlays' cheap ``rounded_card``); its text
follows over the next frames, a few lines a frame under a budget, in text boxes stacked as one
text (one pygame_gui box of it took 16-45 ms).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pygame
from pygame_gui.elements import UIScrollingContainer, UITextBox

from game.ui.panels.news import feed_font, row_below, split_turn
from game.ui.screens.base import button_pressed
from game.ui.screens.overlay import Overlay

STEP_BUDGET = 0.006  # seconds of text layout a frame while the card fills

KEYS = [
    ("Enter", "end the turn with the selected action (or continue)"),
    ("Up / Down, 1-9, 0, B...", "choose an action (the key on its row: 1-9, 0, then letters)"),
    ("Left / Right, Tab", "choose what to say (a signal), or none"),
    ("Mouse drag, Shift+arrows, W A S D", "pan the map"),
    ("Wheel, + / -, Home", "zoom the map; Home resets the view"),
    ("F3 / Shift+F3", "read the ladder's and the indicators' cut names in full, one a press (Esc stops)"),
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
    _steps: Iterator[None] | None = None
    _fresh = False

    def build_card(self) -> None:
        """The card and its button in the frame of the key; the text over the next frames."""
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
        self.html_text = f"<font pixel_size={px}>{intro}{rows}</font>"
        h = self.card.bottom - self.y - self.app.s(64)
        self.text_rect = pygame.Rect(self.card.left + 14, self.y, self.card.w - 28, h)
        self.y += h + self.app.s(8)
        self.ok = self.add_button("Back to the game (Esc)", cls="@primary", height=38)
        self.boxes: list[UITextBox] = []
        self._steps = self.text_steps()
        self._fresh = True

    def text_steps(self) -> Iterator[None]:
        """The text's scrolling list, then the text a few lines a step, each box one line below
        the last (room beside them for a scroll bar)."""
        scroller = UIScrollingContainer(self.text_rect, self.app.manager, container=self.body, allow_scroll_x=False)
        opening, inner = feed_font(self.html_text)
        width = scroller.rect.w - self.app.s(20)
        for block in split_turn(inner):
            y = row_below(self.boxes[-1]) if self.boxes else 0
            box = UITextBox(
                f"{opening}{block}</font>", pygame.Rect(0, y, width, -1), self.app.manager, container=scroller
            )
            self.boxes.append(box)
            scroller.set_scrollable_area_dimensions((width, box.relative_rect.bottom))
            yield

    @property
    def settling(self) -> bool:
        """Part of the card is still to be built."""
        return self._steps is not None

    def update(self, dt: float) -> None:
        """Build until this frame's budget is spent (a step more only while one as long as the
        last still fits), from the frame after the key's: that one drew the card. Not while covered
        (the hand-over pushed over Help): pygame_gui cannot make a scrolling list in a hidden card."""
        if self.paused:
            return
        if self._fresh:
            self._fresh = False
            return
        now = time.perf_counter()
        deadline, last = now + STEP_BUDGET, 0.0
        while self._steps is not None and now + last < deadline:
            if next(self._steps, StopIteration) is StopIteration:
                self._steps = None
            ended = time.perf_counter()
            last, now = ended - now, ended

    def focus_order(self) -> list:
        """Back first, then the text's scroll buttons: the ring keeps its button (Tab counts by
        place) while the text and its scroll bar arrive over the frames after the key."""
        rest = [b for b in super().focus_order() if b is not self.ok]
        return [self.ok, *rest] if self.ok is not None else rest

    def handle_event(self, event):
        if button_pressed(event, self.ok):
            self.close()
            return None
        return super().handle_event(event)
