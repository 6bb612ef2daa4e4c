"""The shipped scenarios as a teacher needs them: sourced, attributed, balanced, historical."""

from __future__ import annotations

import datetime
import glob
import os
import re

import numpy as np
import pytest

from game.engine.batch import Batch
from game.policies import ScriptedPolicy
from game.runners.load import load_scenario
from game.runners.local import policies_for

SCENARIOS = sorted(glob.glob("scenarios/*.yaml"))
REAL = [p for p in SCENARIOS if not os.path.basename(p).startswith("tutorial")]


@pytest.fixture(scope="module", params=SCENARIOS)
def loaded(request):
    return load_scenario(request.param)


def test_every_claim_has_a_source_and_every_source_is_cited(loaded):
    meta = loaded.scenario.meta
    ids = {s.id for s in meta.sources}
    for c in meta.claims:
        assert c.sources, f"claim '{c.id}' has no source"
        assert set(c.sources) <= ids
    scn = loaded.scenario
    cited = {s for c in meta.claims for s in c.sources} | {s for p in meta.perspectives for s in p.sources}
    cited |= {p.source for p in scn.params} | {w.source for w in scn.weapons} | {s.source for s in scn.map.sites}
    assert ids <= cited, f"sources never cited: {sorted(ids - cited)}"


def test_every_param_names_its_claim_or_source(loaded):
    for p in loaded.scenario.params:
        assert p.claim or p.source, f"param '{p.id}' stands for no claim or source"
        assert p.says.strip()


@pytest.mark.parametrize("path", REAL)
def test_real_scenarios_are_fair(path):
    scn = load_scenario(path).scenario
    meta = scn.meta
    assert not meta.fictional
    assert len(meta.perspectives) >= 3
    assert 3 <= len(meta.objectives) <= 5
    statuses = {c.status for c in meta.claims}
    assert "contested" in statuses or "disputed" in statuses
    for rung in scn.ladder.rungs:
        assert rung.kahn is not None, f"rung '{rung.id}' names no place on Kahn's ladder"
    assert scn.history, "a real scenario records what actually happened"
    assert any(o.historical for o in scn.outcomes)


def test_every_text_renders_in_the_shipped_font(loaded):
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame.freetype

    pygame.freetype.init()
    font = pygame.freetype.Font("assets/fonts/NotoSans-Regular.ttf", 14)
    scn = loaded.scenario
    texts = [scn.meta.title, scn.meta.summary, scn.meta.briefing, *scn.meta.objectives]
    texts += [p.view for p in scn.meta.perspectives] + [c.statement for c in scn.meta.claims]
    texts += [a.name for a in scn.actions] + [a.text for a in scn.actions] + [o.text for o in scn.outcomes]
    texts += [r.name for r in scn.red_lines] + [s.says for s in scn.signals] + [h.text for h in scn.history]
    texts += [s.name for s in scn.map.sites] + [r.name for r in scn.map.regions]
    missing = set()
    for text in texts:
        for ch in set(text):
            if ch.isprintable() and not ch.isspace() and font.get_metrics(ch)[0] is None:
                missing.add(ch)
    assert not missing, f"characters the font cannot draw: {sorted(missing)}"


def _historical_script(rules):
    """Each actor plays its historical action on each recorded turn (first legal instance)."""
    scripts = {a.id: {} for a in rules.scenario.actors}
    by_id = {a.spec.id: a for a in rules.actions}
    for h in rules.scenario.history:
        for actor, action in h.actions.items():
            scripts[actor][h.turn] = int(by_id[action].instances[0])
    return scripts


