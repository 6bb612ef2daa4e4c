"""The parent keeps a bounded number of chunks in flight (its memory must not grow with the
number of games), and the results still come in chunk order."""

from __future__ import annotations

import concurrent.futures as cf
import os

from game.loader.load import read_bytes
from game.runners.local import RunSpec, chunks, in_flight, run_chunk, run_ordered

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CollectedFuture(cf.Future):
    """A future that remembers whether its result was asked for."""

    collected = False

    def result(self, timeout=None):
        self.collected = True
        return super().result(timeout)


class CountingExecutor:
    """Runs each chunk at once, in this process, and counts the futures not yet collected."""

    def __init__(self) -> None:
        self.outstanding: list[CollectedFuture] = []
        self.most = 0

    def submit(self, fn, *args) -> CollectedFuture:
        fut = CollectedFuture()
        fut.set_result(fn(*args))
        self.outstanding = [f for f in self.outstanding if not f.collected] + [fut]
        self.most = max(self.most, len(self.outstanding))
        return fut


def test_run_ordered_bounds_the_chunks_in_flight_and_keeps_their_order():
    spec = RunSpec(read_bytes(os.path.join(ROOT, "scenarios", "tutorial.yaml")), "tutorial.yaml", 3, engine="numpy")
    ex = CountingExecutor()
    got = list(run_ordered(spec, 3000, workers=2, executor=ex, chunk=100))
    assert [r.start for r in got] == [s for s, _ in chunks(3000, 100)]
    assert ex.most <= in_flight(ex, 2) + 1 < 30
    one_by_one = [run_chunk(spec, s, e) for s, e in chunks(3000, 100)]
    assert [r.outcome.tolist() for r in got] == [r.outcome.tolist() for r in one_by_one]
