"""Redline: run the game (``python main.py``) or a headless command (``python main.py --help``)."""

import os
import sys

# The engine never calls BLAS; idle BLAS threads only compete with the worker processes.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from game.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
