"""``rungs_off`` in a signal's effects: the distance, in rungs, between what the sender said
(``max_rung`` / ``min_rung``) and the action it took that turn, written out at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.diagnostics import ScenarioError
from game.engine.session import Session
from game.policies import seat_policies
from game.runners.load import load_bytes

TUTORIAL = (Path(__file__).resolve().parent.parent / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
VARIABLES = "  talks: {initial: 0, range: [0, 10], says: Rounds of talks held}\n"
SIGNALS = "signals:\n"
PROMISE = """\
  - id: promise
    actor: [aldoria]
    kind: reassurance
    says: We will do no more than talk.
    max_rung: talk
    effects: ["broken += rungs_off"]
"""


def scenario(promise: str = PROMISE, variables: str = "  broken: {initial: 0, range: [0, 10]}\n") -> str:
    text = TUTORIAL.replace(VARIABLES, VARIABLES + variables)
    return text.replace(SIGNALS, SIGNALS + promise, 1)


def broken_after(action: str, promise: str = PROMISE) -> float:
    """Aldoria sends the promise and takes ``action`` on turn 1: the value of ``broken`` after."""
    rules = load_bytes(scenario(promise).encode(), "s.yaml").rules
    s = Session(rules, 3, ("aldoria",), seats=seat_policies(rules, ("aldoria",)))
    inst = next(o.instance for o in s.options("aldoria") if o.action == action and o.legal)
    sig = next(o.index for o in s.signal_options("aldoria") if o.id == "promise")
    s.step({"aldoria": inst}, {"aldoria": sig})
    return s.value("broken")


def test_the_distance_is_written_out_over_the_senders_rung():
    sig = next(s for s in load_bytes(scenario().encode(), "s.yaml").scenario.signals if s.id == "promise")
    assert sig.effects == ("broken += (max(0, aldoria.last_rung - 1))",)


@pytest.mark.parametrize(("action", "off"), [("talks", 0), ("wait", 0), ("naval_show", 1)])
def test_kept_and_broken_words_in_play(action, off):
    assert broken_after(action) == off


def test_min_rung_counts_the_rungs_below():
    promise = PROMISE.replace("max_rung: talk", "min_rung: show")
    assert broken_after("talks", promise) == 1
    assert broken_after("wait", promise) == 2  # no rung is below the first
    assert broken_after("naval_show", promise) == 0


def errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_bytes(text.encode(), "s.yaml")
    return [d.message for d in exc.value.diagnostics]


def test_what_rungs_off_cannot_mean_is_an_error():
    assert errors(scenario(PROMISE.replace("    max_rung: talk\n", ""))) == [
        "'rungs_off' needs the signal's max_rung: or min_rung: (a rung id of the ladder)"
    ]
    assert errors(scenario(PROMISE.replace("[aldoria]", "[aldoria, borvia]"))) == [
        "'rungs_off' needs a signal sent by one actor (write one signal per actor, or use a variable)"
    ]
    assert errors(scenario(variables="  broken: {initial: 0, range: [0, 10]}\n  rungs_off: 0\n")) == [
        "'rungs_off' is the signal's distance here, and a variable too: rename the variable"
    ]
