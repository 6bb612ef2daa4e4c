"""Where a wheel keeps the data the game ships: ``scenarios``, ``assets``, ``docs`` and their files.

The repository keeps these folders at its top level; ``setup.py`` maps them under this package
in a wheel. In a source checkout this package holds no data and ``game.resources`` reads the
top-level folders instead. Read them through ``game.resources``, never by path.
"""
