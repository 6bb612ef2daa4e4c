"""The worker thread gives way to the window: a short GIL switch interval (bench/bench_ui.py: a
pure-Python job with the default 5 ms made the frames drawn meanwhile ~15 ms longer)."""

import sys
import threading

from game.ui import work


def test_the_worker_hands_the_gil_over_soon_and_runs_off_the_frame_loop():
    worker = work.Worker()
    try:
        assert sys.getswitchinterval() <= work.SWITCH_INTERVAL
        job = worker.submit("", threading.get_native_id)
        worker.wait()
        assert job.future.result() != threading.get_native_id()
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
