"""Redline as a PettingZoo and Gymnasium environment, for research on escalation.

``env(scenario)`` is a PettingZoo AEC environment, ``parallel_env(scenario)`` the same game
through the Parallel API, ``single_seat_env(scenario, seat)`` a Gymnasium ``Env`` for one seat
against the others' doctrines. One agent per actor (its id: ``"russia"``); every turn each
agent picks one of its options (an action on a target with a weapon: ``option_names``), all
at once, and the engine plays the turn as the game does for a student.

What an agent sees (``observation_space(agent)``, a ``Dict``):

- ``"observation"``: a float32 ``Box``; ``observation_names(agent)`` names each entry: the
  turn, the scenario's variables that the board shows, each actor's highest and latest rung,
  the agent's own weapons' stock and every weapon's authorization, the thresholds crossed,
  the red lines it may know of (its own and the declared ones: a hidden red line of another
  actor is left out, as the student's board leaves it out), the events and signals so far.
  Probabilities, the AI's weights and the engine's internals are never in it.
- ``"action_mask"``: int8, 1 for each action legal now. An illegal action is played as Hold
  and the agent's info says ``illegal_action: True``.

Actions (``Discrete``): option ``n`` of ``option_names(agent)``: the targets and weapons of
the actions the engine's ``Observation`` lets the seat choose (as for any policy). By default a driven seat
says nothing, as a student who never speaks; with ``signals=True`` the index also says what
the seat says that turn: ``n = option + n_options * k``, ``k = 0`` for nothing and ``k`` for
the seat's k-th signal (``option_names`` spells each one out).

Rewards (``reward=``): ``"objectives"`` (default: at the end, the sum of the scores of the
scenario's objectives that belong to the agent), ``"escalation"`` (each turn, minus the rise of
the agent's escalation score, Rivera et al.'s weights), a mapping outcome id -> reward (at the
end, the same for every agent), or a callable ``(session, agent) -> float`` called after every
turn (``session`` is the ``game.engine.session.Session``; ``session.done``, ``.outcome``,
``.value(name)``).

Seeding: ``reset(seed=S, options={"game": G})`` plays game G of seed S (default 0); a reset
without a seed plays the next game of the same seed. Every draw is Redline's counter-based draw
of (seed, game, turn, site), so an episode is the game ``python main.py replay --seed S --game
G`` shows when the agents play as the doctrines did, and ``game_log()`` is a log that ``replay
--log`` plays again, decision for decision.

pettingzoo and gymnasium are the optional extra ``redline[research]``: nothing in the game
imports this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import gymnasium
import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils import AgentSelector

from game.engine.observation import observe
from game.engine.rules import Rules
from game.engine.session import Session
from game.policies import HumanPolicy, policy_for
from game.policies.llm import LLMPolicy, game_log, is_llm_spec

Reward = str | Mapping[str, float] | Callable[[Session, str], float]
METADATA = {"render_modes": ["ansi", "human"], "name": "redline_v0", "is_parallelizable": True}


@attrs.frozen
class Entry:
    """One entry of an agent's observation vector: the state column it reads and its bounds."""

    name: str
    column: int
    low: float
    high: float


@attrs.frozen
class SeatTable:
    """What one seat sees and may choose: the entries of its vector and its options."""

    entries: tuple[Entry, ...]
    instances: tuple[int, ...]  # option index -> instance id
    signals: tuple[int, ...]  # signal indices the seat may send (empty: it says nothing)
    option_names: tuple[str, ...]  # per action index: the option, and the signal sent with it
    hold: int  # action index of the seat's Hold, saying nothing (its fallback)

    @property
    def n_actions(self) -> int:
        return len(self.instances) * (1 + len(self.signals))

    def split(self, n: int) -> tuple[int, int | None]:
        """Action index -> (instance id, signal index or None)."""
        k, option = divmod(n, len(self.instances))
        return self.instances[option], (self.signals[k - 1] if k else None)


