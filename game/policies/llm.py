"""A seat played by a language model over the OpenAI-compatible chat-completions API.

``LLMPolicy`` asks ``POST {url}/v1/chat/completions`` (the API that llama.cpp's server, vLLM,
Ollama and others speak) to choose the seat's action each turn. The prompt is what the seat's
student would read: the scenario's summary, the seat's role card, the turn, the ladder and the
board's bars, the last turn's news (a red line its owner never declared is not named) and the
legal options, numbered. The answer must name one of those numbers; an unparseable or illegal
answer is asked again (``retries`` times), then recorded as such and replaced by Hold.

The model decides like a student: its seat is one of the session's human seats, so each choice
is a recorded decision, and a game replays from its log (``replay --log``) without the server.
``transcript`` keeps every prompt and answer; ``game_log`` puts them in the game's log.

The network is touched only when a turn is played (never at import); ``urllib`` is imported
there. Transport failures (refused, timed out, not the API) raise ``LLMError`` with one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from game.engine.session import Option, Session
from game.policies.base import HumanPolicy, policy_for

SYSTEM_PROMPT = (
    "You play one government in a crisis simulation used for teaching. Each turn you choose one "
    "of the numbered options. Answer with the number of your choice first, then at most two "
    "sentences of reasons."
)
FOLLOW_UP = "That answer does not name one of the options. Answer with one number from 1 to {n}."


class LLMError(Exception):
    """The model server could not be used (unreachable, timed out, or not the chat API)."""


@attrs.frozen
class Exchange:
    """One turn's conversation with the model: what was asked, every answer, what was played."""

    turn: int
    actor: str
    model: str
    messages: tuple[dict[str, str], ...]  # the whole conversation, prompts and answers
    answers: tuple[str, ...]
    verdicts: tuple[str, ...]  # per answer: "ok", "illegal: ...", "unparseable: ..."
    status: str  # "ok", "ok after N retries", or "replaced by Hold: <the last verdict>"
    action: str  # the option played, in words
    instance: int

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "actor": self.actor,
            "model": self.model,
            "messages": [dict(m) for m in self.messages],
            "answers": list(self.answers),
            "verdicts": list(self.verdicts),
            "status": self.status,
            "action": self.action,
            "instance": self.instance,
        }


def parse_llm_spec(text: str) -> tuple[str, str]:
    """``llm:MODEL@URL`` -> (model, base URL without ``/v1``); ``ValueError`` when it is not one.

    >>> parse_llm_spec("llm:llama3:8b@http://127.0.0.1:11434/v1")
    ('llama3:8b', 'http://127.0.0.1:11434')
    """
    body = text[len("llm:") :] if text.startswith("llm:") else ""
    at = max(body.rfind("@http://"), body.rfind("@https://"))
    if at <= 0:
        raise ValueError(f"'{text}' is not llm:MODEL@URL (e.g. llm:llama3@http://127.0.0.1:8080)")
    url = body[at + 1 :].rstrip("/")
    return body[:at], url[: -len("/v1")] if url.endswith("/v1") else url


def is_llm_spec(name: str) -> bool:
    return name.startswith("llm:")


def read_answer(answer: str, n: int) -> tuple[int | None, str]:
    """The option (1..n) an answer names (its first whole number) and the verdict on it.

    >>> read_answer("3. Propose talks, because...", 4)
    (3, 'ok')
    >>> read_answer("Option 7", 4)
    (None, 'illegal: 7 is not an option from 1 to 4')
    >>> read_answer("I would rather not say", 4)
    (None, 'unparseable: no number')

    A reasoning model's thinking (``<think>...</think>``) is not the answer:

    >>> read_answer("<think>Options 1 to 4... 4 is too risky.</think>2", 4)
    (2, 'ok')
    """
    m = re.search(r"\d+", re.sub(r"<think>.*?(</think>|$)", "", answer, flags=re.S))
    if m is None:
        return None, "unparseable: no number"
    k = int(m.group())
    if not 1 <= k <= n:
        return None, f"illegal: {k} is not an option from 1 to {n}"
    return k, "ok"


