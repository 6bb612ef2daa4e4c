"""The screen stack, in the manner of Tuxemon's StateManager (with its known bugs fixed).

A ``Screen`` has a lifecycle: ``enter`` (pushed; builds its widgets), ``pause`` (another
screen went on top), ``resume``, ``exit`` (popped; kills its widgets). Events go down
the stack from the top: ``handle_event`` returns ``None`` when it consumed the event, or
the event to pass on; a ``modal`` screen passes nothing further. Drawing goes bottom-up
from the topmost ``opaque`` screen, so an overlay is drawn over the board it covers.

Each screen builds its pygame_gui widgets inside one root container, so hiding, showing
and killing a screen's widgets is one call, and a resize rebuilds them (``relayout``).
"""

from __future__ import annotations

import abc

import pygame
import pygame_gui
from pygame_gui.core import ObjectID, UIContainer
from pygame_gui.core.interfaces import IContainerLikeInterface
from pygame_gui.elements import UIButton

SCROLL_KEYS = {pygame.K_PAGEUP: -0.8, pygame.K_PAGEDOWN: 0.8, pygame.K_UP: -0.15, pygame.K_DOWN: 0.15}
"""Keys that scroll a long text, by a share of its view."""
PRESS_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
"""Keys that press the button the Tab focus is on."""


