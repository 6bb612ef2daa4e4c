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
from typing import Any

import attrs
import numpy as np

from game.engine.batch import Batch
from game.files import die_with_parent
from game.policies import policy_for
from game.runners import kernel_cache
from game.runners.kernel_cache import ENGINES, KernelBinary
from game.runners.tally import Tally

CHUNK = 16_384
MAX_BATCH = 8  # chunks per task at most (see ``batches``)


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
    """A chunk's tally and its per-game rows; a chunk run without ``rows`` has empty ones (a
    sweep with no output folder needs only the tally, and the rows are most of the bytes a
    worker sends back): count its games with ``tally.games``."""

    start: int
    tally: Tally
    outcome: np.ndarray
    turns: np.ndarray
    max_rung: np.ndarray
    score: np.ndarray

    @classmethod
    def tally_only(cls, start: int, tally: Tally) -> ChunkResult:
        """The chunk with its tally and no rows (see the class)."""
        none = np.zeros(0, dtype=np.int16)
        return cls(start, tally, none, none, none, np.zeros(0, dtype=np.float32))


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


def run_chunk(spec: RunSpec, start: int, stop: int, rows: bool = True) -> ChunkResult:
    """Play games ``start..stop-1`` of the batch (a pure function of its arguments); with
    ``rows``, keep each game's outcome, length, highest rung and score."""
    rules = compiled_rules(spec)
    games = np.arange(start, stop, dtype=np.uint64)
    b = play_games(rules, spec.seed, games, policies_for(rules, spec.policies), spec.engine, spec.kernels)
    if not rows:
        return ChunkResult.tally_only(start, Tally.of(b))
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


def parallelism(executor, workers: int) -> int:
    """How many chunks the executor runs at once: its Dask threads, else ``workers``."""
    client = getattr(executor, "client", None)
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - any trouble asking: a safe default
            return 4
    return max(1, workers)


MAX_IN_FLIGHT = 512  # chunks; a chunk's result is 0.2-0.5 MB with its rows and files


def in_flight(executor, workers: int) -> int:
    """How many chunks to keep submitted at once: two full tasks per worker (or Dask thread), so
    none waits for the parent, and few enough that the parent holds a bounded number of results
    (on a large cluster the tasks get smaller instead: see ``batch_limit``)."""
    p = parallelism(executor, workers)
    return min(2 * MAX_BATCH * p, max(MAX_IN_FLIGHT, 4 * p)) + 4


def batch_limit(executor, workers: int) -> int:
    """The most chunks a task may hold: ``MAX_BATCH``, or fewer when two tasks per worker would
    not fit in the window."""
    return max(1, min(MAX_BATCH, in_flight(executor, workers) // (2 * parallelism(executor, workers))))


@attrs.frozen
class Job:
    """One chunk to compute: games ``start..stop-1`` of ``spec``; ``extra`` goes to the task
    function with the chunk's bounds (``run_chunks``: whether to keep the per-game rows)."""

    spec: RunSpec
    start: int
    stop: int
    extra: Any = True


def batches(jobs: list[Job], parallel: int, most: int = MAX_BATCH) -> list[list[Job]]:
    """Consecutive jobs of one spec grouped into tasks, one round trip to a worker each:
    every task takes a quarter of its workers' share of the jobs left (guided
    self-scheduling, at most ``most``), so the first tasks are large and the last are
    single chunks, which even out the workers' finish.

    >>> [len(b) for b in batches([Job(None, i, i + 1) for i in range(40)], 2)]
    [5, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    out: list[list[Job]] = []
    i = 0
    while i < len(jobs):
        size = min(most, max(1, (len(jobs) - i) // (4 * parallel)))
        group = [jobs[i]]
        while len(group) < size and i + len(group) < len(jobs) and _same_task(jobs[i + len(group)], jobs[i]):
            group.append(jobs[i + len(group)])
        out.append(group)
        i += len(group)
    return out


def _same_task(a: Job, b: Job) -> bool:
    return a.spec is b.spec and a.extra is b.extra


def run_chunks(spec: RunSpec, bounds: tuple[tuple[int, int], ...], rows: bool = True) -> list[ChunkResult]:
    """Several chunks in one task, each computed exactly as ``run_chunk`` computes it alone
    (so a tally's float sums are the chunk's, whatever the batch)."""
    return [run_chunk(spec, s, e, rows) for s, e in bounds]


def ordered_results(
    jobs: list[Job], executor=None, workers: int = 1, task: Callable[..., list] = run_chunks
) -> Iterator[Any]:
    """Every job's result, in job order: ``task(spec, bounds, extra)`` returns one result per
    chunk of ``bounds``. Inline without an executor; else the jobs go out in batches
    (``batches``), at most ``in_flight`` chunks submitted and not yet yielded, so the parent's
    memory does not grow with the number of games. The first tasks are submitted before this
    returns, so the workers start while the caller does other things."""
    if executor is None:
        return (res for j in jobs for res in task(j.spec, ((j.start, j.stop),), j.extra))
    window = in_flight(executor, workers)
    todo = collections.deque(batches(jobs, parallelism(executor, workers), batch_limit(executor, workers)))
    pending: collections.deque[tuple[cf.Future, int]] = collections.deque()
    held = 0  # chunks submitted and not yet yielded

    def fill() -> None:
        nonlocal held
        while todo and (not pending or held + len(todo[0]) <= window):
            group = todo.popleft()
            bounds = tuple((j.start, j.stop) for j in group)
            pending.append((executor.submit(task, group[0].spec, bounds, group[0].extra), len(group)))
            held += len(group)

    def drain() -> Iterator[Any]:
        nonlocal held
        while pending:
            future, n = pending.popleft()
            for res in future.result():
                held -= 1
                yield res
            fill()

    fill()
    return drain()


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
        yield from ordered_results([Job(spec, s, e) for s, e in bounds], ex, workers)
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
