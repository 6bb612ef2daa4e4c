"""The turn pipeline compiled to machine code (C) for headless batches.

``Batch`` is the reference: the kernel is generated from the same compiled rules and
tests hold it to the same results, tally for tally. See ``codegen`` for how, and
``kernel`` for how a built library plays games. Building it with ``cc``, the disk cache
and the fallback to ``Batch`` are I/O, so they live at the runner level, in
``game.runners.kernel_cache``.
"""

from game.engine.compiled.kernel import Kernel, KernelResult, Prepared, bind, prepare, run

__all__ = ["Kernel", "KernelResult", "Prepared", "bind", "prepare", "run"]