def load_rules(scenario: str | Rules, sets: Mapping[str, float] | None = None) -> Rules:
    """A scenario's rules from a file, a shipped scenario's id (``"tutorial"``) or ``Rules``."""
    if isinstance(scenario, Rules):
        return scenario
    from game import resources
    from game.runners.load import load_scenario

    name = str(scenario)
    shipped = None if os.path.exists(name) else resources.find_shipped_scenario(name)
    return load_scenario(shipped or name, dict(sets or {}) or None).rules


def seat_table(rules: Rules, actor: int, signals: bool = False) -> SeatTable:
    """The observation entries and options of seat ``actor`` (fixed for the scenario); with
    ``signals`` each option comes once saying nothing and once with each signal it may send."""
    scn = rules.scenario
    lay = rules.layout
    turns = float(scn.calendar.turns)
    n_rungs = float(len(scn.ladder.rungs))
    me = scn.actors[actor].id

    def entry(name: str, low: float, high: float) -> Entry:
        col = lay.columns[lay[name]]
        return Entry(name, lay[name], max(low, col.lo), min(high, col.hi))

    inf = float("inf")
    out = [entry("turn", 1.0, turns)]
    out += [entry(v.id, v.range[0], v.range[1]) for v in scn.variables if v.show]
    for a in scn.actors:
        out += [entry(f"{a.id}.rung", 0.0, n_rungs), entry(f"{a.id}.last_rung", 0.0, n_rungs)]
    for w in scn.weapons:
        if w.owner == me:
            out.append(entry(f"{w.id}.stock", 0.0, inf))
        out.append(entry(f"{w.id}.authorized", 0.0, 1.0))
    out += [entry(f"crossed:{t.id}", 0.0, 1.0) for t in scn.ladder.thresholds]
    out += [entry(f"tripped:{r.id}", 0.0, inf) for r in scn.red_lines if r.declared or r.owner == me]
    out += [entry(f"happened:{e.id}", 0.0, inf) for e in scn.events]
    out += [entry(f"signalled:{s.id}", 0.0, inf) for s in scn.signals]
    view = observe(rules, actor)  # what a policy of this seat may choose: its options and signals
    instances = [
        int(i) for k in view.options for i in rules.actions[k].instances if rules.instances[int(i)].owner in (-1, actor)
    ]
    hold = instances.index(int(rules.actions[rules.wait_action[actor]].instances[0]))
    says = list(view.signals) if signals else []
    names = [rules.describe_instance(i) for i in instances]
    names += [f"{n}, saying: {rules.signals[s].spec.says}" for s in says for n in names[: len(instances)]]
    return SeatTable(tuple(out), tuple(instances), tuple(says), tuple(names), hold)


