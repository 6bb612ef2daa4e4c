"""Run chunks on a dask.distributed cluster, with the same results as on one process.

Start a cluster (one scheduler, any number of workers, each with this project installed):

    dask scheduler                      # prints tcp://HOST:8786
    dask worker tcp://HOST:8786         # on every machine, as many as you like

then pass ``--scheduler tcp://HOST:8786`` to ``simulate`` or ``sweep``. The scenario's
bytes, the engine choice and the compiled kernel (built once, here) travel with the tasks, so
workers need no copy of the file and no C compiler. A worker that dies
mid-run costs time, not results: the scheduler runs its chunks again elsewhere, and
chunks are pure functions of (scenario, seed, game range).
"""

from __future__ import annotations

from game.diagnostics import RedlineError
from game.runners.local import RunSpec, shipped


class DaskExecutor:
    """The two methods the runners use (``submit`` and ``close``), over a Dask client."""

    def __init__(self, client, own: bool = True):
        self.client = client
        self.own = own
        self._shipped: dict[RunSpec, RunSpec] = {}

    def submit(self, fn, *args):
        args = tuple(self._ship(a) if isinstance(a, RunSpec) else a for a in args)
        # pure=False: never reuse a result across runs by key; retries cover lost workers.
        return _Future(self.client.submit(fn, *args, pure=False, retries=3))

    def _ship(self, spec: RunSpec) -> RunSpec:
        """The spec with the kernel built here, once per spec (so once per cluster)."""
        if spec not in self._shipped:
            self._shipped[spec] = shipped(spec)
        return self._shipped[spec]

    def close(self) -> None:
        if self.own:
            self.client.close()


def dask_executor(address: str, timeout: float = 10.0) -> DaskExecutor:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is in requirements.txt
        raise RedlineError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from None
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise RedlineError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    return DaskExecutor(client)


class _Future:
    """A Dask future whose failures read as a user's problem, not a traceback."""

    def __init__(self, future):
        self.future = future

    def result(self):
        try:
            return self.future.result()
        except RedlineError:
            raise
        except Exception as exc:  # noqa: BLE001 - environment problems on the cluster
            hint = ""
            if "No module named 'game'" in str(exc) or "deserializ" in str(exc):
                hint = (
                    " (start 'dask scheduler' and 'dask worker' from the project folder with "
                    "PYTHONPATH set to it, or 'pip install -e .' on every machine)"
                )
            raise RedlineError(f"a chunk failed on the Dask cluster: {type(exc).__name__}: {exc}{hint}") from None
