"""Redline: an escalation-ladder teaching game.

Layout (A -> B: A may import B; ``tests/test_layers.py`` checks it):
cli and ui -> runners -> policies -> engine -> expr -> model, the loader beside the engine.

- ``game.model``       the scenario as frozen attrs values (what an instructor writes)
- ``game.loader``      YAML -> model, with every error at its file:line:col (never imports the engine)
- ``game.expr``        the small safe expression language, compiled to numpy
- ``game.engine``      batch state, turn pipeline, counter-based draws, event log (no I/O)
- ``game.policies``    how non-human actors choose (doctrine, presets, scripted, human)
- ``game.runners``     loading and compiling a scenario, headless batches: chunks, workers, Dask
- ``game.cli``         the ``main.py`` / ``redline`` commands (``window`` opens the window)
- ``game.ui``          the pygame-ce window (the only package that imports pygame)
- ``game.resources``   the shipped files (scenarios, maps, fonts, template), checkout or wheel
"""

__version__ = "0.1.0"
FORMAT = "redline/1"