@pytest.mark.parametrize("path", REAL)
def test_the_historical_path_replays_to_the_historical_outcome(path):
    rules = load_scenario(path).rules
    scripts = _historical_script(rules)
    base = policies_for(rules)
    policies = [ScriptedPolicy(scripts[a.id], base[i]) for i, a in enumerate(rules.scenario.actors)]
    b = Batch(rules, 1, np.arange(2000, dtype=np.uint64), policies).run()
    shares = np.bincount(b.outcome, minlength=len(rules.scenario.outcomes)) / 2000
    historical = [i for i, o in enumerate(rules.scenario.outcomes) if o.historical]
    assert int(np.argmax(shares)) in historical, dict(zip([o.id for o in rules.scenario.outcomes], shares))


@pytest.mark.parametrize("path", SCENARIOS)
def test_balance_with_all_actors_ai(path):
    rules = load_scenario(path).rules
    b = Batch(rules, 1, np.arange(20000, dtype=np.uint64), policies_for(rules)).run()
    shares = np.bincount(b.outcome, minlength=len(rules.scenario.outcomes)) / 20000
    assert (shares > 0).sum() >= 3, "at least three outcomes are reachable"
    historical = [i for i, o in enumerate(rules.scenario.outcomes) if o.historical]
    assert all(shares[i] > 0 for i in historical)


ATACMS = "scenarios/atacms_2024.yaml"


def test_atacms_declared_red_lines_rest_on_a_recorded_declaration():
    """A red line students see as declared needs a claim that records the declaration, not a forecast."""
    scn = load_scenario(ATACMS).scenario
    status = {c.id: c.status for c in scn.meta.claims}
    for r in scn.red_lines:
        if r.declared:
            assert status[r.claim] in ("established", "reported"), (r.id, r.claim, status[r.claim])


def test_atacms_oped_is_summarised_point_by_point_with_every_claim_it_raises():
    scn = load_scenario(ATACMS).scenario
    (doc,) = [d for d in scn.meta.documents if d.kind == "op-ed"]
    assert (doc.source, doc.author, doc.date) == ("aharoni_2024", "Yossi Aharoni", "2024-11-29")
    linked = {c for p in doc.points for c in p.claims}
    raised = {c.id for c in scn.meta.claims if "aharoni_2024" in c.sources}
    assert raised <= linked, f"claims citing the op-ed that no point links: {sorted(raised - linked)}"
    assert all(0 < len(p.quote.split()) <= 15 for p in doc.points), "every point quotes a few of his words"


@pytest.mark.parametrize("reading", [0, 1])
def test_atacms_dprk_reading_puts_the_counteroffensive_on_its_own_rung(reading):
    """The ladder's other reading: with it, Russia's counteroffensive with North Korean troops crosses
    'No widening of the war' (often first); without it, only Russia's rarer moves above it do."""
    rules = load_scenario(ATACMS, {"params.dprk_counts_as_escalation": reading}).rules
    n = 2000
    b = Batch(rules, 1, np.arange(n, dtype=np.uint64), policies_for(rules)).run()
    taken = {a.spec.id: int(c) for a, c in zip(rules.actions, b.action_counts)}
    assert (taken["kursk_counteroffensive_dprk"] > 0) == bool(reading)
    assert (taken["kursk_counteroffensive"] > 0) != bool(reading)
    widening = [t.id for t in rules.scenario.ladder.thresholds].index("no_widening")
    russia = [a.id for a in rules.scenario.actors].index("russia")
    first_by_russia = float((b.crossed_by[widening][:n] == russia).mean())
    assert (first_by_russia > 0.2) == bool(reading), first_by_russia


CUBA = "scenarios/cuba_1962.yaml"


def test_cuba_declared_red_lines_rest_on_a_recorded_declaration():
    """A Cuba red line students see as declared needs a claim that records the declaration, not an inference."""
    scn = load_scenario(CUBA).scenario
    status = {c.id: c.status for c in scn.meta.claims}
    for r in scn.red_lines:
        if r.declared:
            assert status[r.claim] in ("established", "reported"), (r.id, r.claim, status[r.claim])


