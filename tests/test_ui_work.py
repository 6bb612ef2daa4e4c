"""The worker thread gives way to the window: a short GIL switch interval and, on Linux, a lower
priority for its own thread only (bench/bench_ui.py: at load 8 on two cores the frames drawn
while it ran took 2-4 times their CPU time on the wall clock)."""

import os
import sys
import threading

from game.ui import work


def _nice(tid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, tid)


def test_the_worker_runs_below_the_window_and_hands_the_gil_over_soon():
    worker = work.Worker()
    try:
        assert sys.getswitchinterval() <= work.SWITCH_INTERVAL
        job = worker.submit("", threading.get_native_id)
        worker.wait()
        tid = job.future.result()
        assert tid != threading.get_native_id()
        if sys.platform.startswith("linux"):
            window = _nice(threading.get_native_id())
            assert _nice(tid) == max(window, work.WORKER_NICE)  # its own thread only: the window keeps its own
            assert window < work.WORKER_NICE
    finally:
        worker.shutdown()


def test_a_result_still_comes_back_through_poll_in_order():
    worker = work.Worker()
    seen: list[int] = []
    try:
        for k in range(3):
            worker.submit("", pow, k, 2, on_done=seen.append)
        worker.wait()
    finally:
        worker.shutdown()
    assert seen == [0, 1, 4]
