"""The debrief's charts as a student met them at 1280x720 and 1920x1080: the game's own outcome cut
("Talks settle the disp...") beside an empty label column, the turn numbers hidden under the
markers of the bottom row, and a game that stayed low squeezed into the bottom of a 14-rung
ladder (rows 4 px apart, labels 8 px)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import charts, theme  # noqa: E402

RED = (230, 40, 40)


class RecordingSurface(pygame.Surface):
    """A surface that remembers where each text image was blitted."""

    def __init__(self, size, texts):
        super().__init__(size)
        self.texts = texts  # id(image) -> text, filled by the recording render
        self.placed: list[tuple[str, pygame.Rect]] = []

    def blit(self, source, dest, *args, **kwargs):
        text = self.texts.get(id(source))
        if text is not None:
            self.placed.append((text, source.get_rect(topleft=pygame.Rect(dest).topleft if len(dest) == 4 else dest)))
        return super().blit(source, dest, *args, **kwargs)


@pytest.fixture
def recording(monkeypatch):
    """(surface factory, texts rendered): every text the charts render is recorded by image."""
    pygame.font.init()
    texts: dict[int, str] = {}
    keep: list[pygame.Surface] = []  # the images stay alive, so their ids stay theirs
    render = theme.render

    def rendering(font, text, colour, halo=None):
        img = render(font, text, colour, halo)
        texts[id(img)] = text
        keep.append(img)
        return img

    monkeypatch.setattr(theme, "render", rendering)
    return lambda size: RecordingSurface(size, texts)


def test_the_games_own_outcome_in_bold_is_not_cut_where_the_label_column_has_room(recording):
    surface = recording((1000, 200))
    labels = ["Open war", "Talks settle the dispute", "Armed standoff"]
    tips: list[charts.Tip] = []
    charts.paired_bars(
        surface, pygame.Rect(0, 0, 1000, 200), labels, [0.02, 0.69, 0.29], [0.1, 0.41, 0.5], "you", "AI",
        fs=1.5, highlight=1, tips=tips,
    )  # fmt: skip
    drawn = [text for text, _box in surface.placed]
    assert "Talks settle the dispute" in drawn
    assert tips == []


def test_turn_numbers_sit_below_the_markers_of_the_bottom_row(recording):
    surface = recording((600, 200))
    series = [("Red", RED, "square", [0, 0, 0])]
    charts.rung_chart(surface, pygame.Rect(0, 0, 600, 200), series, ["a", "b", "c"], 3, fs=1.5)
    numbers = [box for text, box in surface.placed if text in ("1", "2", "3")]
    assert len(numbers) == 3
    pixels = pygame.PixelArray(surface)
    for box in numbers:
        inside = [(x, y) for x in range(box.left, box.right) for y in range(box.top, box.bottom)]
        assert not [p for p in inside if surface.unmap_rgb(pixels[p])[:3] == RED], box
    pixels.close()


def test_a_game_that_stayed_low_is_drawn_on_the_rungs_it_reached_and_one_above(recording):
    surface = recording((640, 160))
    names = [f"Rung {i}" for i in range(1, 15)]
    series = [("You", RED, "circle", [2, 2, 5]), ("Them", (40, 90, 230), "square", [0, 1, 1])]
    charts.rung_chart(surface, pygame.Rect(0, 0, 640, 160), series, names, 3)
    drawn = {text for text, _box in surface.placed}
    assert {"none", "Rung 1", "Rung 2", "Rung 3", "Rung 4", "Rung 5", "Rung 6"} <= drawn  # every row labelled
    assert not drawn & {f"Rung {i}" for i in range(7, 15)}
    assert charts.chart_top([[2, 2, 5], [0, 1, 1]], 14) == 6
    assert charts.chart_top([[0, 0]], 14) == 3 and charts.chart_top([[4]], 4) == 4


def test_no_rung_label_reaches_above_the_chart(recording):
    surface = recording((640, 160))
    series = [("You", RED, "circle", [1, 2, 3])]
    charts.rung_chart(surface, pygame.Rect(0, 40, 640, 120), series, ["a", "b", "c", "d"], 3)
    assert all(box.top >= 40 for _text, box in surface.placed)


def test_a_side_that_climbed_as_the_student_did_still_shows_its_line(recording):
    """Borvia (the student) and Aldoria both at talks, then a show of force: the student's thicker
    line and markers covered Aldoria's whole line at 1920x1080."""
    blue = (40, 90, 230)
    surface = recording((1000, 260))
    series = [("Aldoria", blue, "circle", [1, 2, 2, 2]), ("Borvia (you)", RED, "square", [1, 2, 2, 2])]
    charts.rung_chart(surface, pygame.Rect(0, 0, 1000, 260), series, ["a", "b", "c", "d"], 4, fs=1.5, players=(1,))
    pixels = pygame.PixelArray(surface)
    counts = {RED: 0, blue: 0}
    for x in range(1000):
        for y in range(220):  # above the legend
            rgb = surface.unmap_rgb(pixels[x, y])[:3]
            if rgb in counts:
                counts[rgb] += 1
    pixels.close()
    assert counts[blue] > counts[RED] * 0.25


def test_markers_keep_to_their_rung_where_the_rows_are_close(recording):
    """Eight rungs in a short chart (1280x720, the largest text): a marker stayed 17 px tall over
    rows 6 px apart and covered the lines of the rungs next to it."""
    surface = recording((700, 110))
    series = [("You", RED, "square", [7])]
    charts.rung_chart(
        surface, pygame.Rect(0, 0, 700, 110), series, [f"r{i}" for i in range(8)], 1, fs=1.3, players=(0,)
    )
    pixels = pygame.PixelArray(surface)
    rows = [
        y for y in range(86) if any(surface.unmap_rgb(pixels[x, y])[:3] == RED for x in range(700))
    ]  # above the legend
    pixels.close()
    assert 0 < max(rows) - min(rows) < 12
