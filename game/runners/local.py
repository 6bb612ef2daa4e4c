"""Headless batches: split games into fixed chunks, run them anywhere, merge in order.

A ``RunSpec`` carries the scenario's bytes (not a path), so a worker process or a Dask
worker on another machine compiles the very same scenario, and the engine to play it with
(never an environment variable, which would not reach a Dask worker). Chunk boundaries depend
only on the chunk size, never on the number of workers, and tallies merge in chunk
order: the result is identical to the last digit however the chunks were scheduled.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import functools
import hashlib
import os
from collections.abc import Callable, Iterator

import attrs
import numpy as np

from game.engine.batch import Batch
from game.files import die_with_parent
from game.policies import policy_for
from game.runners import kernel_cache
from game.runners.kernel_cache import ENGINES, KernelBinary
from game.runners.tally import Tally

CHUNK = 16_384


@attrs.frozen
class RunSpec:
    """Everything a worker needs to play a range of games, as plain data."""

    source: bytes
    name: str
    seed: int
    overrides: tuple[tuple[str, float], ...] = ()
    policies: tuple[tuple[str, str], ...] = ()  # actor id -> policy name
    engine: str = attrs.field(default="auto", validator=attrs.validators.in_(ENGINES))
    # the kernel built by the parent, for workers that then need no compiler (see ``shipped``)
    kernels: tuple[KernelBinary, ...] = attrs.field(default=(), repr=False)

    @property
    def key(self) -> str:
        h = hashlib.sha256(self.source)
        h.update(repr((self.name, self.overrides, self.policies)).encode())
        return h.hexdigest()[:16]


@attrs.frozen
class ChunkResult:
    start: int
    tally: Tally
    outcome: np.ndarray
    turns: np.ndarray
    max_rung: np.ndarray
    score: np.ndarray


def compiled_rules(spec: RunSpec):
    """The spec's scenario, checked and compiled once per process (the sweep's parent, each
    worker), however many chunks and callers ask: specs that differ only in seed, policies or
    engine share it."""
    return _compiled_rules(spec.source, spec.name, spec.overrides)


@functools.lru_cache(maxsize=64)  # a sweep's points: forked workers find them all compiled
def _compiled_rules(source: bytes, name: str, overrides: tuple[tuple[str, float], ...]):
    from game.runners.load import load_bytes

    return load_bytes(source, name, dict(overrides) or None).rules


def policies_for(rules, overrides: dict[str, str] | tuple = ()) -> list:
    names = dict(overrides)
    return [policy_for(rules, a, names.get(actor.id)) for a, actor in enumerate(rules.scenario.actors)]


def play_games(
    rules, seed: int, games: np.ndarray, policies: list, engine: str = "auto", kernels: tuple[KernelBinary, ...] = ()
):
    """Play these games to the end: the compiled kernel when it can, else ``Batch`` (the
    same results either way; see ``game.runners.kernel_cache``)."""
    done = kernel_cache.play(rules, seed, games, policies, engine, kernels)
    return done if done is not None else Batch(rules, seed, games, policies).run()


def run_chunk(spec: RunSpec, start: int, stop: int) -> ChunkResult:
    """Play games ``start..stop-1`` of the batch (a pure function of its arguments)."""
    rules = compiled_rules(spec)
    games = np.arange(start, stop, dtype=np.uint64)
    b = play_games(rules, spec.seed, games, policies_for(rules, spec.policies), spec.engine, spec.kernels)
    return ChunkResult(
        start,
        Tally.of(b),
        b.outcome.astype(np.int16),
        b.turns.astype(np.int16),
        b.max_rung.astype(np.int16),
        b.score.astype(np.float32),
    )


def warm(spec: RunSpec) -> RunSpec:
    """Build (or load) the scenario's compiled kernel in this process, before workers start;
    the spec to give them (``numpy`` when the kernel failed here for a reason they would
    meet too, so they neither try again nor repeat the note)."""
    rules = compiled_rules(spec)
    engine = kernel_cache.engine_for_workers(rules, policies_for(rules, spec.policies), spec.engine)
    return spec if engine == spec.engine else attrs.evolve(spec, engine=engine)


def shipped(spec: RunSpec) -> RunSpec:
    """The spec for workers on other machines (a Dask cluster): with the kernel built here,
    whose bytes they check against its hash and cache, so they never run a compiler."""
    spec = warm(spec)
    if spec.engine == "numpy":
        return spec
    rules = compiled_rules(spec)
    return attrs.evolve(spec, kernels=kernel_cache.binaries(rules, policies_for(rules, spec.policies)))


def engine_name(spec: RunSpec) -> str:
    """The engine this process plays these games with: ``compiled`` (C) or ``numpy``."""
    rules = compiled_rules(spec)
    return (
        "numpy" if kernel_cache.kernel(rules, policies_for(rules, spec.policies), spec.engine) is None else "compiled"
    )


def chunks(games: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """Fixed chunk boundaries.

    >>> chunks(40000, 16384)
    [(0, 16384), (16384, 32768), (32768, 40000)]
    """
    return [(s, min(s + size, games)) for s in range(0, games, size)]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def in_flight(executor, workers: int) -> int:
    """How many chunks to keep submitted at once: enough to keep every worker (or every Dask
    thread) busy, few enough that the parent holds a bounded number of results."""
    client = getattr(executor, "client", None)
    if client is not None:
        try:
            return max(8, 2 * sum(client.nthreads().values()) + 4)
        except Exception:  # noqa: BLE001 - any trouble asking: a safe default
            return 16
    return max(4, 4 * workers)


def run_ordered(
    spec: RunSpec, games: int, workers: int = 1, executor=None, chunk: int = CHUNK
) -> Iterator[ChunkResult]:
    """Yield chunk results in chunk order (buffering any that finish early)."""
    bounds = chunks(games, chunk)
    if executor is None and workers <= 1:
        for s, e in bounds:
            yield run_chunk(spec, s, e)
        return
    own = executor is None
    if own:
        spec = warm(spec)  # compile the kernel once here, not in every worker
    ex = executor or cf.ProcessPoolExecutor(
        max_workers=min(workers, len(bounds)), initializer=die_with_parent, initargs=(os.getpid(),)
    )
    try:
        # At most a few chunks per worker in flight: a finished chunk is yielded and dropped, so the
        # parent's memory does not grow with the number of games.
        window = in_flight(ex, workers)
        pending: collections.deque[cf.Future] = collections.deque()
        for s, e in bounds:
            if len(pending) >= window:
                yield pending.popleft().result()
            pending.append(ex.submit(run_chunk, spec, s, e))
        while pending:
            yield pending.popleft().result()
    finally:
        if own:
            ex.shutdown(cancel_futures=True)


def simulate(
    spec: RunSpec,
    games: int,
    workers: int = 1,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    executor=None,
    chunk: int = CHUNK,
) -> Tally:
    total = None
    for res in run_ordered(spec, games, workers, executor, chunk):
        total = res.tally if total is None else total.merge(res.tally)
        if on_chunk:
            on_chunk(res)
    assert total is not None
    return total