class RedlineGame:
    """The game under the three environments: a ``Session`` whose driven seats are the agents,
    their observations, masks and rewards (no PettingZoo or Gymnasium in it)."""

    def __init__(
        self,
        scenario: str | Rules,
        agents: Sequence[str] | None = None,
        *,
        seed: int = 0,
        reward: Reward = "objectives",
        policies: Mapping[str, str | LLMPolicy] | None = None,
        sets: Mapping[str, float] | None = None,
        signals: bool = False,
    ):
        self.rules = load_rules(scenario, sets)
        ids = [a.id for a in self.rules.scenario.actors]
        self.agents = tuple(ids if agents is None else agents)
        unknown = [a for a in self.agents if a not in ids]
        if unknown or not self.agents:
            raise ValueError(f"agents must be actors of the scenario ({', '.join(ids)}), got {list(self.agents)}")
        given = dict(policies or {})
        strangers = [a for a in given if a not in ids]
        if strangers:
            raise ValueError(f"policies: '{strangers[0]}' is not an actor of the scenario ({', '.join(ids)})")
        # seats played by a language model (an LLMPolicy, or "llm:MODEL@URL"): asked every turn
        self.models = {
            a: p if isinstance(p, LLMPolicy) else LLMPolicy.from_spec(p)
            for a, p in given.items()
            if (isinstance(p, LLMPolicy) or is_llm_spec(p)) and a not in self.agents
        }
        self.policies = {a: p for a, p in given.items() if isinstance(p, str) and a not in self.models}
        if isinstance(reward, str) and reward not in ("objectives", "escalation"):
            raise ValueError(f"reward must be 'objectives', 'escalation', a mapping or a callable, got {reward!r}")
        if isinstance(reward, Mapping):
            outcomes = [o.id for o in self.rules.scenario.outcomes]
            wrong = [o for o in reward if o not in outcomes]
            if wrong:
                raise ValueError(f"reward: '{wrong[0]}' is not an outcome of the scenario ({', '.join(outcomes)})")
        self.reward = reward
        self.tables = {a: seat_table(self.rules, ids.index(a), signals) for a in self.agents}
        self.seed, self.game = int(seed), -1
        self.session = self._new_session()
        self.illegal: dict[str, bool] = {}

    def _new_session(self) -> Session:
        ids = [a.id for a in self.rules.scenario.actors]
        seats = [
            self.models.get(a)
            or (HumanPolicy() if a in self.agents else policy_for(self.rules, i, self.policies.get(a)))
            for i, a in enumerate(ids)
        ]
        for model in self.models.values():
            model.transcript = []  # this episode's conversations: game_log reads them
        humans = self.agents + tuple(self.models)
        return Session(self.rules, self.seed, humans, max(self.game, 0), seats=seats)

    def reset(self, seed: int | None, options: Mapping[str, Any] | None) -> None:
        """Start game ``options["game"]`` (default 0) of ``seed``; with no seed, the next game."""
        game = (options or {}).get("game")
        if seed is not None:
            self.seed, self.game = int(seed), int(game or 0)
        else:
            self.game = self.game + 1 if game is None else int(game)
        self.session = self._new_session()
        self.illegal = {}

    def observation(self, agent: str) -> dict[str, np.ndarray]:
        t = self.tables[agent]
        vec = np.array([self.session.value(e.name) for e in t.entries], dtype=np.float32)
        return {"observation": vec, "action_mask": self.action_mask(agent)}

    def action_mask(self, agent: str) -> np.ndarray:
        """1 for each of the agent's options that is legal now (only Hold once the game is over)."""
        t = self.tables[agent]
        options = np.zeros(len(t.instances), dtype=np.int8)
        options[t.hold] = 1
        if self.session.done:
            return np.concatenate([options, np.zeros(t.n_actions - len(options), dtype=np.int8)])
        a = self.rules.actor_index(agent)
        legal, inst_legal = self.session.batch.legal_actions(a)
        at = {inst: n for n, inst in enumerate(t.instances)}
        for j, k in enumerate(self.rules.actor_actions[a]):
            for pos, i in enumerate(self.rules.actions[k].instances):
                n = at.get(int(i))
                if n is not None and _holds(legal[j]) and _holds(inst_legal[j][pos]):
                    options[n] = 1
        sayable = {o.index for o in self.session.signal_options(agent) if o.legal}
        return np.concatenate([options] + [options * (s in sayable) for s in t.signals]).astype(np.int8)

    def play_turn(self, actions: Mapping[str, Any]) -> dict[str, float]:
        """Play one turn with each agent's option index (illegal or missing: Hold); the rewards."""
        before = {a: self.session.value(f"{a}.escalation") for a in self.agents}
        choices, signals = {}, {}
        self.illegal = {}
        for a in self.agents:
            t = self.tables[a]
            given = actions.get(a)
            n = -1 if given is None else int(given)
            ok = 0 <= n < t.n_actions and bool(self.action_mask(a)[n])
            self.illegal[a] = given is not None and not ok
            choices[a], signals[a] = t.split(n if ok else t.hold)
        for m, model in self.models.items():
            choices[m] = model.choose(self.session, m)
        self.session.step(choices, signals)
        return {a: self._reward(a, before[a]) for a in self.agents}

    def _reward(self, agent: str, escalation_before: float) -> float:
        s, reward = self.session, self.reward
        if callable(reward):
            return float(reward(s, agent))
        if reward == "escalation":
            return -(s.value(f"{agent}.escalation") - escalation_before)
        if not s.done:
            return 0.0
        if reward == "objectives":
            scn = self.rules.scenario
            return float(sum(s.batch.objective_scores[i, 0] for i, o in enumerate(scn.objectives) if o.actor == agent))
        assert isinstance(reward, Mapping)
        outcome = s.outcome
        return float(reward.get(outcome.id, 0.0)) if outcome is not None else 0.0

    def info(self, agent: str) -> dict[str, Any]:
        s = self.session
        out: dict[str, Any] = {"turn": min(s.turn, self.rules.scenario.calendar.turns)}
        out["illegal_action"] = self.illegal.get(agent, False)
        if s.done and s.outcome is not None:
            out["outcome"] = s.outcome.id
        return out

    def news(self) -> str:
        """The latest turn's events, one line each (what ``render`` shows)."""
        events = self.session.events
        last = events[-1]["turn"] if events else 0
        return "\n".join(f"turn {e['turn']}: {e.get('text', e['kind'])}" for e in events if e["turn"] == last)

    def observation_space(self, agent: str) -> spaces.Dict:
        t = self.tables[agent]
        low = np.array([e.low for e in t.entries], dtype=np.float32)
        high = np.array([e.high for e in t.entries], dtype=np.float32)
        return spaces.Dict(
            {
                "observation": spaces.Box(low, high, dtype=np.float32),
                "action_mask": spaces.Box(0, 1, (t.n_actions,), dtype=np.int8),
            }
        )

    def action_space(self, agent: str) -> spaces.Discrete:
        return spaces.Discrete(self.tables[agent].n_actions)

    def game_log(self) -> dict:
        """The episode as a Redline game log (``replay --log`` and ``class-report`` read it), with
        the model seats' conversations."""
        return game_log(self.session, self.models) if self.models else self.session.to_log()


