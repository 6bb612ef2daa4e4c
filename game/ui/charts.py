"""Small charts drawn with pygame: a step-line chart (rung by turn) and paired bars.

A text a chart cuts to fit (with an ellipsis) is given back as a ``Tip``: where it was drawn
and its full text, which the screen shows on hover and on keyboard focus."""

from __future__ import annotations

import attrs
import pygame

from game.ui import theme
from game.ui.ladder_view import _fit, draw_marker


@attrs.frozen
class Tip:
    """A text drawn cut (or a line standing for texts not drawn, or a word that needs saying
    what it means): where, and the full text."""

    rect: pygame.Rect
    text: str


def _tip(tips: list[Tip] | None, box: pygame.Rect, shown: str, full: str) -> None:
    """Give ``full`` back for ``box`` when what was drawn there is not all of it."""
    if tips is not None and shown != full:
        tips.append(Tip(pygame.Rect(box), full))


def frame(surface, rect: pygame.Rect, title: str, fs: float = 1.0, tips: list[Tip] | None = None) -> pygame.Rect:
    """A titled card (the title cut with an ellipsis where it does not fit, given back in ``tips``);
    returns the inner plotting area."""
    pygame.draw.rect(surface, (18, 24, 32), rect, border_radius=6)
    pygame.draw.rect(surface, theme.PANEL_EDGE, rect, 1, border_radius=6)
    f = theme.font(round(12 * fs), "bold")
    shown = _fit(f, title.upper(), rect.w - 24)
    img = theme.render(f, shown, theme.ACCENT)
    surface.blit(img, (rect.left + 12, rect.top + 8))
    _tip(tips, img.get_rect(topleft=(rect.left + 12, rect.top + 8)), shown, title.upper())
    return pygame.Rect(rect.left + 12, rect.top + 14 + f.get_linesize(), rect.w - 24, rect.h - 24 - f.get_linesize())


def _place(kept: list[pygame.Rect], box: pygame.Rect) -> bool:
    """Keep ``box`` if it overlaps no label kept so far (labels that would overlap are left out)."""
    if box.collidelist(kept) >= 0:
        return False
    kept.append(box)
    return True


def chart_top(values: list[list[int]], rungs: int) -> int:
    """The highest rung the chart shows: one above the highest a line reached (at least rung 3),
    so a game that stayed low is not squeezed into the bottom rows of a 14-rung ladder (the
    Cuban chart's rows were 4 px apart, its labels 8 px)."""
    reached = max((v for vs in values for v in vs), default=0)
    return min(rungs, max(reached + 1, 3))


