"""The rules of a scenario as array code: compiled rules, the batch turn, draws, event log.

Pure computation: no I/O, no environment, no clock, no processes (the compiled kernel's
build and cache are in ``game.runners.kernel_cache``).
"""
