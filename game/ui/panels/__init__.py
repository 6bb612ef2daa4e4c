"""The board's parts, each with its own widgets so one can be rebuilt alone (after a turn, one a
frame): the decision panel (or the watch controls), the news, the ladder and indicators, the
instructor view and the guided hints; ``BoardPresenter`` owns the game as the board shows it and
the student's selection. No panel reads another's widgets except through the board."""