class Screen(abc.ABC):
    """One screen of the game (title, briefing, board, ...)."""

    name = "screen"
    opaque = True  # covers the whole window: screens below are not drawn
    modal = True  # events do not pass to the screens below

    def __init__(self, app):
        self.app = app
        self.root: UIContainer | None = None
        self.paused = False
        self.tab_index: int | None = None  # the button Tab moved to, in ``focus_order`` (None: none yet)

    # ---- lifecycle
    def enter(self) -> None:
        self.build()

    def exit(self) -> None:
        self.teardown()

    def pause(self) -> None:
        self.paused = True
        if self.root is not None and self.opaque_cover_hides_widgets():
            self.root.hide()

    def resume(self) -> None:
        self.paused = False
        if self.root is not None:
            self.root.show()

    @property
    def settling(self) -> bool:
        """Still building what it shows over the next frames (the board after a turn)."""
        return False

    def opaque_cover_hides_widgets(self) -> bool:
        top = self.app.stack.top
        return top is not None and top is not self and top.opaque

    def relayout(self) -> None:
        """Rebuild the widgets for a new window size or theme (state lives outside them)."""
        self.teardown()
        self.build()
        if self.paused and self.opaque_cover_hides_widgets() and self.root is not None:
            self.root.hide()

    # ---- widgets
    def new_root(self, layer: int = 1) -> UIContainer:
        w, h = self.app.size
        self.root = UIContainer(pygame.Rect(0, 0, w, h), self.app.manager, starting_height=layer)
        return self.root

    def build(self) -> None:
        self.new_root()

    def teardown(self) -> None:
        if self.root is not None:
            self.root.kill()
            self.root = None

    # ---- per frame
    def handle_event(self, event: pygame.event.Event):
        return event

    def update(self, dt: float) -> None:  # noqa: B027 - optional hook
        pass

    @abc.abstractmethod
    def draw(self, surface: pygame.Surface) -> None:
        """Draw what is not a widget (maps, charts), under the widgets."""

    def draw_over(self, surface: pygame.Surface) -> None:  # noqa: B027 - optional hook
        """Draw above the widgets (rare: drag feedback, hover cards)."""

    def focus_rect(self) -> pygame.Rect | None:
        """Where the keyboard acts (the app draws a focus ring there); by default the button or
        field pygame_gui has focused."""
        from game.ui.focus import gui_focus

        return gui_focus(self.app.manager, self.root)

    # ---- keyboard focus (Tab / Shift+Tab, Enter / Space)
    def focus_order(self) -> list[UIButton]:
        """The buttons Tab moves through: by default every shown, enabled button of the screen in
        reading order (top to bottom, then left to right); a screen whose Tab means something else
        returns []."""
        return sorted(buttons_in(self.root), key=lambda b: (b.rect.top, b.rect.left))

    def tab_focused(self) -> UIButton | None:
        """The button Tab moved to (still on view), if any."""
        if self.tab_index is None:
            return None
        order = self.focus_order()
        return order[self.tab_index] if 0 <= self.tab_index < len(order) else None

    def focus_key(self, event: pygame.event.Event) -> bool:
        """Tab / Shift+Tab move the ring over ``focus_order``; Enter or Space press the button it is on;
        a click puts the ring back where the screen's own keys act. True when the event was used."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.tab_index = None
            return False
        if event.type != pygame.KEYDOWN or event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT):
            return False
        if event.key == pygame.K_TAB:
            order = self.focus_order()
            if not order:
                return False
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            if self.tab_index is None or not 0 <= self.tab_index < len(order):
                self.tab_index = 0 if step > 0 else len(order) - 1
            else:
                self.tab_index = (self.tab_index + step) % len(order)
            return True
        if event.key in PRESS_KEYS:
            button = self.tab_focused()
            if button is None:
                return False
            self.activate(button, event.key)
            return True
        return False

    def activate(self, button: UIButton, key: int) -> None:
        """Press ``button`` from the keyboard, as a click does (the screen's handler sees the same event)."""
        self.app.stack.handle_event(
            pygame.event.Event(
                pygame_gui.UI_BUTTON_PRESSED,
                ui_element=button,
                ui_object_id=button.most_specific_combined_id,
                mouse_button=1,
            )
        )

    def ring_rect(self) -> pygame.Rect | None:
        """Where the app draws the focus ring: the Tab focus, else where the screen's keys act."""
        button = self.tab_focused()
        return pygame.Rect(button.rect) if button is not None else self.focus_rect()

    def state(self) -> dict:
        """What tests read about this screen ($REDLINE_TEST_STATE)."""
        return {"screen": self.name}


class ScreenStack:
    """push / pop / replace, with the lifecycle calls in the right order."""

    def __init__(self):
        self.screens: list[Screen] = []
        self.on_change = None

    @property
    def top(self) -> Screen | None:
        return self.screens[-1] if self.screens else None

    def push(self, screen: Screen) -> Screen:
        self.screens.append(screen)
        for s in self.screens[:-1]:
            if not s.paused:
                s.pause()
        screen.enter()
        self._changed()
        return screen

    def pop(self) -> Screen | None:
        if not self.screens:
            return None
        screen = self.screens.pop()
        screen.exit()
        if self.screens:
            self.screens[-1].resume()
        self._changed()
        return screen

    def remove(self, screen: Screen) -> None:
        if screen is self.top:
            self.pop()
        elif screen in self.screens:
            self.screens.remove(screen)
            screen.exit()

    def replace(self, screen: Screen) -> Screen:
        """Pop the top screen and push ``screen`` in its place."""
        if self.screens:
            old = self.screens.pop()
            old.exit()
        return self.push(screen)

    def reset(self, screen: Screen) -> Screen:
        """Clear the stack and start again with ``screen``."""
        while self.screens:
            self.screens.pop().exit()
        return self.push(screen)

    def handle_event(self, event):
        """Offer the event top-down; returns None once a screen consumed it."""
        for screen in reversed(list(self.screens)):
            event = screen.handle_event(event)
            if event is None or screen.modal:
                return event
        return event

    def visible(self) -> list[Screen]:
        """The screens to draw, bottom-up, starting from the topmost opaque one."""
        out = []
        for screen in reversed(self.screens):
            out.append(screen)
            if screen.opaque:
                break
        return list(reversed(out))

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def oid(class_id: str | None = None, object_id: str | None = None) -> ObjectID:
    return ObjectID(object_id=object_id, class_id=class_id)


def buttons_in(container, walked: set[int] | None = None) -> list[UIButton]:
    """The shown, enabled buttons inside ``container`` and the panels, scrolling lists and containers
    it holds, each once: a panel's inner container sits in its parent's elements too, so a walk
    reaches it twice (via the panel and directly) and would double its buttons and its Tab stops."""
    walked = set() if walked is None else walked
    if container is None or not container.visible or id(container) in walked:
        return []
    walked.add(id(container))
    out: list[UIButton] = []
    for el in container.elements:
        if isinstance(el, UIButton):
            if el.visible and el.is_enabled:
                out.append(el)
        elif isinstance(el, UIContainer):
            out += buttons_in(el, walked)
        elif isinstance(el, IContainerLikeInterface):
            out += buttons_in(el.get_container(), walked)
    return out


def clickable_part(button: UIButton) -> pygame.Rect:
    """The part of ``button`` on view: its rect clipped by every container it sits in (a scrolled list)."""
    rect = pygame.Rect(button.rect)
    container, seen = button.ui_container, set()
    while container is not None and id(container) not in seen and rect.w > 0:  # the root holds itself
        seen.add(id(container))
        rect = rect.clip(container.get_rect())
        container = getattr(container, "ui_container", None)
    return rect


def button_pressed(event, element) -> bool:
    return event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is element
