"""The briefing's scenario title is never cut, at the smallest window with the largest text."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pygame_gui.elements import UILabel  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.screens.briefing import BriefingScreen  # noqa: E402
from game.ui.settings import TEXT_SIZES, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LARGEST_TEXT = max(TEXT_SIZES, key=TEXT_SIZES.__getitem__)


@pytest.mark.parametrize("size", [(960, 600), (1280, 720)])
@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_title_fits_its_label(path, size):
    app = App(Settings(width=size[0], height=size[1], text_size=LARGEST_TEXT), size, fixed_size=True)
    match = Match.start(str(path), (Match.start(str(path), (), 1).scenario.actors[0].id,), 1)
    app.stack.reset(BriefingScreen(app, match))
    app.render(2)
    title = match.scenario.meta.title
    labels = [e for e in app.manager.get_sprite_group().sprites() if isinstance(e, UILabel) and e.text == title]
    assert labels, "no label shows the scenario's title"
    for label in labels:
        assert label.font.size(title)[0] <= label.rect.w, (title, label.font.size(title)[0], label.rect.w)
