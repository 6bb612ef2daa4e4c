"""Read every file of a hostile folder the way the game does; one line per file.

    python -m tests.hostile.read_all saves|settings FOLDER

Run by ``tests/test_hostile_files.py`` under a memory and CPU limit: any traceback, crash or
hang is a failure. ``saves`` loads each file as the load dialog does (read, check, replay on
the scenario) and then lists the folder as the title screen and the dialog do; ``settings``
reads each file as the window does at start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(kind: str, folder: str) -> int:
    names = sorted(os.listdir(folder))
    if kind == "saves":
        from game.diagnostics import ScenarioError
        from game.engine.session import SaveError
        from game.ui import saves
        from game.ui.match import Match

        os.environ["REDLINE_HOME"] = str(Path(folder).parent)
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                Match.from_save_file(Path(folder) / name)
                print(f"{name}: ok")
            except (saves.SaveFileError, SaveError, ScenarioError) as exc:
                print(f"{name}: {exc}")
        listed = [i.path.name for i in saves.list_saves()]
        bad = [u.path.name for u in saves.unreadable_saves()]
        print(f"listed: {' '.join(listed)}")
        print(f"unreadable: {len(bad)}")
        print(f"left: {' '.join(n for n in sorted(os.listdir(folder)) if n.startswith('.'))}")
        saves.resumable_autosave()
    elif kind == "settings":
        from game.ui.settings import load_settings

        for name in names:
            s = load_settings(Path(folder) / name)
            print(f"{name}: {s.problem or 'ok'}")
    else:
        print(f"unknown kind {kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
