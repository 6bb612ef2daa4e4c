"""Settings overlay: window size, full screen, UI scale, text size, palette, guided hints (saved at once)."""

from __future__ import annotations

import attrs
import pygame
from pygame_gui.elements import UIButton

from game.ui.ladder_view import _fit
from game.ui.screens.base import button_pressed, oid
from game.ui.screens.overlay import Overlay
from game.ui.settings import PALETTES, TEXT_SIZES, UI_SCALES, WINDOW_SIZES
from game.ui.widgets import Label

PALETTE_NAMES = {"colorblind": "Colour-blind safe (Okabe-Ito)", "scenario": "The scenario's own colours"}


class SettingsScreen(Overlay):
    name = "settings"
    title = "Settings"
    card_size = (640, 470)

    def enter(self) -> None:
        """Open with the ring on the window size in use, the first row: Enter there changes nothing,
        the arrows and Tab go on from it (set once: a change rebuilds the card, the ring stays put)."""
        super().enter()
        sizes = [b for b, key, _ in self.choices if key == "size"]
        current = next((b for b in sizes if b.is_selected), sizes[0])  # a dragged size is none of them
        self.tab_index = self.focus_order().index(current)

    def build_card(self) -> None:
        st = self.app.settings
        window = st.size if st.fullscreen else tuple(self.app.size)
        self.choices: list[tuple[UIButton, str, object]] = []
        rows: list[tuple[str, str, list[tuple[str, object]], object]] = [
            # the window's real size: --size or a drag may have changed it without saving
            ("Window size", "size", [(f"{w}\u00d7{h}", (w, h)) for w, h in WINDOW_SIZES], window),
            ("Full screen", "fullscreen", [("Off", False), ("On", True)], st.fullscreen),
            ("UI scale", "ui_scale", [(f"{v:g}\u00d7", v) for v in UI_SCALES], st.ui_scale),
            ("Text size", "text_size", [(k.capitalize(), k) for k in TEXT_SIZES], st.text_size),
            ("Actor colours", "palette", [(PALETTE_NAMES[p], p) for p in PALETTES], st.palette),
            ("Guided hints", "show_hints", [("Off", False), ("On (H hides or shows)", True)], st.show_hints),
        ]
        s = self.app.s
        label_w = s(130)
        for label, key, options, current in rows:
            Label(
                pygame.Rect(self.card.left + 20, self.y, label_w, s(34)), label, self.app.manager, container=self.body
            )
            x = self.card.left + 20 + label_w
            avail = self.card.right - 20 - x
            bw = (avail - s(6) * (len(options) - 1)) // len(options)
            for text, value in options:
                b = UIButton(
                    pygame.Rect(x, self.y, bw, s(34)),
                    text,
                    self.app.manager,
                    container=self.body,
                    object_id=oid("@option"),
                )
                fitted = _fit(b.font, text, bw - self.app.s(8))
                if fitted != text:  # Larger text: cut with an ellipsis, the whole text on hover
                    b.set_text(fitted)
                    b.set_tooltip(text)
                if value == current:
                    b.select()
                self.choices.append((b, key, value))
                x += bw + s(6)
            self.y += s(44)
        self.y = self.card.bottom - s(58)
        w = (self.card.w - 40 - s(10)) // 2
        self.done = self.add_button("Done (Esc)", cls="@primary", height=40, width=w, x=self.card.left + 20)
        self.reset = self.add_button("Restore defaults", height=40, width=w, x=self.card.left + 20 + w + s(10))

    def handle_event(self, event):
        if button_pressed(event, self.done):
            self.close()
            return None
        if button_pressed(event, self.reset):
            from game.ui.settings import Settings

            self._apply(Settings())
            return None
        for b, key, value in self.choices:
            if button_pressed(event, b):
                st = attrs.evolve(self.app.settings)
                if key == "size":
                    st.width, st.height = value
                else:
                    setattr(st, key, value)
                self._apply(st)
                return None
        return super().handle_event(event)

    def _apply(self, st) -> None:
        self.app.apply_settings(st)
        self.app.notify("Settings saved", "good", 2)