def rung_chart(
    surface,
    rect: pygame.Rect,
    series: list[tuple[str, tuple, str, list[int]]],
    rung_names: list[str],
    turns: int,
    fs: float = 1.0,
    players: tuple[int, ...] = (),
    tips: list[Tip] | None = None,
) -> list[pygame.Rect]:
    """Rung (0..``chart_top``) by turn, one stepped line per actor: (name, colour, marker shape,
    values); the series at ``players`` (the student's sides) drawn last, on top of the others, and
    thicker.

    Returns the boxes of the text it drew (and adds to ``tips`` the texts it cut). Where rung
    labels would overlap, the rungs a line reaches are labelled first, then the others from the
    bottom up while they fit; turn numbers likewise, under the markers of the bottom row."""
    f = theme.font(round(10 * fs))
    n = chart_top([values for *_x, values in series], len(rung_names))
    rung_names = rung_names[:n]
    label_w = min(max((f.size(x)[0] for x in rung_names), default=40) + 10, rect.w // 3)
    legend_h = max(round(18 * fs), f.get_linesize() + 4)
    marker_r = round(6.5 * fs)  # the largest marker: the turn numbers go below it
    top = max(4, f.get_linesize() // 2)  # the top rung's label is centred on its line: all of it inside
    plot = pygame.Rect(
        rect.left + label_w,
        rect.top + top,
        rect.w - label_w - 6,
        rect.h - top - 8 - marker_r - f.get_linesize() - legend_h,
    )
    kept: list[pygame.Rect] = []
    if plot.w < 20 or plot.h < 20:
        return kept
    reached = {v for *_x, values in series for v in values}
    order = sorted(range(n + 1), key=lambda i: (i not in reached, i))
    for i in range(n + 1):
        y = plot.bottom - plot.h * i / max(n, 1)
        pygame.draw.line(surface, (34, 43, 55), (plot.left, y), (plot.right, y))
    # rung labels a little smaller where the rows are tight, so more of them fit (not below 8 px)
    row = plot.h / max(n, 1)
    fl = f
    for px in range(round(10 * fs) - 1, 7, -1):
        if fl.size("Ag")[1] <= row:
            break
        fl = theme.font(px)
    for i in order:
        y = plot.bottom - plot.h * i / max(n, 1)
        full = rung_names[i - 1] if i else "none"
        name = _fit(fl, full, label_w - 8)
        img = theme.render(fl, name, theme.TEXT_DIM)
        box = img.get_rect(midright=(plot.left - 6, y))
        if _place(kept, box):
            surface.blit(img, box)
            _tip(tips, box, name, full)
    turns = max(turns, 1)

    def xy(t: int, v: int):
        x = plot.left + plot.w * (t - 0.5) / turns
        y = plot.bottom - plot.h * v / max(n, 1)
        return x, y

    for t in range(1, turns + 1):
        x, _ = xy(t, 0)
        img = theme.render(f, str(t), theme.TEXT_DIM)
        box = img.get_rect(midtop=(x, plot.bottom + marker_r + 2))
        if _place(kept, box.inflate(6, 0)):
            surface.blit(img, box)
    k = len(series)
    tight = max(3, round(row * 0.4))  # where rows are close, markers and lines keep to their rung
    for j in sorted(range(k), key=lambda i: i in players):
        _name, colour, shape, values = series[j]
        mine = j in players
        # lines apart (one game shared by two sides showed one line: the thicker hid the other), each near its rung
        off = (j - (k - 1) / 2) * min(7.0 * fs, row / (2 * k))
        pts = [(xy(t + 1, v)[0], xy(t + 1, v)[1] + off) for t, v in enumerate(values)]
        if len(pts) > 1:
            steps = []
            for a, b in zip(pts, pts[1:]):
                steps += [a, (b[0], a[1]), b]
            pygame.draw.lines(surface, colour, False, steps, min(max(5, round(5 * fs)), tight) if mine else 3)
        for x, y in pts:
            draw_marker(surface, shape, x, y, min((6.5 if mine else 5) * fs, max(3.0, row * 0.6)), colour)
    x = plot.left
    y = rect.bottom - legend_h / 2
    cap = theme.render(f, "turn", theme.TEXT_FAINT)
    cap_box = cap.get_rect(midright=(rect.right - 2, y))
    for name, colour, shape, _values in series:
        room = cap_box.left - 8 - (x + 16)
        if room < 20:
            break
        draw_marker(surface, shape, x + 6, y, 5 * fs, colour)
        shown = _fit(f, name, room)
        img = theme.render(f, shown, theme.TEXT)
        box = img.get_rect(midleft=(x + 16, y))
        kept.append(box)
        surface.blit(img, box)
        _tip(tips, box, shown, name)
        x += img.get_width() + 34
    if _place(kept, cap_box):
        surface.blit(cap, cap_box)
    return kept


def paired_bars(
    surface,
    rect: pygame.Rect,
    labels: list[str],
    a: list[float] | None,
    b: list[float],
    a_name: str,
    b_name: str,
    a_colour=theme.ACCENT,
    b_colour=(86, 180, 233),
    fs: float = 1.0,
    highlight: int | None = None,
    tips: list[Tip] | None = None,
) -> list[pygame.Rect]:
    """Horizontal bars: for each label, share ``a`` (may be None) above share ``b``; returns the
    boxes of the text it drew (a label that would overlap another is left out) and adds to
    ``tips`` the labels it cut. Where the rows do not fit, the likeliest ones are drawn
    (``highlight`` always) and one line counts the others (its tip names them, with their shares)."""
    f = theme.font(round(11 * fs))
    fb = theme.font(round(11 * fs), "bold")
    legend_h = max(round(20 * fs), f.get_linesize() + 4)
    widths = [(fb if i == highlight else f).size(x)[0] for i, x in enumerate(labels)]  # the game's own in bold
    label_w = min(max(widths, default=40) + 12, int(rect.w * 0.38))
    rows = len(labels)
    if rows == 0:
        return []
    area = pygame.Rect(rect.left, rect.top, rect.w, rect.h - legend_h)
    shown, hidden = list(range(rows)), []
    fit = max(1, int(area.h // max(f.get_linesize(), (2 if a is not None else 1) * 6 + 6)))
    if rows > fit:  # squeezed (a short window, a panel below): bars drawn over each other before

        def likelihood(i: int) -> float:
            return max(b[i], a[i] if a is not None else 0.0)

        keep = sorted(shown, key=lambda i: (i != highlight, -likelihood(i)))[: max(1, fit - 1)]
        hidden = [i for i in shown if i not in keep]
        shown = sorted(keep)
    row_h = area.h / (len(shown) + (1 if hidden else 0))
    bar_h = max(6, min(round(14 * fs), (row_h - 6) / (2 if a is not None else 1)))
    plot_x = area.left + label_w
    plot_w = area.w - label_w - max(round(44 * fs), f.size("100% / 100%")[0] + 12 if a is not None else 0)
    kept: list[pygame.Rect] = []
    for j, i in enumerate(shown):
        label = labels[i]
        y0 = area.top + j * row_h
        font = fb if i == highlight else f
        name = _fit(font, label, label_w - 8)
        img = theme.render(font, name, theme.ACCENT if i == highlight else theme.TEXT)
        box = img.get_rect(midright=(plot_x - 8, y0 + row_h / 2))
        if _place(kept, box):
            surface.blit(img, box)
            _tip(tips, box, name, label)
        bars = ([(a[i], a_colour)] if a is not None else []) + [(b[i], b_colour)]
        total_h = len(bars) * bar_h + (len(bars) - 1) * 2
        y = y0 + (row_h - total_h) / 2
        for share, colour in bars:
            pygame.draw.rect(surface, (30, 38, 48), pygame.Rect(plot_x, y, plot_w, bar_h), border_radius=2)
            w = max(0, round(plot_w * share))
            if w:
                pygame.draw.rect(surface, colour, pygame.Rect(plot_x, y, w, bar_h), border_radius=2)
            y += bar_h + 2
        # the shares at the end of their bars, or on one line when the bars are too thin for two
        shares = [f"{share * 100:.0f}%" for share, _c in bars]
        if len(bars) > 1 and total_h / len(bars) < f.size("0%")[1] + 1:
            shares = [" / ".join(shares)]
        step = total_h / len(shares)
        for k, text in enumerate(shares):
            pct = theme.render(f, text, theme.TEXT)
            y = y0 + (row_h - total_h) / 2 + step * (k + 0.5)
            box = pct.get_rect(midleft=(plot_x + plot_w + 6, y))
            if _place(kept, box):
                surface.blit(pct, box)
    if hidden:
        most = max(max(b[i], a[i] if a is not None else 0.0) for i in hidden)
        more = f"and {len(hidden)} other outcome{'s' if len(hidden) > 1 else ''}, each at most {most * 100:.0f}%"
        img = theme.render(f, _fit(f, more, area.w - label_w), theme.TEXT_DIM)
        box = img.get_rect(midleft=(plot_x, area.top + len(shown) * row_h + row_h / 2))
        if _place(kept, box):
            surface.blit(img, box)
            _tip(tips, box, "", "; ".join(f"{labels[i]}: {_shares_text(a, b, i)}" for i in hidden))
    x = plot_x
    y = rect.bottom - legend_h / 2
    for name, colour, show in ((a_name, a_colour, a is not None), (b_name, b_colour, True)):
        if not show:
            continue
        pygame.draw.rect(surface, colour, pygame.Rect(x, y - 5, 14, 10), border_radius=2)
        legend = _fit(f, name, max(20, rect.right - x - 24))
        img = theme.render(f, legend, theme.TEXT)
        box = img.get_rect(midleft=(x + 20, y))
        if _place(kept, box):
            surface.blit(img, box)
            _tip(tips, box, legend, name)
        x += img.get_width() + 44
    return kept


def _shares_text(a: list[float] | None, b: list[float], i: int) -> str:
    return " / ".join(f"{share * 100:.0f}%" for share in ([a[i]] if a is not None else []) + [b[i]])


def bar(surface, rect: pygame.Rect, share: float, colour, bg=(30, 38, 48)) -> None:
    pygame.draw.rect(surface, bg, rect, border_radius=3)
    w = round(rect.w * max(0.0, min(1.0, share)))
    if w:
        pygame.draw.rect(surface, colour, pygame.Rect(rect.left, rect.top, w, rect.h), border_radius=3)