def _post_json(url: str, body: dict, timeout: float, api_key: str) -> dict:
    """POST JSON and read JSON back; ``LLMError`` with one line on any failure."""
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    req = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = json.loads(resp.read(4_000_000).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        raise LLMError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LLMError(f"{url}: cannot reach the model server ({reason})") from None
    except ValueError:
        raise LLMError(f"{url}: the answer is not JSON (is this a chat-completions server?)") from None
    if not isinstance(data, dict):
        raise LLMError(f"{url}: the answer is not a chat completion")
    return data


class LLMPolicy(HumanPolicy):
    """A seat whose decisions come from a chat model (see the module docstring)."""

    def __init__(
        self,
        model: str,
        url: str,
        *,
        retries: int = 2,
        timeout: float = 60.0,
        temperature: float = 0.0,
        api_key: str = "",
        server_errors: str = "raise",
    ):
        """``server_errors``: ``"raise"`` (``LLMError``: a command stops) or ``"hold"`` (the
        window: the failure is recorded as the answer, and the seat holds as for garbage)."""
        if server_errors not in ("raise", "hold"):
            raise ValueError(f"server_errors must be 'raise' or 'hold', got {server_errors!r}")
        self.server_errors = server_errors
        self.model, self.url = model, url.rstrip("/")
        self.name = f"llm:{model}"
        self.retries, self.timeout, self.temperature, self.api_key = retries, timeout, temperature, api_key
        self.transcript: list[Exchange] = []

    @classmethod
    def from_spec(cls, text: str, **options) -> LLMPolicy:
        model, url = parse_llm_spec(text)
        return cls(model, url, **options)

    def ask(self, messages: Sequence[Mapping[str, str]], seed: int) -> str:
        """One chat completion: the text of its first choice."""
        body = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "temperature": self.temperature,
            "seed": seed,
        }
        url = f"{self.url}/v1/chat/completions"
        data = _post_json(url, body, self.timeout, self.api_key)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMError(f"{url}: the answer has no choices[0].message.content") from None
        return content if isinstance(content, str) else ""

    def choose(self, session: Session, actor: str) -> int:
        """The instance the model chooses for ``actor`` this turn (Hold when it fails to name one)."""
        options = [o for o in session.options(actor) if o.legal]
        hold = _hold(session, actor)
        messages: list[dict[str, str]] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": prompt(session, actor, options)},
        ]
        answers: list[str] = []
        verdicts: list[str] = []
        seed = (session.seed * 1_000_003 + session.game * 1009 + session.turn) % 2**31
        chosen = None
        for attempt in range(self.retries + 1):
            if attempt and messages[-1]["role"] == "assistant":
                messages.append({"role": "user", "content": FOLLOW_UP.format(n=len(options))})
            try:
                answer = self.ask(messages, seed)
            except LLMError as exc:
                if self.server_errors == "raise":
                    raise
                answers.append("")
                verdicts.append(f"server error: {exc}")
                continue
            answers.append(answer)
            messages.append({"role": "assistant", "content": answer})
            k, verdict = read_answer(answer, len(options))
            verdicts.append(verdict)
            if k is not None:
                chosen = options[k - 1]
                break
        if chosen is None:
            status = f"replaced by Hold: {verdicts[-1]}"
            instance, action = hold.instance, hold.name
        else:
            status = "ok" if len(answers) == 1 else f"ok after {len(answers) - 1} retries"
            instance, action = chosen.instance, _option_words(chosen)
        self.transcript.append(
            Exchange(
                session.turn,
                actor,
                self.model,
                tuple(messages),
                tuple(answers),
                tuple(verdicts),
                status,
                action,
                instance,
            )
        )
        return instance


def _hold(session: Session, actor: str) -> Option:
    rules = session.rules
    a = rules.actor_index(actor)
    wait = int(rules.actions[rules.wait_action[a]].instances[0])
    return next(o for o in session.options(actor) if o.instance == wait)


def _option_words(o: Option) -> str:
    parts = [o.name]
    if o.target:
        parts.append(f"on {o.target}")
    if o.weapon:
        parts.append(f"with {o.weapon}")
    return " ".join(parts)


