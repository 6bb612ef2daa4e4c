"""The news feed laid out as small boxes (a few lines of one turn each), so no frame lays out a
long turn at once: the cut never falls inside a tag or between a line and its indented reasons,
and the boxes' rows fall exactly where one box of the whole feed puts them."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pygame_gui.elements import UITextBox  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.panels.news import BLOCK_CHARS, feed_blocks, split_turn, top_level_lines, visible_chars  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TAGS = re.compile(r"<[^>]*>")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def app():
    return App(Settings(), (1280, 720), fixed_size=True)


def paragraphs(html: str) -> int:
    """How many paragraphs ``html`` starts: lines with text that are not indented."""
    return sum(1 for x in top_level_lines(html) if x and not x[0].isspace())


def balanced(html: str) -> bool:
    depth = 0
    for m in re.finditer(r"<(/?)([a-z]+)[^>]*>", html):
        if m.group(2) == "br":
            continue
        depth += -1 if m.group(1) else 1
        if depth < 0:
            return False
    return depth == 0


words = st.text(alphabet="abc xyz.", min_size=0, max_size=60)
styled = st.one_of(
    words,
    words.map(lambda w: f"<b>{w}</b>"),
    words.map(lambda w: f"<font color='#e8b44c'>{w}</font>"),
    st.tuples(words, words).map(lambda p: f"<i>{p[0]}<br>    {p[1]}</i>"),  # a <br> inside a tag
)
line = st.lists(styled, min_size=0, max_size=4).map("".join)
indented = line.map(lambda x: "    " + x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(line, indented), min_size=1, max_size=12), st.integers(10, 300))
def test_blocks_join_back_to_the_turn_and_are_self_contained(lines, limit):
    turn = "<br>".join(lines)
    blocks = split_turn(turn, limit)
    assert "<br>".join(blocks) == turn
    assert all(balanced(b) for b in blocks)
    for block in blocks[1:]:  # a block starts a paragraph: never an indented line or an empty one
        assert block and not block[0].isspace()
    for block in blocks:  # over the limit only when it is one paragraph
        if visible_chars(TAGS.sub("", block)) > limit:
            assert paragraphs(block) <= 1


def test_a_br_inside_a_tag_stays_in_its_line():
    html = "<b>Red line:</b> one<br>    <font color='#fff'>why<br>and what</font><br><i>two</i>"
    assert top_level_lines(html) == [
        "<b>Red line:</b> one",
        "    <font color='#fff'>why<br>and what</font>",
        "<i>two</i>",
    ]
    assert split_turn(html, 5) == [
        "<b>Red line:</b> one<br>    <font color='#fff'>why<br>and what</font>",
        "<i>two</i>",
    ]


def test_each_turn_but_the_last_ends_with_the_gap_line():
    feed = "<font pixel_size=13>TURN 1<br>a<br><br>TURN 2<br>b</font>"
    assert feed_blocks(feed, limit=1000) == [
        ["<font pixel_size=13>TURN 1<br>a<br></font>"],
        ["<font pixel_size=13>TURN 2<br>b</font>"],
    ]


def rows(box, top: int = 0) -> list[tuple[int, str]]:
    """(y in the feed, text) of each row of ``box`` that shows text."""
    out = []
    for row in box.text_box_layout.layout_rows:
        text = "".join(getattr(chunk, "text", "") or "" for chunk in row.items)
        if text.strip():
            out.append((top + box.relative_rect.top + row.y, text))
    return out


@pytest.mark.parametrize("text_size", ["normal", "larger"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_boxes_rows_are_where_one_box_of_the_feed_puts_them(app, size, text_size, monkeypatch):
    """No gap and no double padding between the boxes of a turn or between turns: every row is
    where one text box of the whole feed lays it out."""
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setattr(app.settings, "text_size", text_size)
    app.resize(size)
    try:
        match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("ukraine",), 5)
        for _ in range(4):
            match.end_turn()
        board = GameScreen(app, match)
        app.stack.reset(board)
        app.render(2)
        news = board.news
        assert len(news.blocks) > len({b.turn for b in news.blocks}), "a long turn is laid out in several boxes"
        text, _anchors = news.feed()
        assert news.html_text == "".join(part for parts in feed_blocks(text) for part in parts)
        width = news.blocks[0].box.rect.w
        whole = UITextBox(text, pygame.Rect(0, 0, width, -1), app.manager, container=news.scroller)
        try:
            split = [r for block in news.blocks for r in rows(block.box)]
            assert split == rows(whole)
        finally:
            whole.kill()
    finally:
        app.resize((1280, 720))


def test_no_box_of_a_shipped_feed_is_longer_than_the_limit_but_a_single_paragraph(app):
    """What keeps a frame's layout short: blocks of at most ``BLOCK_CHARS`` visible characters,
    longer only where one paragraph is (a turn's history text)."""
    from game.ui.screens.game_screen import GameScreen

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        probe = Match.start(str(path), (), 2)
        seat = next(a.id for a in probe.scenario.actors if a.playable)
        match = Match.start(str(path), (seat,), 2)
        match.session.run_ai_to_end()
        board = GameScreen(app, match)
        app.stack.reset(board)
        app.render(1)
        for block in board.news.blocks:
            inner = block.html[block.html.index(">") + 1 : -len("</font>")]
            if visible_chars(TAGS.sub("", inner)) > BLOCK_CHARS:
                assert paragraphs(inner) <= 1, (path.name, inner[:80])
