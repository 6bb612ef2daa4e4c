"""Run a scenario's kernel: the pure half (no files, no environment, no processes).

``prepare(rules, policies)`` gives the generated C source and the arrays the kernel reads
(or None when a policy runs only on ``Batch``); ``bind(prepared, library)`` takes the entry
points of a library built from that source; ``run(kernel, seed, games)`` plays the games and
returns a ``KernelResult`` with the same tallies a ``Batch`` keeps (``Tally.of`` reads either).
Building, caching, verifying and loading the library is I/O, so it lives outside the engine,
in ``game.runners.kernel_cache``. Constants are passed in at run time (``K``), so changing a
parameter's value gives the same source (unless the value switches a rule off).
"""

from __future__ import annotations

import ctypes
from typing import Any

import attrs
import numpy as np

from game.engine.compiled.codegen import INT_FIELDS, KernelSource, Unsupported, generate
from game.engine.rules import Rules

# the functions every kernel library exports; a library without them is not a kernel
ENTRY_POINTS = ("redline_play", "redline_keys")
_M64 = (1 << 64) - 1
_P, _N = ctypes.c_void_p, ctypes.c_int64
_PLAY_ARGS = [_P, _N, _P, _N, _P, _N, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _P, _N]
_PLAY_ARGS += [_P, _P, _N, _P]


@attrs.define
class KernelResult:
    """What ``Tally.of`` and the chunk runner read, shaped like ``Batch``'s attributes."""

    rules: Rules
    n: int
    outcome: np.ndarray
    turns: np.ndarray
    max_rung: np.ndarray
    accidents: np.ndarray
    escalations: np.ndarray
    divergent: np.ndarray
    signals_sent: np.ndarray
    clipped: np.ndarray
    fog_escalations: np.ndarray
    score: np.ndarray
    objective_scores: np.ndarray
    crossed_turn: np.ndarray
    crossed_by: np.ndarray
    trips: np.ndarray
    action_counts: np.ndarray
    rung_hist: np.ndarray
    signal_counts: np.ndarray
    response_counts: list


@attrs.frozen(eq=False)
class Prepared:
    """A kernel ready to be built: its C source and the arrays it reads at every call."""

    rules: Any
    source: KernelSource
    static: tuple[np.ndarray, ...]  # X0, K and the per-instance tables


@attrs.frozen(eq=False)
class Kernel:
    """A prepared kernel bound to the entry points of a library built from its source."""

    prepared: Prepared
    library: Any  # kept referenced: the entry points live as long as the library
    play: Any
    keys: Any
    sites: np.ndarray
    static_p: tuple[int, ...]  # the addresses of ``prepared.static``


def prepare(rules, policies: list) -> Prepared | None:
    """The kernel's source and tables for these rules and policies, or None when only
    ``Batch`` can play them (a seat played by a script or a person)."""
    try:
        gen = generate(rules, policies)
    except Unsupported:
        return None
    from game.engine.batch import Batch

    probe = Batch(rules, 0, np.arange(1, dtype=np.uint64), policies)
    static = (np.ascontiguousarray(rules.initial, dtype=np.float64), gen.K, *_tables(probe))
    return Prepared(rules, gen, static)


def bind(prepared: Prepared, library) -> Kernel:
    """The entry points of ``library`` (built from ``prepared.source.text``) with their
    argument types; the library must export ``ENTRY_POINTS``."""
    play = library.redline_play
    play.argtypes = _PLAY_ARGS
    play.restype = _N
    keys = library.redline_keys
    keys.argtypes = [ctypes.c_uint64, _N, _P, _N, _P]
    keys.restype = None
    return Kernel(
        prepared,
        library,
        play,
        keys,
        np.array(prepared.source.sites, dtype=np.uint64),
        tuple(a.ctypes.data for a in prepared.static),
    )


def _tables(probe) -> tuple[np.ndarray, ...]:
    """Per-instance facts as arrays, indexed by instance (the last row: no instance)."""
    return (
        probe.inst_rung.copy(),
        probe.inst_action.copy(),
        probe.inst_static.copy(),
        probe.inst_weapon.copy(),
        probe.inst_value.copy(),
        probe.inst_dist.copy(),
    )


def run(kernel: Kernel, seed: int, games: np.ndarray) -> KernelResult:
    """Play ``games`` to the end with the kernel."""
    R = kernel.prepared.rules
    sites = kernel.prepared.source.sites
    games = np.ascontiguousarray(games, dtype=np.uint64)
    B = len(games)
    T = R.scenario.calendar.turns
    keys = np.zeros((T + 1, max(1, len(sites))), dtype=np.uint64)
    if sites:
        kernel.keys(int(seed) & _M64, T, kernel.sites.ctypes.data, len(kernel.sites), keys.ctypes.data)
    n_thr, n_rl = len(R.thresholds), len(R.red_lines)
    ints = np.zeros((len(INT_FIELDS), B), dtype=np.int64)
    score = np.zeros(B)
    objective = np.zeros((len(R.objectives), B))
    crossed_turn = np.zeros((n_thr, B), dtype=np.int64)
    crossed_by = np.full((n_thr, B), -1, dtype=np.int64)
    trips = np.zeros((n_rl, B), dtype=np.int64)
    action_counts = np.zeros(len(R.actions), dtype=np.int64)
    rung_hist = np.zeros((T, len(R.scenario.ladder.rungs) + 1), dtype=np.int64)
    signal_counts = np.zeros(len(R.signals), dtype=np.int64)
    width = max([len(rl.responses) + 1 for rl in R.red_lines] + [1])
    responses = np.zeros((max(n_rl, 1), width), dtype=np.int64)
    S = len(R.initial)
    scratch = np.empty(S)  # one game's state, inside the kernel (kept referenced during the call)
    p = [a.ctypes.data for a in (ints, score, objective, crossed_turn, crossed_by, trips, action_counts, rung_hist)]
    x0, k, *tables = kernel.static_p
    kernel.play(
        x0,
        S,
        games.ctypes.data,
        B,
        keys.ctypes.data,
        keys.shape[1],
        k,
        *tables,
        *p,
        rung_hist.shape[1],
        signal_counts.ctypes.data,
        responses.ctypes.data,
        width,
        scratch.ctypes.data,
    )
    fields = dict(zip(INT_FIELDS, ints))
    return KernelResult(
        rules=R,
        n=B,
        score=score,
        objective_scores=objective,
        crossed_turn=crossed_turn,
        crossed_by=crossed_by,
        trips=trips,
        action_counts=action_counts,
        rung_hist=rung_hist,
        signal_counts=signal_counts,
        response_counts=[responses[r, : len(rl.responses) + 1].copy() for r, rl in enumerate(R.red_lines)],
        **fields,
    )
