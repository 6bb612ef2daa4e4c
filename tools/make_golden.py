"""Store the compiled engine's per-game results, so the numpy engine is held to them anywhere.

    python tools/make_golden.py        # rewrites tests/golden/compiled_results.npz (needs cc)

For every shipped scenario and every tests/scenarios/*.yaml: a few seeds with the scenario's
own policies, and one seed with a preset in every seat; a few hundred games each. The file
keeps each scenario's text beside its results, so ``tests/test_golden.py`` plays exactly
what the kernel played, even after the shipped file changes (run this again then, to cover
the new version). The numpy engine must match every number to the last bit; the live
differential tests in tests/test_compiled.py still run where there is a C compiler.
"""

from __future__ import annotations

import glob
import io
import json
import os
import sys

import attrs
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from game.policies import policy_for  # noqa: E402
from game.runners import kernel_cache  # noqa: E402
from game.runners.load import load_bytes  # noqa: E402
from game.runners.local import policies_for  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "golden", "compiled_results.npz")
GAMES = 300
SEEDS = (1, 2, 3)
PRESETS = (("tit_for_tat", 4), ("hawk", 5))  # (preset in every seat, seed)
PER_GAME = (
    "outcome",
    "turns",
    "max_rung",
    "score",
    "accidents",
    "escalations",
    "divergent",
    "signals_sent",
    "clipped",
    "fog_escalations",
    "crossed_turn",
    "crossed_by",
    "trips",
    "objective_scores",
)
COUNTS = ("action_counts", "rung_hist", "signal_counts")


@attrs.frozen
class Case:
    """One stored run: which scenario file, seed and policies (None = the scenario's own)."""

    file: str  # relative to the repository
    seed: int
    preset: str | None


def scenario_files() -> list[str]:
    """Every scenario the golden results must cover, relative to the repository."""
    paths = glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")) + glob.glob(
        os.path.join(ROOT, "tests", "scenarios", "*.yaml")
    )
    return sorted(os.path.relpath(p, ROOT) for p in paths)


def cases() -> list[Case]:
    out = []
    for f in scenario_files():
        out += [Case(f, seed, None) for seed in SEEDS]
        out += [Case(f, seed, preset) for preset, seed in PRESETS]
    return out


def policies(rules, preset: str | None) -> list:
    if preset is None:
        return policies_for(rules)
    return [policy_for(rules, a, preset) for a in range(len(rules.scenario.actors))]


def results(run) -> dict[str, np.ndarray]:
    """The per-game and counted results of a run (``Batch`` or the kernel's), by name."""
    out = {name: np.asarray(getattr(run, name)) for name in PER_GAME + COUNTS}
    for r, counts in enumerate(run.response_counts):
        out[f"responses{r}"] = np.asarray(counts)
    return out


def _text(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-8"), dtype=np.uint8)


def _compact(a: np.ndarray) -> np.ndarray:
    """Integers in the smallest type that holds them (the test compares values, not types)."""
    if a.dtype.kind != "i" or not a.size:
        return a
    for t in (np.int8, np.int16, np.int32):
        if np.iinfo(t).min <= a.min() and a.max() <= np.iinfo(t).max:
            return a.astype(t)
    return a


def read() -> tuple[list[tuple[Case, bytes]], dict[str, np.ndarray]]:
    """The stored cases (each with the scenario text it played) and their arrays."""
    with np.load(GOLDEN, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    texts = {f: arrays.pop(f"s{j}.scenario").tobytes() for j, f in enumerate(meta["files"])}
    return [(Case(**c), texts[c["file"]]) for c in meta["cases"]], arrays


def main() -> int:
    if kernel_cache.compiler() is None:
        print("make_golden: needs a C compiler (cc) to run the compiled engine", file=sys.stderr)
        return 2
    arrays: dict[str, np.ndarray] = {}
    meta = []
    files = scenario_files()
    texts = {}
    for j, name in enumerate(files):
        with open(os.path.join(ROOT, name), "rb") as f:
            texts[name] = f.read()
        arrays[f"s{j}.scenario"] = np.frombuffer(texts[name], dtype=np.uint8)
    games = np.arange(GAMES, dtype=np.uint64)
    for i, case in enumerate(cases()):
        rules = load_bytes(texts[case.file], case.file).rules
        run = kernel_cache.play(rules, case.seed, games, policies(rules, case.preset), "compiled")
        if run is None:
            print(f"make_golden: {case.file}: the compiled engine cannot play it", file=sys.stderr)
            return 1
        for name, value in results(run).items():
            arrays[f"c{i}.{name}"] = _compact(value)
        meta.append(attrs.asdict(case))
    arrays["meta"] = _text(json.dumps({"games": GAMES, "files": files, "cases": meta}))
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
    with open(GOLDEN, "wb") as f:
        f.write(buf.getvalue())
    print(f"wrote {os.path.relpath(GOLDEN, ROOT)}: {len(meta)} runs of {GAMES} games, {len(buf.getvalue())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
