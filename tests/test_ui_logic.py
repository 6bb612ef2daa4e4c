"""The window's logic: projection, range rings, saves, settings, the debrief's replays."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import contextlib  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game import geo  # noqa: E402
from game.diagnostics import ScenarioError  # noqa: E402
from game.engine.history import history_comparison  # noqa: E402
from game.engine.session import SaveError  # noqa: E402
from game.ui import hints, news_view, saves, theme  # noqa: E402
from game.ui.debrief_data import causal_chain, game_log, replay_shares, seat_script  # noqa: E402
from game.ui.map_view import Projection, coverage  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings, load_settings, save_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")
ATACMS = str(ROOT / "scenarios" / "atacms_2024.yaml")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    return tmp_path


def _loadable():
    out = []
    for p in sorted((ROOT / "scenarios").glob("*.yaml")):
        with contextlib.suppress(ScenarioError):
            out.append(Match.start(str(p), (), 1))
    return out


# ---------------------------------------------------------------- projection
@pytest.mark.parametrize("lat0", [0.0, 23.0, 50.0, 64.0])
def test_projection_round_trips(lat0):
    p = Projection(30.0, lat0, 30.0, lat0, 40.0, pygame.Rect(100, 50, 800, 600))
    lon = np.array([25.0, 30.0, 37.6, 41.2])
    lat = lat0 + np.array([-3.0, 0.0, 2.5, 5.0])
    x, y = p.to_screen(lon, lat)
    lon2, lat2 = p.to_world(x, y)
    assert np.allclose(lon, lon2) and np.allclose(lat, lat2)
    # the view centre is the rect centre; north is up; x is scaled by cos(lat0)
    cx, cy = p.to_screen(30.0, lat0)
    assert (float(cx), float(cy)) == pytest.approx(p.rect.center)
    assert float(p.to_screen(30.0, lat0 + 1)[1]) < cy
    assert float(p.to_screen(31.0, lat0)[0]) - cx == pytest.approx(40.0 * np.cos(np.radians(lat0)))


def test_zoom_keeps_the_point_under_the_mouse_and_pan_moves():
    p = Projection(30.0, 50.0, 30.0, 50.0, 40.0, pygame.Rect(0, 0, 800, 600))
    lon, lat = p.to_world(200, 150)
    p.zoom(1.25, (200, 150))
    x, y = p.to_screen(lon, lat)
    assert (float(x), float(y)) == pytest.approx((200, 150))
    p.pan_pixels(50, -20)
    x2, y2 = p.to_screen(lon, lat)
    assert (float(x2), float(y2)) == pytest.approx((250, 130))


def test_fit_shows_the_whole_view():
    p = Projection(35.0, 50.0, 0, 0, 1.0, pygame.Rect(0, 0, 700, 500))
    p.fit((20.0, 43.0, 50.0, 60.0))
    for lon, lat in ((20.0, 43.0), (50.0, 60.0), (20.0, 60.0), (50.0, 43.0)):
        x, y = p.to_screen(lon, lat)
        assert p.rect.collidepoint(float(x), float(y))


# ---------------------------------------------------------------- range rings
@pytest.mark.parametrize("match", _loadable(), ids=lambda m: m.scenario.meta.id)
def test_range_rings_mark_the_sites_the_engine_reaches(match):
    scn, rules = match.scenario, match.rules
    for wi, w in enumerate(scn.weapons):
        if not w.launch_from:
            continue
        cov = coverage(scn, w.id, rules=rules)
        assert coverage(scn, w.id).in_range == cov.in_range  # without the rules: the same points
        for x in rules.instances:
            if x.weapon != wi or x.site < 0:
                continue
            site = scn.map.sites[x.site]
            out_of_range = x.reason.startswith("out of range")
            # never "in range" of its own side's weapon; every other site as the engine measures it
            expected = not out_of_range and site.id not in cov.friendly
            assert (site.id in cov.in_range) == expected, (w.id, site.id, x.reason, cov.distances[site.id])
            assert cov.distances[site.id] == pytest.approx(x.distance_km, abs=1e-6)
        # every ring point lies at the weapon's range from its launch point
        for (lon, lat), ring in zip(cov.launch_points, cov.rings):
            d = geo.haversine_km(lon, lat, ring[:, 0], ring[:, 1])
            assert np.allclose(d, w.range_km, rtol=1e-6)


def test_range_ring_union_edge_excludes_inner_points():
    m = Match.start(TUTORIAL, (), 1)
    cov = coverage(m.scenario, "aldoria_missiles")
    assert "borv_naval" in cov.in_range and "borv_city" not in cov.in_range
    pts = cov.launch_points
    for ring, edge in zip(cov.rings, cov.boundary):
        d = geo.haversine_km(ring[:, None, 0], ring[:, None, 1], pts[None, :, 0], pts[None, :, 1]).min(axis=1)
        assert np.all(d[edge] >= cov.range_km * 0.999)
        assert not np.any(edge[d < cov.range_km * 0.99])


# ---------------------------------------------------------------- saves
def _played(turns=2, seats=("aldoria",)):
    m = Match.start(TUTORIAL, seats, 11)
    for _ in range(turns):
        if m.session.done:
            break
        opts = [o for o in m.session.options(seats[0]) if o.legal]
        m.choose(seats[0], opts[-1].instance, None)
    return m


def test_save_load_round_trip(home):
    m = _played(2)
    path = m.save_as()
    assert path.parent == home / "saves" and json.loads(path.read_text())["format"] == "redline-save/1"
    back = Match.from_save_file(path)
    assert back.session.decisions == m.session.decisions
    assert back.session.events == m.session.events
    assert back.seats == m.seats and back.session.turn == m.session.turn
    # the autosave was written each turn and is offered for resuming
    info = saves.resumable_autosave()
    assert info is not None and info.turn == 3 and info.seats == ("Aldoria",)
    assert not list(home.glob("saves/.tmp-*"))


@pytest.mark.parametrize(
    "content,message",
    [
        (b"{not json", "damaged"),
        (b'{"format": "something-else/1"}', "not a Redline save"),
        (b"\xff\xfe garbage", "damaged"),
        (b'{"format": "redline-save/1", "scenario_file": 3}', "damaged"),
    ],
)
def test_corrupt_save_gives_a_clear_message(home, content, message):
    bad = home / "saves" / "bad.json"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(content)
    with pytest.raises(saves.SaveFileError, match=message):
        Match.from_save_file(bad)
    assert saves.list_saves() == []  # unusable files are not listed


def test_save_of_another_scenario_is_refused(home):
    m = _played(1)
    data = m.to_save()
    data["scenario"] = "atlantis"
    path = home / "saves" / "foreign.json"
    saves.write_save(data, path)
    with pytest.raises(SaveError, match="atlantis"):
        Match.from_save_file(path)


def test_finished_game_is_not_offered_for_resume(home):
    m = _played(1)
    while not m.session.done:
        m.choose("aldoria", m.session.options("aldoria")[0].instance, None)
    assert saves.resumable_autosave() is None


def test_hot_reload_keeps_the_last_good_version(tmp_path):
    src = Path(TUTORIAL).read_text(encoding="utf-8")
    f = tmp_path / "tut.yaml"
    f.write_text(src, encoding="utf-8")
    m = Match.start(str(f), ("aldoria",), 3)
    m.choose("aldoria", m.session.options("aldoria")[1].instance, None)
    before = list(m.session.events)
    f.write_text(src.replace("tension -= 0.1", "tensoin -= 0.1"), encoding="utf-8")
    diags = m.reload()
    assert diags and any("tensoin" in str(d) and "tut.yaml:" in str(d) for d in diags)
    assert m.session.events == before
    f.write_text(src.replace("Hold and watch", "Wait and see"), encoding="utf-8")
    assert m.reload() == []
    assert m.session.turn == 2 and m.session.options("aldoria")[0].name == "Wait and see"


# ---------------------------------------------------------------- settings
def test_settings_persist(home):
    s = Settings(
        width=1600, height=900, fullscreen=True, ui_scale=1.3, text_size="large", palette="scenario", show_hints=False
    )
    path = save_settings(s)
    assert path == home / "settings.json"
    back = load_settings()
    assert back == s and back.problem == ""


@pytest.mark.parametrize(
    "content",
    [
        "{broken",
        '{"format": "redline-settings/1", "width": "wide"}',
        '{"format": "redline-settings/1", "show_hints": "yes"}',
        '{"format": "redline-settings/1", "palette": "rainbow"}',
        "[]",
    ],
)
def test_corrupt_settings_are_ignored_with_a_message(home, content):
    (home / "settings.json").write_text(content, encoding="utf-8")
    s = load_settings()
    assert s == Settings() and "ignored" in s.problem


# ---------------------------------------------------------------- debrief
def test_debrief_replays_sum_to_one():
    """(Their speed is bench/bench_ui.py's: tests assert no wall time, which load changes.)"""
    m = _played(5)
    assert m.session.done
    r = replay_shares(m.session, ("aldoria",))
    assert r.n == 1000 and r.ready and len(r.outcomes) == len(m.scenario.outcomes)
    assert r.student.sum() == pytest.approx(1.0) and r.ai.sum() == pytest.approx(1.0)
    assert seat_script(m.session, "aldoria") == {d["turn"]: d["choices"]["aldoria"] for d in m.session.decisions}
    assert replay_shares(m.session, ()).student is None


@pytest.mark.parametrize("match", _loadable(), ids=lambda m: m.scenario.meta.id)
def test_debrief_for_every_scenario(match):
    seat = next(a.id for a in match.scenario.actors if a.playable)
    m = Match.start(match.path, (seat,), 5)
    while not m.session.done:
        m.choose(seat, next(o for o in m.session.options(seat) if o.legal).instance, None)
    r = replay_shares(m.session, (seat,))
    assert r.student.sum() == pytest.approx(1.0)
    chain = causal_chain(m.session.events, (seat,))
    assert chain[-1]["kind"] == "outcome"
    assert all(e["id"] in {x["id"] for x in m.session.events} for e in chain)


def test_exported_log_has_the_replay_structure():
    from game.cli.commands import replay_log

    m = _played(5)
    log = game_log(m)
    ref = replay_log(m.rules, m.seed, 0)
    assert set(ref) <= set(log) and {"humans", "decisions"} <= set(log)
    assert log["format"] == "redline-log/1" and log["humans"] == ["aldoria"]
    assert log["turns"] == len(log["rungs_by_turn"]["aldoria"])
    json.dumps(log)


# ---------------------------------------------------------------- guided hints
def test_tutorial_hints_and_what_each_points_at():
    scn = Match.start(TUTORIAL, (), 1).scenario
    assert [(h.title, h.on, hints.hint_target(h)) for h in scn.hints] == [
        ("The ladder", "turn", "ladder"),
        ("A declared red line", "turn", "decisions"),
        ("Chance", "chance", "news"),
        ("Signals", "signal", "signals"),
        ("Claims and their status", "turn", None),
        ("The debrief", "debrief", None),
    ]
    assert hints.debrief_hint(scn).title == "The debrief"
    assert [h.title for h in hints.due(scn, [], 1)] == ["The ladder"]


# ---------------------------------------------------------------- history in the news
def _plain(html_text: str) -> list[str]:
    import re

    return [re.sub(r"<[^>]+>", "", line) for line in html_text.split("<br>")]


def _feed(m, seats, current=True):
    sess = m.session
    return _plain(
        news_view.feed_html(
            sess.events,
            m.scenario,
            theme.actor_colours(m.scenario),
            rules=m.rules,
            current_turn=sess.turn if current and not sess.done else None,
            history_seats=seats,
        )
    )


def test_history_opens_the_news_of_turn_one():
    m = Match.start(ATACMS, ("ukraine",), 1)
    lines = _feed(m, ("ukraine",))
    assert lines[0].startswith("TURN 1") and "this turn" in lines[0]
    h1 = m.scenario.history[0]
    assert lines[1].startswith("Historically: ") and " ".join(h1.text.split())[:60] in lines[1]
    assert not any(x.startswith("History:") for x in lines)


def test_history_line_when_the_player_leaves_history():
    m = Match.start(ATACMS, ("ukraine",), 1)
    hold = next(o for o in m.session.options("ukraine") if o.legal and o.action == "hold")
    m.choose("ukraine", hold.instance, None)
    lines = _feed(m, ("ukraine",))
    deep = next(a.name for a in m.scenario.actions if a.id == "deep_strike")
    assert f"History: Ukraine did {deep} here." in lines
    # turn 1 opens with its history, then its news, then the comparison; turn 2 (being decided) follows
    t2 = next(i for i, x in enumerate(lines) if x.startswith("TURN 2"))
    assert lines[1].startswith("Historically:") and lines[t2 - 2].startswith("History: Ukraine")
    assert lines[t2 + 1].startswith("Historically: ") and "25 November" in lines[t2 + 1]
    # the historical action: no line
    m2 = Match.start(ATACMS, ("ukraine",), 1)
    same = next(o for o in m2.session.options("ukraine") if o.legal and o.action == "deep_strike")
    m2.choose("ukraine", same.instance, None)
    assert not any(x.startswith("History: Ukraine") for x in _feed(m2, ("ukraine",)))


def test_watch_news_compares_every_actor_with_history():
    m = Match.start(ATACMS, (), 1)
    m.step_ai()
    cmp = {c["turn"]: c for c in history_comparison(m.rules, m.session.events)}[1]
    off = [a for a, ok in cmp["matches"].items() if not ok]
    lines = [x for x in _feed(m, None, current=False) if x.startswith("History:")]
    assert len(lines) == (1 if off else 0)
    for a in off:
        assert m.scenario.actor(a).name in lines[0]


def test_news_without_history_is_unchanged():
    m = _played(1)
    lines = _feed(m, ("aldoria",))
    assert not any("Historically" in x or x.startswith("History:") for x in lines)
    assert lines[0].startswith("TURN 1") and not any(x.startswith("TURN 2") for x in lines)


def test_end_turn_keeps_the_actions_name_whole_before_the_keys():
    """'End turn: Hold and watch (En…' cut the key's name with the larger text: the key goes first,
    the action's name is cut only when it alone does not fit."""
    from game.ui.panels.decision import end_turn_text

    pygame.font.init()
    f = theme.font(20, "bold")
    name = "Hold and watch"
    full = f"End turn: {name}  (Enter)"
    assert end_turn_text(f, name, f.size(full)[0]) == full
    assert end_turn_text(f, name, f.size(full)[0] - 1) == f"End turn: {name}"
    cut = end_turn_text(f, name, f.size("End turn: Hold")[0])
    assert cut.startswith("End turn: ") and cut.endswith("\u2026") and f.size(cut)[0] <= f.size("End turn: Hold")[0]


def test_a_window_opened_again_in_the_same_process_draws_with_live_fonts(tmp_path, monkeypatch):
    """pygame.quit() at the window's end voids every font made before it: the cached ones went
    with it, so a second window in the same process (a test run, a notebook) did not fail with
    'Invalid font (font module quit since font created)'."""
    from game.ui.app import App
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    first = App(Settings(), (1280, 720), fixed_size=True)
    first.stack.reset(GameScreen(first, Match.start(TUTORIAL, ("aldoria",), 1)))
    first.render(1)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert first.run() == 0 and not pygame.font.get_init()
    second = App(Settings(), (1280, 720), fixed_size=True)
    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    board = second.stack.reset(GameScreen(second, match))
    second.render(2)
    assert board.ladder_panel.indicators_rect.h > 0
    pygame.display.quit()
