"""Heavy work off the frame loop: one background thread, results handed back on the frame loop.

Resolving a turn, the debrief's replays and a scenario reload take from a few milliseconds to
a second; run on the frame loop they froze the window, and key presses queued meanwhile
played turns the student never saw. A ``Worker`` runs such a job on its one thread (so jobs
run in the order they were submitted) and ``poll`` calls the job's ``on_done`` with its
result on the frame loop, where the screens and the widgets live. A job only touches what it
was given (a copy of the game, a path); the frame loop keeps drawing from what it had.

While a job runs, the frame loop shares the machine with it in two ways (bench/bench_ui.py): the
GIL, which the worker's Python holds until the frame loop has waited the switch interval for
it (5 ms by default, for every pygame call that let it go), and the CPU cores. So the worker
hands the GIL over after ``SWITCH_INTERVAL``. It keeps the window's priority: a lower one (nice
10 on Linux) halved the frames' wall time at load 8, but at load 15 the other programs then
took the cores from it and a job ran 7 times slower (300 replays: 17-20 s instead of 2-3 s).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import attrs

SWITCH_INTERVAL = 0.001  # seconds a thread holding the GIL keeps it while another waits (default 0.005)


@attrs.frozen
class Job:
    """One piece of work: what the window says while it runs, and what to do with its result."""

    label: str
    future: Future
    on_done: Callable[[Any], None] | None
    started: float


class Worker:
    """A one-thread executor polled by the frame loop."""

    def __init__(self) -> None:
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-work")
        self.jobs: list[Job] = []

    def submit(
        self, label: str, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None
    ) -> Job:
        """Run ``fn(*args)`` on the worker thread; ``on_done(result)`` runs later in ``poll``."""
        job = Job(label, self._pool.submit(fn, *args), on_done, time.monotonic())
        self.jobs.append(job)
        return job

    @property
    def busy(self) -> bool:
        """Whether a job the player waits for (one with a label) is still running or unapplied."""
        return any(j.label for j in self.jobs)

    @property
    def label(self) -> str:
        return next((j.label for j in self.jobs if j.label), "")

    def poll(self) -> None:
        """Hand finished jobs' results to their ``on_done``, in submission order (frame loop only).

        A job that raised re-raises here, on the frame loop, as if it had run there."""
        while self.jobs and self.jobs[0].future.done():
            job = self.jobs.pop(0)
            result = job.future.result()
            if job.on_done is not None:
                job.on_done(result)

    def wait(self, timeout: float = 60.0) -> None:
        """Block until every job is done and applied (screenshots and tests, never the frame loop)."""
        deadline = time.monotonic() + timeout
        while self.jobs:
            self.jobs[0].future.result(timeout=max(0.0, deadline - time.monotonic()))
            self.poll()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.jobs.clear()