def prompt(session: Session, actor: str, options: Sequence[Option]) -> str:
    """What the seat's student would read this turn, and the numbered legal options."""
    scn = session.rules.scenario
    me = scn.actor(actor)
    card = me.role_card
    turns = scn.calendar.turns
    lines = [f"Scenario: {scn.meta.title}", scn.meta.summary.strip(), "", f"You are {me.name}."]
    if me.description:
        lines.append(me.description.strip())
    for label, text in (("Your goals", card.goals), ("Your red lines", card.red_lines), ("You know", card.knows)):
        if text:
            lines.append(f"{label}: {text.strip()}")
    lines += ["", f"Turn {session.turn} of {turns} ({session.date.isoformat()})."]
    rungs = scn.ladder.rungs
    lines.append("The escalation ladder, highest rung each actor has reached:")
    for a, r in session.rungs().items():
        lines.append(f"- {scn.actor(a).name}: {rungs[r - 1].name if r else 'none yet'}")
    shown = [v for v in scn.variables if v.show]
    if shown:
        lines.append("The situation:")
        lines += [f"- {v.says or v.id}: {session.value(v.id):.2f}" for v in shown]
    news = _last_news(session)
    if news:
        lines.append("Last turn's news:")
        lines += [f"- {t}" for t in news]
    lines += ["", "Your options this turn:"]
    for n, o in enumerate(options, 1):
        rung = f" (rung: {o.rung_name})" if o.rung_name else ""
        desc = f": {o.description.strip()}" if o.description else ""
        lines.append(f"{n}. {_option_words(o)}{rung}{desc}")
        for t in o.trips:
            if t.declared:
                lines.append(f"   (crosses {t.owner}'s declared red line: {t.name})")
    lines += ["", f"Answer with one number from 1 to {len(options)}."]
    return "\n".join(lines)


def _last_news(session: Session) -> list[str]:
    """Last turn's news as the seat's board shows it (no chances; an undeclared red line unnamed)."""
    events = [e for e in session.events if e["turn"] == session.turn - 1 and e["kind"] != "decision"]
    out = []
    for e in events:
        if e["kind"] == "red_line" and not e.get("declared", True):
            out.append(f"{session.rules.scenario.actor(e['owner']).name} answers a line it never declared")
        elif e.get("text"):
            out.append(e["text"])
    return out


def model_seats(rules, policies: Mapping[str, str], people: Sequence[str] = ()) -> dict[str, LLMPolicy]:
    """The seats that ``policies`` gives to a language model (``llm:MODEL@URL``), for the window:
    a server error holds the seat for the turn (recorded) rather than stopping the game. A seat a
    person plays, or an actor the scenario lacks, is left out."""
    ids = {a.id for a in rules.scenario.actors}
    return {
        actor: LLMPolicy.from_spec(name, server_errors="hold")
        for actor, name in policies.items()
        if is_llm_spec(name) and actor in ids and actor not in people
    }


def play_game(
    rules,
    seed: int,
    game: int,
    seats: Mapping[str, LLMPolicy],
    policies: Mapping[str, str] | None = None,
) -> Session:
    """Game ``game`` of ``seed`` with ``seats`` played by their models and the other seats by
    ``policies`` (actor id -> policy name) or their doctrine. Returns the finished session."""
    ids = [a.id for a in rules.scenario.actors]
    unknown = [a for a in seats if a not in ids]
    if unknown:
        raise ValueError(f"unknown actor '{unknown[0]}' (actors: {', '.join(ids)})")
    names = dict(policies or {})
    policy_list = [seats[a] if a in seats else policy_for(rules, i, names.get(a)) for i, a in enumerate(ids)]
    session = Session(rules, seed, tuple(seats), game, seats=policy_list)
    for p in seats.values():
        p.transcript = []  # one game's conversations: game_log reads them
    while not session.done:
        session.step({a: p.choose(session, a) for a, p in seats.items()})
    return session


def game_log(session: Session, seats: Mapping[str, LLMPolicy]) -> dict:
    """The session's log (``redline-log/1``) with each model seat's name and its conversations
    of this game under ``llm`` (each a turn's prompts and answers; ``play_game`` starts each
    seat's transcript afresh)."""
    log = session.to_log()
    for a, p in seats.items():
        log["policies"][a] = p.name
    exchanges = [x for p in seats.values() for x in p.transcript if x.actor in seats]
    log["llm"] = [x.to_json() for x in sorted(exchanges, key=lambda x: (x.turn, x.actor))]
    return log
