"""Redline: an escalation-ladder teaching game.

Layout (imports point one way: ui -> cli/runners -> engine -> expr -> model):

- ``game.model``       the scenario as frozen attrs values (what an instructor writes)
- ``game.loader``      YAML -> model, with every error at its file:line:col
- ``game.expr``        the small safe expression language, compiled to numpy
- ``game.engine``      batch state, turn pipeline, counter-based draws, event log
- ``game.policies``    how non-human actors choose (doctrine, presets, scripted, human)
- ``game.runners``     headless batches: chunks, workers, Dask
- ``game.cli``         ``main.py`` subcommands
- ``game.ui``          the pygame-ce window (the only package that imports pygame)
"""

__version__ = "0.1.0"
FORMAT = "redline/1"
