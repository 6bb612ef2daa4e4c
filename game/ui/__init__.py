"""The pygame-ce window: the only package of Redline that imports pygame.

``app`` holds the entry points (``run_title``, ``run_play``, ``run_watch``) and the main
loop; ``screens`` the screen stack (title, briefing, board, handover, debrief, help,
errors); ``map_view``, ``ladder_view``, ``news_view`` and ``charts`` draw the board's
parts; ``match`` and ``debrief_data`` are the pygame-free logic the screens show
(a game in progress, hot reload, saves, the debrief's replays), testable without a window.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