def _holds(x) -> bool:
    return bool(x) if isinstance(x, bool) else bool(np.asarray(x).reshape(-1)[0])


class _SeatSpaces:
    """The per-agent spaces and names both PettingZoo APIs answer alike."""

    game: RedlineGame
    _spaces: dict[str, tuple[spaces.Space, spaces.Space]]

    def observation_space(self, agent: str) -> spaces.Space:
        return self._spaces[agent][0]

    def action_space(self, agent: str) -> spaces.Space:
        return self._spaces[agent][1]

    def option_names(self, agent: str) -> tuple[str, ...]:
        """What each action index of the agent means ("Strike ... on ... with ...")."""
        return self.game.tables[agent].option_names

    def observation_names(self, agent: str) -> tuple[str, ...]:
        return tuple(e.name for e in self.game.tables[agent].entries)


class RedlineAEC(_SeatSpaces, AECEnv):
    """PettingZoo AEC: the agents choose one after another, the turn is played once all have
    (a simultaneous game, as PettingZoo's rock-paper-scissors)."""

    metadata = METADATA

    def __init__(self, scenario: str | Rules, render_mode: str | None = None, **options):
        super().__init__()
        self.game = RedlineGame(scenario, **options)
        self.possible_agents = list(self.game.agents)
        self.render_mode = render_mode
        self._spaces = {a: (self.game.observation_space(a), self.game.action_space(a)) for a in self.possible_agents}
        self._pending: dict[str, Any] = {}

    def reset(self, seed: int | None = None, options: dict | None = None) -> None:
        self.game.reset(seed, options)
        self.agents = list(self.possible_agents)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self.infos = {a: self.game.info(a) for a in self.agents}
        self._pending = {}
        self._selector = AgentSelector(self.agents)
        self.agent_selection = self._selector.reset()

    def observe(self, agent: str) -> dict[str, np.ndarray]:
        return self.game.observation(agent)

    def step(self, action) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        self._cumulative_rewards[agent] = 0.0
        self._pending[agent] = action
        if self._selector.is_last():
            self.rewards = self.game.play_turn(self._pending)
            self._pending = {}
            done = self.game.session.done
            self.terminations = {a: done for a in self.agents}
            self.infos = {a: self.game.info(a) for a in self.agents}
            if self.render_mode == "human":
                self.render()
        else:
            self._clear_rewards()
        self.agent_selection = self._selector.next()
        self._accumulate_rewards()

    def render(self) -> str | None:
        text = self.game.news()
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self) -> None:
        """Nothing to release: the game holds no window, file or process."""

    def game_log(self) -> dict:
        return self.game.game_log()