def test_cuba_history_tells_every_day_in_order_with_its_claims():
    """The debrief sets history beside each turn: one entry a day, headed by its own date, each backed by claims."""
    scn = load_scenario(CUBA).scenario
    ids = {c.id for c in scn.meta.claims}
    assert [h.turn for h in scn.history] == list(range(1, scn.calendar.turns + 1))
    start = datetime.date.fromisoformat(scn.calendar.start)
    for h in scn.history:
        day = start + datetime.timedelta(days=(h.turn - 1) * scn.calendar.turn_days)
        assert h.text.startswith(f"{day:%a} {day.day} {day:%b}"), (h.turn, h.text[:20])
        assert h.claims and set(h.claims) <= ids, (h.turn, sorted(set(h.claims) - ids))


ISRAEL_IRAN = "scenarios/israel_iran_2024.yaml"


def test_israel_iran_red_lines_say_who_declared_them_or_that_they_are_inferred():
    """A declared red line cites the claim recording the declaration and quotes it; a hidden one says it is inferred."""
    scn = load_scenario(ISRAEL_IRAN).scenario
    status = {c.id: c.status for c in scn.meta.claims}
    for r in scn.red_lines:
        if r.declared:
            assert status[r.claim] in ("established", "reported"), (r.id, r.claim, status[r.claim])
            assert '"' in r.says, f"red line '{r.id}' quotes no declaration"
        else:
            assert "inference" in r.says, f"hidden red line '{r.id}' is not marked as the designers' inference"


def test_israel_iran_history_and_events_fall_in_their_fortnights():
    """Every date a history entry gives, and every event's date, falls inside the fortnight of its turn."""
    scn = load_scenario(ISRAEL_IRAN).scenario
    ids = {c.id for c in scn.meta.claims}
    start = datetime.date.fromisoformat(scn.calendar.start)

    def turn_of(day: datetime.date) -> int:
        return (day - start).days // scn.calendar.turn_days + 1

    assert [h.turn for h in scn.history] == sorted({h.turn for h in scn.history})
    months = "April|May|June|July|August|September|October"
    for h in scn.history:
        dates = re.findall(rf"\b(\d{{1,2}})(?:-\d{{1,2}})? ({months})\b", h.text)
        assert dates, f"history of turn {h.turn} gives no date"
        for d, month in dates:
            day = datetime.datetime.strptime(f"{d} {month} 2024", "%d %B %Y").date()
            assert turn_of(day) == h.turn, (h.turn, d, month)
        assert h.claims and set(h.claims) <= ids, (h.turn, sorted(set(h.claims) - ids))
    history_turns = {h.turn for h in scn.history}
    for e in scn.events:
        assert turn_of(datetime.date.fromisoformat(e.date)) in history_turns, e.id


def test_israel_iran_balance_figures_in_the_notes_are_true():
    """The notes' outcome shares are what 100,000 games with seed 1 give (simulate --games 100000 --seed 1)."""
    loaded = load_scenario(ISRAEL_IRAN)
    rules = loaded.rules
    notes = loaded.scenario.meta.notes
    balance = " ".join(notes[notes.index("Balance (") : notes.index("Mean length")].split())
    phrases = {
        "regional_war": "regional war",
        "shadows": "back to the shadows",
        "one_round": "one round, then a standoff",
        "contained": "contained (historical)",
    }
    n = 100_000
    b = Batch(rules, 1, np.arange(n, dtype=np.uint64), policies_for(rules)).run()
    shares = np.bincount(b.outcome, minlength=len(rules.scenario.outcomes)) / n
    for i, o in enumerate(rules.scenario.outcomes):
        written = re.search(re.escape(phrases[o.id]) + r"[^%]*?(\d+\.\d)%", balance)
        assert written, f"the notes give no share for '{o.id}'"
        assert float(written[1]) == round(100 * shares[i], 1), (o.id, written[1], 100 * shares[i])
    assert shares.max() <= 0.8
