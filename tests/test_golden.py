"""The numpy engine against the stored results of the compiled engine: runs everywhere.

tests/test_compiled.py compares the two engines live, but only where a C compiler exists.
This test never skips: ``Batch`` replays every stored run (each scenario's text is stored
with it) and must give the kernel's numbers to the last bit, signs of zero included.
Regenerate after a rule or scenario change with ``python tools/make_golden.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from game.engine.batch import Batch
from game.runners.load import load_bytes
from tools import make_golden

STORED, ARRAYS = make_golden.read()


def test_every_scenario_has_stored_results():
    stored = {case.file for case, _raw in STORED}
    missing = [f for f in make_golden.scenario_files() if f not in stored]
    assert not missing, f"no stored compiled results for {missing}: run python tools/make_golden.py"


@pytest.mark.parametrize("i", range(len(STORED)), ids=[f"{c.file}:{c.seed}:{c.preset or 'own'}" for c, _ in STORED])
def test_batch_plays_the_stored_compiled_games(i):
    case, raw = STORED[i]
    rules = load_bytes(raw, case.file).rules
    games = np.arange(len(ARRAYS[f"c{i}.outcome"]), dtype=np.uint64)
    got = make_golden.results(Batch(rules, case.seed, games, make_golden.policies(rules, case.preset)).run())
    want = {k.split(".", 1)[1]: v for k, v in ARRAYS.items() if k.startswith(f"c{i}.")}
    assert sorted(got) == sorted(want)
    for name, w in want.items():
        g = np.asarray(got[name])
        assert g.shape == w.shape, name
        np.testing.assert_array_equal(g, w, err_msg=name)
        if w.dtype.kind == "f":  # the same bits: 0.0 and -0.0 differ here
            same = (np.ascontiguousarray(g).view(np.uint64) == np.ascontiguousarray(w).view(np.uint64)) | (
                np.isnan(g) & np.isnan(w)
            )
            assert same.all(), f"{name}: signs of zero or bits differ"