class RedlineParallel(_SeatSpaces, ParallelEnv):
    """PettingZoo Parallel API: every agent's action for the turn at once."""

    metadata = METADATA

    def __init__(self, scenario: str | Rules, render_mode: str | None = None, **options):
        self.game = RedlineGame(scenario, **options)
        self.possible_agents = list(self.game.agents)
        self.agents = list(self.possible_agents)
        self.render_mode = render_mode
        self._spaces = {a: (self.game.observation_space(a), self.game.action_space(a)) for a in self.possible_agents}

    def reset(self, seed: int | None = None, options: dict | None = None):
        self.game.reset(seed, options)
        self.agents = list(self.possible_agents)
        return {a: self.game.observation(a) for a in self.agents}, {a: self.game.info(a) for a in self.agents}

    def step(self, actions: dict):
        rewards = self.game.play_turn(actions)
        done = self.game.session.done
        agents = self.agents
        obs = {a: self.game.observation(a) for a in agents}
        infos = {a: self.game.info(a) for a in agents}
        terminations = {a: done for a in agents}
        truncations = {a: False for a in agents}
        if done:
            self.agents = []
        if self.render_mode == "human":
            self.render()
        return obs, {a: rewards[a] for a in agents}, terminations, truncations, infos

    def render(self) -> str | None:
        text = self.game.news()
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self) -> None:
        """Nothing to release: the game holds no window, file or process."""

    def state(self) -> np.ndarray:
        """The whole state (every column, hidden ones too): for centralised critics, not for agents."""
        s = self.game.session
        return np.array([s.value(c.name) for c in self.game.rules.layout.columns], dtype=np.float32)

    def game_log(self) -> dict:
        return self.game.game_log()


class RedlineSeatEnv(gymnasium.Env):
    """Gymnasium: one seat against the others, who play by their doctrines (or ``policies``)."""

    metadata = METADATA

    def __init__(self, scenario: str | Rules, seat: str, render_mode: str | None = None, **options):
        self.game = RedlineGame(scenario, [seat], **options)
        self.seat = seat
        self.render_mode = render_mode
        self.observation_space = self.game.observation_space(seat)
        self.action_space = self.game.action_space(seat)

    def option_names(self) -> tuple[str, ...]:
        return self.game.tables[self.seat].option_names

    def observation_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.game.tables[self.seat].entries)

    def action_masks(self) -> np.ndarray:
        """The legal options now, as bool (the name sb3-contrib's MaskablePPO asks for)."""
        return self.game.action_mask(self.seat).astype(bool)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.game.reset(seed, options)
        return self.game.observation(self.seat), self.game.info(self.seat)

    def step(self, action):
        rewards = self.game.play_turn({self.seat: action})
        if self.render_mode == "human":
            self.render()
        obs = self.game.observation(self.seat)
        return obs, rewards[self.seat], self.game.session.done, False, self.game.info(self.seat)

    def render(self) -> str | None:
        text = self.game.news()
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def game_log(self) -> dict:
        return self.game.game_log()


def env(scenario: str | Rules, **options) -> RedlineAEC:
    """The PettingZoo AEC environment. Options: ``agents`` (actor ids the caller drives;
    default all; the others play their doctrine), ``policies`` (actor id -> a policy name for
    a seat not driven; ``llm:MODEL@URL`` or an ``LLMPolicy``: a language model plays it),
    ``reward``, ``seed`` (the default seed of ``reset``), ``sets`` (params, as ``--set``),
    ``signals`` (let the agents send their signals too), ``render_mode`` (``"ansi"`` or
    ``"human"``: the turn's news)."""
    return RedlineAEC(scenario, **options)


def parallel_env(scenario: str | Rules, **options) -> RedlineParallel:
    """The PettingZoo Parallel environment; options as for ``env``."""
    return RedlineParallel(scenario, **options)


def single_seat_env(scenario: str | Rules, seat: str, **options) -> RedlineSeatEnv:
    """A Gymnasium ``Env`` for ``seat``; options as for ``env`` (but no ``agents``)."""
    return RedlineSeatEnv(scenario, seat, **options)
