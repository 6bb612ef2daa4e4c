"""The briefing opens on the short briefing and the seat's role card; the full dossier (documents
point by point, the status glossary, claims, sources, parameters) is one key or click away; the
role card is one click away in the Esc menu during play. Headless (SDL dummy driver)."""

import html
import json
import os
import shutil

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from game.claim_status import STATUS_DEFINITIONS  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def app():
    return App(Settings(), (1280, 720), fixed_size=True)


def esc(text: str) -> str:
    return html.escape(text)


def _key(app, key):
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    app.handle(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    app.render(1)


def _click(app, button):
    app.handle(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=button))
    app.render(1)


def test_the_briefing_opens_short_with_the_role_card_and_d_opens_the_dossier(app):
    from game.ui.screens.briefing import BriefingScreen

    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("russia",), 7)
    scn = match.scenario
    brief = BriefingScreen(app, match)
    app.stack.reset(brief)
    app.render(2)
    left, right = brief.left.html_text, brief.right.html_text
    assert "WHAT HAPPENED." in left and esc(scn.meta.briefing_short[:60]) in left
    assert esc(scn.meta.briefing[:60]) not in left, "the long briefing waits in the dossier"
    assert "YOUR ROLE CARD" in right and "YOUR RED LINES" in right
    joint = next(c for c in scn.meta.claims if c.id == "doctrine_joint_attack")
    assert "doctrine_joint_attack" not in right, "a claim's id is never shown: its note is"
    assert esc(joint.statement[:40]) in right and "established: the record settles it" in right
    _key(app, pygame.K_d)
    assert brief.page == "dossier" and app.stack.top is brief
    left, right = brief.left.html_text, brief.right.html_text
    assert esc(scn.meta.briefing[:60]) in left
    for text in STATUS_DEFINITIONS.values():
        assert esc(text[:40]) in right
    assert "SOURCES" in right and "PERSPECTIVES" in right
    assert esc(scn.meta.claims[-1].statement[:40]) in right
    _click(app, brief.switch)
    assert brief.page == "briefing" and "YOUR ROLE CARD" in brief.right.html_text


def test_a_document_is_read_point_by_point_with_its_claims_and_statuses(app, tmp_path):
    from game.ui.screens.briefing import BriefingScreen

    shutil.copy(ROOT / "scenarios" / "tutorial.yaml", tmp_path / "tutorial.yaml")
    points = [
        {"says": "Nobody saw the ramming.", "quote": "nobody saw", "claims": ["trawler_rammed"]},
        {"says": "Skerry is ours.", "claims": []},
    ]
    document = {
        "id": "speech",
        "title": "Address on Skerry",
        "author": "Aldoria's minister (invented)",
        "date": "2031-06-01",
        "kind": "speech",
        "source": "redline_tutorial",
        "summary": "The minister says the island is Aldorian.",
        "points": points,
    }
    variant = {"extends": "tutorial.yaml", "meta": {"documents": [document]}}
    (tmp_path / "doc.yaml").write_text(json.dumps(variant), encoding="utf-8")
    match = Match.start(str(tmp_path / "doc.yaml"), ("aldoria",), 1)
    brief = BriefingScreen(app, match)
    app.stack.reset(brief)
    brief.show_page("dossier")
    app.render(1)
    left = brief.left.html_text
    doc = match.scenario.meta.documents[0]
    claims = {c.id: c for c in match.scenario.meta.claims}
    assert esc(doc.title) in left and esc(doc.summary[:30]) in left
    for n, point in enumerate(doc.points, 1):
        assert f"<b>{n}.</b> {esc(point.says)}" in left
        for cid in point.claims:
            assert claims[cid].status.upper() in left and esc(claims[cid].statement[:30]) in left
    assert "an opinion: no claim checks it" in left


def test_the_esc_menu_opens_the_role_card_during_play(app):
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.pause import PauseMenu
    from game.ui.screens.role_card import RoleCardOverlay

    match = Match.start(str(ROOT / "scenarios" / "cuba_1962.yaml"), ("cuba",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    menu = PauseMenu(app, board)
    app.stack.push(menu)
    app.render(1)
    _click(app, menu.buttons["card"])
    card = app.stack.top
    assert isinstance(card, RoleCardOverlay)
    recon = next(c for c in match.scenario.meta.claims if c.id == "low_level_recon")
    assert "WHAT YOU WANT" in card.text.html_text and "low_level_recon" not in card.text.html_text
    assert esc(recon.statement[:40]) in card.text.html_text
    app.render(1)
    assert card.text.ready and card.text.content_h > card.text.view_h, "the card and its notes scroll"
    _key(app, pygame.K_PAGEDOWN)
    assert card.text.scroll == card.text.view_h
    _key(app, pygame.K_ESCAPE)
    assert app.stack.top is board


def test_the_dossier_shows_its_first_view_at_once_and_lays_out_the_rest_over_frames(app):
    """The ATACMS dossier took 30 s to open under load: both columns were laid out whole in one frame."""
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.text_card import TextCard

    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("russia",), 7)
    brief = BriefingScreen(app, match)
    app.stack.reset(brief)
    app.render(1)
    brief.show_page("dossier")
    left, right = brief.left, brief.right
    assert brief.settling and not right.ready, "the claims column is not laid out in the frame that opens it"
    assert left.content_h >= left.view_h and right.content_h >= right.view_h, "each column's view is full"
    first = len(right.lines)
    app.render(1)
    assert not brief.settling and left.ready and right.ready and len(right.lines) > 3 * first
    whole = TextCard(right.html_text, right.rect, right.px, right.pad)
    assert sum(1 for _ in whole.steps()) == len(right.lines), "laid out in steps, the same lines as at once"


def test_the_title_shows_every_scenario_without_compiling_one_and_start_compiles_the_chosen(app, monkeypatch):
    """The window took 40 s to appear under load: the title compiled every shipped scenario first."""
    from game.runners import load
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.title import TitleScreen

    compiled: list[str] = []
    real = load.compile_rules

    def counting(scenario, *args, **kwargs):
        compiled.append(scenario.meta.id)
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(load, "compile_rules", counting)
    app.open_title()
    app.render(1)
    title = app.stack.top
    assert isinstance(title, TitleScreen) and len(title.entries) >= 3 and all(e.loaded for e in title.entries)
    assert compiled == []
    title.start()
    assert compiled == [title.entry.loaded.scenario.meta.id]
    assert isinstance(app.stack.top, BriefingScreen)
