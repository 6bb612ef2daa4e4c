"""The turn pipeline compiled to machine code (C, built with ``cc``) for headless batches.

``Batch`` is the reference: the kernel is generated from the same compiled rules and
tests hold it to the same results, tally for tally. See ``codegen`` for how, and
``kernel`` for the cache and the fallback to ``Batch``.
"""

from game.engine.compiled.kernel import KernelResult, available, engine_choice, play, usable, warm

__all__ = ["KernelResult", "available", "engine_choice", "play", "usable", "warm"]
