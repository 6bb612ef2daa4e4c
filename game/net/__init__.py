"""Class play over a network: a teacher hosts one game, teams of students join its seats.

``protocol`` defines the versioned JSON messages (validated on receipt, never pickle);
``class_game`` the pure state of a class game on top of a ``Session`` (seats, join codes,
proposals and confirmations, the turn clock, the control cell's rulings, messages, what
each seat may see); ``server`` serves it with ``websockets`` on asyncio and autosaves after
every decision; ``client`` is the headless client the tests and the window use. No pygame here.
"""
