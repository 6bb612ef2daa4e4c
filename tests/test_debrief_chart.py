"""The debrief's rung chart draws the student's line last, on top of the others, and thicker."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

import pygame  # noqa: E402

from game.ui import charts  # noqa: E402

RED, BLUE = (230, 40, 40), (40, 90, 230)


def colour_counts(players: tuple[int, ...]) -> tuple[int, int]:
    """Pixels of each colour when two sides climb the very same rungs."""
    pygame.font.init()
    surface = pygame.Surface((600, 300))
    series = [("Red", RED, "circle", [1, 2, 2, 3]), ("Blue", BLUE, "square", [1, 2, 2, 3])]
    charts.rung_chart(surface, pygame.Rect(0, 0, 600, 300), series, ["a", "b", "c", "d"], 4, players=players)
    pixels = pygame.PixelArray(surface)
    red = sum(1 for x in range(600) for y in range(300) if surface.unmap_rgb(pixels[x, y])[:3] == RED)
    blue = sum(1 for x in range(600) for y in range(300) if surface.unmap_rgb(pixels[x, y])[:3] == BLUE)
    pixels.close()
    return red, blue


def test_the_players_line_is_on_top_and_thicker():
    red, blue = colour_counts(players=(0,))
    assert red > blue * 1.3
    red, blue = colour_counts(players=(1,))
    assert blue > red * 1.3


def test_squeezed_bars_show_the_likeliest_outcomes_and_count_the_rest(monkeypatch):
    """Seven outcomes in a short box: the bars were drawn over each other; now the likeliest rows (and
    the game's own outcome) are drawn, and one line counts the others."""
    from game.ui import theme

    drawn: list[str] = []
    render = theme.render

    def recording(font, text, colour, halo=None):
        drawn.append(text)
        return render(font, text, colour, halo)

    monkeypatch.setattr(theme, "render", recording)
    pygame.font.init()
    surface = pygame.Surface((600, 110))
    labels = [f"Outcome {k}" for k in range(7)]
    shares = [0.02, 0.4, 0.01, 0.3, 0.05, 0.2, 0.02]
    charts.paired_bars(surface, pygame.Rect(0, 0, 600, 110), labels, shares, shares, "you", "AI", highlight=2)
    assert "Outcome 2" in drawn and "Outcome 1" in drawn  # the game's own outcome, the likeliest
    assert "Outcome 6" not in drawn
    assert any(t.startswith("and ") and "other outcomes, each at most" in t for t in drawn)
