"""The guided hints (``scenario.hints``): a turn's hint as a card over the map, beside the part of
the board it talks about (outlined, with an arrow where it is next to the map). "Got it" or Esc
hides it, and shows the next one where more are queued (the card then says "Next"); H hides the
hints for this turn and shows them again."""

from __future__ import annotations

import math

import pygame
from pygame_gui.elements import UIButton

from game.ui import theme
from game.ui.hints import HintState, hint_target
from game.ui.ladder_view import _fit
from game.ui.panels.base import Panel
from game.ui.screens.base import oid
from game.ui.tooltip import gui_tooltips


class HintPanel(Panel):
    """This turn's hint card over the map (``rect``); the card is drawn, its button is a widget."""

    def __init__(self, board):
        super().__init__(board)
        self.state = HintState()
        self.button: UIButton | None = None
        self._cache: tuple | None = None

    def current(self):
        """The first due hint the seat's player has not hidden, if the board shows one now."""
        sess = self.match.session
        if sess.done or (self.presenter.seat is None and not self.presenter.watch):
            return None
        return self.state.current(
            self.match.scenario, sess.events, sess.turn, self.presenter.seat, self.app.settings.show_hints
        )

    def layout(self) -> dict | None:
        """Where the card, its button, its arrow and the outlined target go (None: no card)."""
        hint = self.current()
        if hint is None:
            return None
        key = (
            id(hint),
            tuple(self.app.size),
            self.app.fs,
            self.app.settings.ui_scale,
            self.app.instructor,
            self.presenter.watch,
        )
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        from game.ui.tooltip import wrap

        s, fp = self.app.s, self.app.font_px
        mrect = self.board.rects["map"]
        f_tag, f_title, f_body = theme.font(fp(11), "bold"), theme.font(fp(16), "bold"), theme.font(fp(14))
        margin, pad, stripe = s(16), s(14), s(5)
        target = hint_target(hint)
        arrow_room = s(34) if target in ("ladder", "news") else 0
        width = min(s(410), mrect.w - 2 * margin - (arrow_room if target == "ladder" else 0))
        if width < s(200) or mrect.h - 2 * margin < s(120):
            # the map is a sliver (the smallest window, the largest text and the instructor view):
            # no card rather than one of negative size (monkey seed 553); H shows it again later
            self._cache = (key, None)
            return None
        inner = width - 2 * pad - stripe
        lines = wrap(f_body, hint.text, inner)
        btn_w, btn_h = s(96), s(32)
        title = _fit(f_title, hint.title, inner - btn_w - s(10))
        head_h = f_tag.get_linesize() + f_title.get_linesize()
        fixed = pad + head_h + s(8) + pad
        room = mrect.h - 2 * margin - (arrow_room if target == "news" else 0) - fixed
        fit = max(1, room // f_body.get_linesize())
        if len(lines) > fit:
            lines = lines[:fit]
            lines[-1] = _fit(f_body, lines[-1] + " \u2026", inner)
        height = fixed + len(lines) * f_body.get_linesize()
        # a corner of the map beside what the hint is about, the one that hides the fewest places
        area = mrect.inflate(-2 * margin, -2 * margin)
        if target == "ladder":
            area.w -= arrow_room
            corners: tuple[str, ...] = ("topright", "bottomright")
        elif target == "news":
            area.h -= arrow_room
            corners = ("bottomleft", "bottomright")
        else:
            corners = ("bottomleft", "topleft", "bottomright", "topright")
        avoid = self.board.instructor.box.rect if self.board.instructor.box is not None else None
        options = []
        for i, corner in enumerate(corners):
            card = pygame.Rect(0, 0, width, height)
            setattr(card, corner, getattr(area, corner))
            blocked = avoid is not None and card.colliderect(avoid)
            options.append((blocked, self._places_under(card), i, card))
        card = min(options, key=lambda o: o[:3])[3]
        arrow = None
        if target == "ladder":
            y = card.top + s(44)
            arrow = ((card.right + s(6), y), (self.board.rects["ladder"].left + s(14), y))
        elif target == "news":
            x = card.centerx
            arrow = ((x, card.bottom + s(6)), (x, self.board.rects["news"].top + s(12)))
        button = pygame.Rect(card.right - pad - btn_w, card.top + pad + (head_h - btn_h) // 2, btn_w, btn_h)
        out = {
            "hint": hint,
            "card": card,
            "button": button,
            "arrow": arrow,
            "target": target,
            "lines": lines,
            "title": title,
            "fonts": (f_tag, f_title, f_body),
            "pad": pad,
            "stripe": stripe,
        }
        self._cache = (key, out)
        return out

    def _places_under(self, card: pygame.Rect) -> int:
        """How many map sites (marker or name) a card there would hide."""
        f = theme.font(self.app.font_px(13), "bold")
        n = 0
        for site in self.match.scenario.map.sites:
            x, y = (float(v) for v in self.board.map.proj.to_screen(site.lon, site.lat))
            mark = pygame.Rect(x - 8, y - 8, 16, 16)
            label = pygame.Rect(x + 8, y - 9, f.size(site.name)[0], 18)
            n += bool(card.colliderect(mark) or card.colliderect(label))
        return n

    def target_rect(self, target: str | None) -> pygame.Rect | None:
        """The outline of the part of the board a hint is about (panels: inside their edge;
        the action list and the signal row: around them)."""
        r, s = self.board.rects, self.app.s
        if target in ("ladder", "news", "indicators"):
            return r[target].inflate(-s(4), -s(4))
        decision = self.board.decision
        if target == "decisions" and self.presenter.deciding and decision.scroller is not None:
            return decision.list_rect.inflate(s(6), s(6))
        prev, after = getattr(decision, "sig_prev", None), getattr(decision, "sig_next", None)  # none when watching
        if target == "signals" and prev is not None and after is not None:
            return prev.rect.union(after.rect).inflate(s(10), s(34)).move(0, -s(12))
        return None

    def build_widgets(self, root) -> None:
        """The "Got it" button of this turn's hint card (the card itself is drawn)."""
        self.button = None
        lay = self.layout()
        if lay is None:
            return
        more = self.waiting()
        self.button = UIButton(
            lay["button"],
            "Next" if more else "Got it",
            self.app.manager,
            container=root,
            object_id=oid("@primary", "#hint_ok"),
            tool_tip_text=f"Esc: the next hint ({more} more); H hides the hints for this turn"
            if more
            else "Hide this hint (Esc or H); H shows it again",
        )

    def waiting(self) -> int:
        """Hints queued behind the one shown."""
        sess = self.match.session
        return self.state.waiting(
            self.match.scenario, sess.events, sess.turn, self.presenter.seat, self.app.settings.show_hints
        )

    def dismiss(self) -> None:
        self.state.dismiss(self.current(), self.presenter.seat)
        self.build(self.rect)

    def turn_ended(self) -> None:
        """The seat ends its turn: the hint on view counts as read (``HintState.turn_ended``)."""
        sess = self.match.session
        self.state.turn_ended(
            self.match.scenario, sess.events, sess.turn, self.presenter.seat, self.app.settings.show_hints
        )

    def toggle(self) -> None:
        sess = self.match.session
        shown = self.state.toggle(
            self.match.scenario, sess.events, sess.turn, self.presenter.seat, self.app.settings.show_hints
        )
        if shown is None:
            self.app.notify("No hint yet", "info", 2)
        self.build(self.rect)

    def draw(self, surface) -> None:
        lay = self.layout()
        if lay is None:
            return
        s = self.app.s
        card, pad, stripe = lay["card"], lay["pad"], lay["stripe"]
        f_tag, f_title, f_body = lay["fonts"]
        bg = pygame.Surface(card.size, pygame.SRCALPHA)
        pygame.draw.rect(bg, (11, 16, 23, 246), bg.get_rect(), border_radius=8)
        surface.blit(bg, card)
        pygame.draw.rect(surface, theme.ACCENT, card, 2, border_radius=8)
        pygame.draw.rect(
            surface,
            theme.ACCENT,
            pygame.Rect(card.left, card.top, stripe, card.h),
            border_top_left_radius=8,
            border_bottom_left_radius=8,
        )
        x = card.left + stripe + pad
        y = card.top + pad
        hints = self.match.scenario.hints
        number = next((i for i, h in enumerate(hints, 1) if h is self.current()), 0)
        tag = theme.render(f_tag, f"HINT {number} OF {len(hints)}", theme.ACCENT)
        surface.blit(tag, (x, y))
        room = lay["button"].left - s(10) - (x + tag.get_width() + s(10))
        keys_text = "Esc: next hint \u00b7 H hides" if self.waiting() else "Esc or H hides it"
        keys = _fit(f_tag, keys_text, room) if room > s(40) else ""
        if keys:
            surface.blit(theme.render(f_tag, keys, theme.TEXT_FAINT), (x + tag.get_width() + s(10), y))
        y += f_tag.get_linesize()
        surface.blit(theme.render(f_title, lay["title"], theme.TEXT), (x, y))
        y += f_title.get_linesize() + s(8)
        for line in lay["lines"]:
            surface.blit(theme.render(f_body, line, (214, 220, 228)), (x, y))
            y += f_body.get_linesize()

    def draw_pointer(self, surface) -> None:
        """Above the widgets: the outline of what the hint is about, and the arrow to it (not while
        a widget's tool tip shows: it would be drawn across the tip's words)."""
        lay = self.layout()
        if lay is None or gui_tooltips(self.app.manager):
            return
        s = self.app.s
        pulse = 0.5 + 0.5 * math.sin(pygame.time.get_ticks() / 260.0)
        colour = theme.mix(theme.ACCENT, (255, 236, 190), 0.35 * pulse)
        target = self.target_rect(lay["target"])
        if target is not None:
            pygame.draw.rect(surface, colour, target, s(3), border_radius=8)
        if lay["arrow"] is not None:
            (x0, y0), (x1, y1) = lay["arrow"]
            rows = self.board.ladder.row_rects
            if lay["target"] == "ladder" and rows:  # at a rung, not at the empty panel under them
                y0 = y1 = max(min(y0, rows[0].centery), rows[-1].centery, lay["card"].top + s(12))
            w = s(4)
            head = s(12)
            if y0 == y1:
                pygame.draw.line(surface, colour, (x0, y0), (x1 - head, y1), w)
                pygame.draw.polygon(
                    surface, colour, [(x1, y1), (x1 - head - 2, y1 - head + 2), (x1 - head - 2, y1 + head - 2)]
                )
            else:
                pygame.draw.line(surface, colour, (x0, y0), (x1, y1 - head), w)
                pygame.draw.polygon(
                    surface, colour, [(x1, y1), (x1 - head + 2, y1 - head - 2), (x1 + head - 2, y1 - head - 2)]
                )

    def covers(self, pos) -> bool:
        lay = self.layout()
        return lay is not None and lay["card"].collidepoint(pos)
