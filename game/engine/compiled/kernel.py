"""Build (once, then from a disk cache) and run a scenario's kernel.

``play(rules, seed, games, policies)`` returns a ``KernelResult`` with the same tallies a
``Batch`` keeps (``Tally.of`` reads either), or ``None`` when the kernel cannot be used
(no C compiler, ``REDLINE_ENGINE=numpy``, or a policy only the batch engine plays): the
caller then runs ``Batch``, which gives the same results, only slower. The generated C
is compiled with the system's ``cc`` into a cache folder keyed by the hash of its
source, so the first run of a scenario's shape compiles (about a second) and later
runs, worker processes and sweep points load it. Constants are passed in at run time
(``K``), so changing a parameter's value does not recompile (unless the value switches a rule
off, which changes the source).
"""

from __future__ import annotations

import collections
import ctypes
import functools
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import warnings

import attrs
import numpy as np

from game.engine.compiled.codegen import INT_FIELDS, KernelSource, Unsupported, generate

# IEEE doubles exactly as numpy computes them: no fused multiply-add, no fast-math
CFLAGS = ["-O2", "-std=c99", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math"]
ENGINES = ("auto", "numpy", "compiled")
_M64 = (1 << 64) - 1


def engine_choice() -> str:
    """``REDLINE_ENGINE``: ``auto`` (the kernel when a C compiler is there), ``numpy`` or ``compiled``."""
    v = os.environ.get("REDLINE_ENGINE", "auto").strip().lower() or "auto"
    if v not in ENGINES:
        raise ValueError(f"REDLINE_ENGINE={v!r}: use one of {', '.join(ENGINES)}")
    return v


def compiler() -> str | None:
    return _which(os.environ.get("CC") or "cc")


@functools.lru_cache(maxsize=8)
def _which(name: str) -> str | None:
    return shutil.which(name)


def available() -> bool:
    return compiler() is not None


def cache_dir() -> str:
    """Where generated kernels are kept (``REDLINE_CACHE``; ``~/.cache/redline`` by default).

    Libraries found here are loaded and run, so the folder must be the user's own: a
    shared temporary folder is used only if this user made it and nobody else can write
    in it; otherwise a fresh private one (a build per process, but never someone else's)."""
    base = os.environ.get("REDLINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "redline"
    )
    path = os.path.join(base, "kernels")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        if _private(path) and os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    shared = os.path.join(tempfile.gettempdir(), f"redline-kernels-{os.getuid()}")
    try:
        os.makedirs(shared, mode=0o700, exist_ok=True)
        if _private(shared):
            return shared
    except OSError:
        pass
    global _fresh
    if _fresh is None:
        _fresh = tempfile.mkdtemp(prefix="redline-kernels-")
    return _fresh


_fresh: str | None = None


def _private(path: str) -> bool:
    """Owned by this user and writable by nobody else."""
    st = os.stat(path)
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


@attrs.define
class KernelResult:
    """What ``Tally.of`` and the chunk runner read, shaped like ``Batch``'s attributes."""

    rules: object
    n: int
    outcome: np.ndarray
    turns: np.ndarray
    max_rung: np.ndarray
    accidents: np.ndarray
    escalations: np.ndarray
    divergent: np.ndarray
    signals_sent: np.ndarray
    clipped: np.ndarray
    score: np.ndarray
    objective_scores: np.ndarray
    crossed_turn: np.ndarray
    crossed_by: np.ndarray
    trips: np.ndarray
    action_counts: np.ndarray
    rung_hist: np.ndarray
    signal_counts: np.ndarray
    response_counts: list


@attrs.define
class _Compiled:
    source: KernelSource
    play: object
    tables: tuple
    keys: object = None  # redline_keys: the draw keys of a seed, in C
    sites: np.ndarray = attrs.field(factory=lambda: np.zeros(0, dtype=np.uint64))
    static: list = attrs.Factory(list)  # X0, K and the tables: the same at every call
    static_p: list = attrs.Factory(list)  # their addresses


_lock = threading.Lock()
# (id of the rules, policies) -> (the rules, kept alive so the id is not reused; the kernel or
# None when only Batch can play them), the most recently used last
_loaded: collections.OrderedDict[tuple, tuple[object, _Compiled | None]] = collections.OrderedDict()
_KEEP = 32
_libraries: dict[str, object] = {}


class BuildError(Exception):
    """The C compiler refused the generated kernel (a bug: please report it)."""


def build(text: str) -> ctypes.CDLL:
    """The shared library compiled from this C source, built once per machine."""
    # the flags, the system and the compiler are part of the key: a home folder may be shared
    # by several machines
    key = "\n".join([text, " ".join(CFLAGS), platform.system(), platform.machine(), compiler() or "cc"])
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    lib = _libraries.get(digest)
    if lib is not None:
        return lib
    folder = cache_dir()
    so = os.path.join(folder, f"k_{digest}.so")
    if not os.path.exists(so):
        # the source stays beside its library, for whoever wants to read what runs
        c_file = os.path.join(folder, f"k_{digest}.c")
        fd, tmp_c = tempfile.mkstemp(dir=folder, prefix=f"k_{digest}.", suffix=".c.tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp_c, c_file)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"k_{digest}.", suffix=".so.tmp")
        os.close(fd)
        try:
            done = subprocess.run(
                [compiler() or "cc", *CFLAGS, "-o", tmp, "-x", "c", c_file, "-lm"], capture_output=True, text=True
            )
            if done.returncode != 0:
                raise BuildError(done.stderr[-2000:])
            os.replace(tmp, so)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    lib = _libraries[digest] = ctypes.CDLL(so)
    return lib


def _library(text: str):
    """The kernel's entry point, with its argument types."""
    fn = build(text).redline_play
    P, N = ctypes.c_void_p, ctypes.c_int64
    fn.argtypes = [P, N, P, N, P, N, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, N, P, P, N, P]
    fn.restype = N
    keys = build(text).redline_keys
    keys.argtypes = [ctypes.c_uint64, N, P, N, P]
    keys.restype = None
    fn.keys_fn = keys
    return fn


def _tables(rules, probe) -> tuple:
    """Per-instance facts as arrays: the constant deltas (CSR per actor and instance)."""
    n1 = len(rules.instances) + 1
    n_actors = len(rules.scenario.actors)
    ptr = np.zeros(n_actors * n1 + 1, dtype=np.int64)
    cols, vals = [], []
    for a in range(n_actors):
        for i in range(n1):
            for c, v in probe.inst_nonzero[a].get(i, ()):
                cols.append(c)
                vals.append(v)
            ptr[a * n1 + i + 1] = len(cols)
    return (
        ptr,
        np.array(cols, dtype=np.int64),
        np.array(vals, dtype=np.float64),
        probe.inst_rung.copy(),
        probe.inst_action.copy(),
        probe.inst_static.copy(),
        probe.inst_weapon.copy(),
        probe.inst_value.copy(),
        probe.inst_dist.copy(),
    )


def _compiled(rules, policies) -> _Compiled | None:
    key = (id(rules), tuple(type(p).__name__ + ":" + p.name for p in policies))
    with _lock:
        if key in _loaded:
            _loaded.move_to_end(key)
            return _loaded[key][1]
        c = _build_for(rules, policies)
        _loaded[key] = (rules, c)
        while len(_loaded) > _KEEP:
            _loaded.popitem(last=False)
        return c


def _build_for(rules, policies) -> _Compiled | None:
    try:
        gen = generate(rules, policies)
    except Unsupported:
        return None
    from game.engine.batch import Batch

    probe = Batch(rules, 0, np.arange(1, dtype=np.uint64), policies)
    try:
        fn = _library(gen.text)
    except (BuildError, OSError) as e:
        if engine_choice() == "compiled":
            raise
        warnings.warn(f"the compiled kernel could not be built, using the batch engine: {e}", stacklevel=3)
        return None
    tables = _tables(rules, probe)
    static = [np.ascontiguousarray(rules.initial, dtype=np.float64), gen.K, *tables]
    return _Compiled(
        gen, fn, tables, fn.keys_fn, np.array(gen.sites, dtype=np.uint64), static, [a.ctypes.data for a in static]
    )


def usable(rules, policies) -> bool:
    """Whether ``play`` will use the kernel for these rules and policies (building it if needed)."""
    if engine_choice() == "numpy" or not available():
        return False
    return _compiled(rules, policies) is not None


def warm(rules, policies) -> bool:
    """Compile (or load) the kernel now, e.g. before forking worker processes."""
    if engine_choice() == "numpy" or not available():
        return False
    c = _compiled(rules, policies)
    if c is None:
        return False
    play(rules, 0, np.zeros(1, dtype=np.uint64), policies)
    return True


def play(rules, seed: int, games: np.ndarray, policies: list) -> KernelResult | None:
    """Play ``games`` to the end with the compiled kernel, or return None (use ``Batch``)."""
    choice = engine_choice()
    if choice == "numpy" or not available():
        if choice == "compiled":
            raise RuntimeError("REDLINE_ENGINE=compiled but there is no C compiler (cc)")
        return None
    c = _compiled(rules, policies)
    if c is None:
        if choice == "compiled":
            raise RuntimeError("these policies run only on the batch engine")
        return None
    R = rules
    games = np.ascontiguousarray(games, dtype=np.uint64)
    B = len(games)
    T = R.scenario.calendar.turns
    keys = np.zeros((T + 1, max(1, len(c.source.sites))), dtype=np.uint64)
    if c.source.sites:
        c.keys(int(seed) & _M64, T, c.sites.ctypes.data, len(c.sites), keys.ctypes.data)
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
    x0, k, *tables = c.static_p
    c.play(
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
