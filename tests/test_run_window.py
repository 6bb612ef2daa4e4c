"""The parent keeps a bounded number of chunks in flight (its memory must not grow with the
number of games), and the results still come in chunk order, each chunk computed as alone
whatever task it was batched in."""

from __future__ import annotations

import concurrent.futures as cf
import os

from game.loader.load import read_bytes
from game.runners.local import (
    MAX_BATCH,
    MAX_IN_FLIGHT,
    Job,
    RunSpec,
    batch_limit,
    batches,
    chunks,
    in_flight,
    run_chunk,
    run_ordered,
)
from game.runners.sweep import tally_to_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CollectedFuture(cf.Future):
    """A future that remembers whether its result was asked for."""

    collected = False

    def result(self, timeout=None):
        self.collected = True
        return super().result(timeout)


class CountingExecutor:
    """Runs each task at once, in this process, and counts the chunks of the tasks whose
    results were not yet collected (the most at any time), and the chunks of each task."""

    def __init__(self) -> None:
        self.outstanding: list[tuple[CollectedFuture, int]] = []
        self.most = 0
        self.task_sizes: list[int] = []

    def submit(self, fn, spec, bounds, *rest) -> CollectedFuture:
        fut = CollectedFuture()
        fut.set_result(fn(spec, bounds, *rest))
        self.outstanding = [(f, n) for f, n in self.outstanding if not f.collected] + [(fut, len(bounds))]
        self.most = max(self.most, sum(n for _f, n in self.outstanding))
        self.task_sizes.append(len(bounds))
        return fut


def test_run_ordered_bounds_the_chunks_in_flight_and_keeps_their_order():
    spec = RunSpec(read_bytes(os.path.join(ROOT, "scenarios", "tutorial.yaml")), "tutorial.yaml", 3, engine="numpy")
    ex = CountingExecutor()
    bounds = chunks(12000, 50)
    got = list(run_ordered(spec, 12000, workers=2, executor=ex, chunk=50))
    assert [r.start for r in got] == [s for s, _ in bounds]
    assert ex.most <= in_flight(ex, 2) < len(bounds)
    # batched: large tasks first, single chunks at the end (they even out the workers' finish)
    assert max(ex.task_sizes) == MAX_BATCH and ex.task_sizes[-1] == 1 and sum(ex.task_sizes) == len(bounds)
    assert ex.task_sizes == sorted(ex.task_sizes, reverse=True)
    one_by_one = [run_chunk(spec, s, e) for s, e in bounds]
    assert [r.outcome.tolist() for r in got] == [r.outcome.tolist() for r in one_by_one]
    assert [tally_to_json(r.tally) for r in got] == [tally_to_json(r.tally) for r in one_by_one]


class Cluster:
    """An executor that says it runs on this many Dask threads."""

    def __init__(self, threads: int) -> None:
        self.client = self
        self.threads = threads

    def nthreads(self) -> dict[str, int]:
        return {f"worker-{i}": 1 for i in range(self.threads)}


def test_on_a_large_cluster_tasks_get_smaller_and_the_window_stays_bounded():
    assert batch_limit(None, 2) == MAX_BATCH and in_flight(None, 2) == 2 * MAX_BATCH * 2 + 4
    for threads in (1, 8, 40, 100, 1000):
        cluster = Cluster(threads)
        window, most = in_flight(cluster, 1), batch_limit(cluster, 1)
        assert window <= max(MAX_IN_FLIGHT, 4 * threads) + 4
        assert 2 * threads * most <= window  # two tasks for every thread fit in the window
        assert (most == MAX_BATCH) == (threads <= MAX_IN_FLIGHT // (2 * MAX_BATCH))


def test_a_task_never_mixes_two_points():
    specs = [RunSpec(b"a", "a.yaml", 1), RunSpec(b"b", "b.yaml", 1)]
    jobs = [Job(spec, s, e) for spec in specs for s, e in chunks(10_000, 100)]
    tasks = batches(jobs, 1)
    assert [j for task in tasks for j in task] == jobs
    assert all(len({id(j.spec) for j in task}) == 1 for task in tasks)
    assert all(1 <= len(task) <= MAX_BATCH for task in tasks)
    assert len(tasks) < len(jobs) / 2
