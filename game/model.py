"""The scenario as frozen values: what an instructor writes, checked and typed.

This module is the single source of truth for the format ``redline/1``: the loader
structures YAML into these classes with cattrs, ``main.py schema`` derives the JSON
Schema from them, and ``docs/authoring.md`` documents each field. Field help lives
in ``metadata={"help": ...}`` so the schema and the docs say the same thing.

Expressions (conditions, probabilities, weights, effects) are kept here as text;
``game.engine.compile`` turns them into array code once, at load.
"""

from __future__ import annotations

import attrs

from game.claim_status import CLAIM_STATUSES

CATEGORIES = ("status_quo", "de_escalation", "posturing", "non_violent", "violent", "nuclear")
"""Action categories, from Rivera et al. 2024 (FAccT), which weigh them for an escalation score."""

RIVERA_WEIGHTS = {
    "status_quo": 0.0,
    "de_escalation": -2.0,
    "posturing": 4.0,
    "non_violent": 12.0,
    "violent": 28.0,
    "nuclear": 60.0,
}
DOCUMENT_KINDS = ("op-ed", "speech", "statement", "article")
SITE_KINDS = (
    "military",
    "civilian",
    "infrastructure",
    "nuclear_plant",
    "capital",
    "city",
    "logistics",
    "command",
    "launch_site",
)
SIGNAL_KINDS = ("warning", "red_line", "bluff", "reassurance", "demand", "offer")
FOG_KINDS = ("misread", "overreach")
HINT_MOMENTS = ("turn", "chance", "signal", "debrief")
POLICY_PRESETS = ("dove", "hawk", "tit_for_tat", "random")

Expr = str
"""An expression in Redline's small language (see docs/authoring.md), or a number."""


def _help(text: str, **kw):
    return attrs.field(metadata={"help": text}, **kw)


def _opt(text: str, default, **kw):
    return attrs.field(default=default, metadata={"help": text}, **kw)


@attrs.frozen
class Source:
    id: str = _help("Short id that claims and params cite, e.g. `nyt_2024_11_17`.")
    title: str = _help("Title of the article, document or book.")
    publisher: str = _opt("Publication, archive or publisher.", "")
    date: str = _opt("Publication date, `YYYY-MM-DD` (or `YYYY`).", "")
    url: str = _opt("A public address, where there is one.", "")
    note: str = _opt("What in it supports what; page numbers.", "")


@attrs.frozen
class Claim:
    id: str = _help("Short id that params and texts refer to.")
    statement: str = _help("The statement, in plain words.")
    status: str = _help("One of: " + ", ".join(CLAIM_STATUSES) + ".")
    sources: tuple[str, ...] = _opt("Ids of the sources that support or dispute it.", ())
    note: str = _opt("Who disputes it and why; what the sources disagree on.", "")


@attrs.frozen
class Perspective:
    id: str = _help("Short id.")
    holder: str = _help("Who holds this view (a person, a government, a school of thought).")
    view: str = _help("The view in its holders' own terms, attributed.")
    sources: tuple[str, ...] = _opt("Ids of the sources where it is stated.", ())


@attrs.frozen
class DocumentPoint:
    says: str = _help("One point of the document, in faithful paraphrase.")
    quote: str = _opt("A short quotation of the document's own words for it.", "")
    claims: tuple[str, ...] = _opt("Ids of the claims (in `meta.claims`) that check this point.", ())


@attrs.frozen
class Document:
    id: str = _help("Short id, e.g. `aharoni_oped`.")
    title: str = _help("The document's title.")
    author: str = _help("Who wrote or said it.")
    date: str = _help("When it appeared, `YYYY-MM-DD`.")
    kind: str = _help("One of: " + ", ".join(DOCUMENT_KINDS) + ".")
    source: str = _help("Id of the source (in `meta.sources`) where it is published.")
    summary: str = _help("What it argues, in a few sentences, attributed.")
    points: tuple[DocumentPoint, ...] = _opt("Its points in order, each with the claims that check it.", ())


@attrs.frozen
class RoleCard:
    goals: str = _opt("What this seat wants, as its government would say it.", "")
    red_lines: str = _opt("Its declared (and private) red lines as its government stated them, citing claim ids.", "")
    knows: str = _opt("What it knows at the start.", "")
    does_not_know: str = _opt("What it does not know (others' intentions, hidden red lines).", "")
    options_note: str = _opt("Its options in a few words: what it can do each turn.", "")
    others: str = _opt("Allies' and adversaries' stated positions.", "")

    def is_empty(self) -> bool:
        """True when the author wrote none of it (the handout then builds the card from the actor)."""
        return not any(attrs.astuple(self))


@attrs.frozen
class Meta:
    id: str = _help("Identifier of the scenario, e.g. `atacms_2024`.")
    title: str = _help("Title shown on the title screen.")
    summary: str = _help("One paragraph: the situation in plain words.")
    briefing: str = _opt("The longer briefing a student reads before playing.", "")
    briefing_short: str = _opt("The short briefing a student reads in five minutes (at most about 600 words).", "")
    objectives: tuple[str, ...] = _opt("Learning objectives (3-5 is good).", ())
    perspectives: tuple[Perspective, ...] = _opt("Views of the crisis, each attributed.", ())
    claims: tuple[Claim, ...] = _opt("Statements of fact, each with a status and sources.", ())
    sources: tuple[Source, ...] = _opt("Every source the scenario cites.", ())
    documents: tuple[Document, ...] = _opt("Documents students read (an op-ed, a speech), point by point.", ())
    fictional: bool = _opt("True for invented countries (the tutorial).", False)
    notes: str = _opt("Designer's notes: balance figures, what was simplified and why.", "")


@attrs.frozen
class Calendar:
    start: str = _help("Date of turn 1, `YYYY-MM-DD`.")
    turn_days: int = _help("Days per turn (7 = weekly turns).")
    turns: int = _help("Turn limit; the `at_end` outcome applies when it is reached.")


@attrs.frozen
class Region:
    id: str = _help("Short id, e.g. `kursk`.")
    name: str = _help("Name shown on the map.")
    tags: tuple[str, ...] = _opt("Tags that targets and expressions select by, e.g. `pre2014_russia`.", ())
    controller: str = _opt("Actor id that holds it (for launch regions and the map).", "")
    countries: tuple[str, ...] = _opt(
        "Countries it covers, by ISO 3166-1 alpha-3 code (`[IND]`, `[POL, LTU]`), drawn and measured "
        "with the world map's borders.",
        (),
    )
    admin1: tuple[str, ...] = _opt(
        "First-level regions it covers, by ISO 3166-2 code (`[RU-KRS, UA-63]`) or unique name (`Kursk`).", ()
    )
    outline: tuple[tuple[float, float], ...] = _opt(
        "Outline as `[lon, lat]` points, for what no map has (a sea zone, a front line); "
        "joined to `countries` and `admin1` when given with them.",
        (),
    )
    within: tuple[str, ...] = _opt(
        "Country (ISO A3) or first-level region codes its `outline` is clipped to (a front line drawn "
        "loosely beyond a border keeps the border).",
        (),
    )
    minus: tuple[str, ...] = _opt(
        "Ids of other regions of the scenario cut out of it (Ukraine minus the occupied areas).", ()
    )
    occupied: bool = _opt("Drawn hatched: held by its `controller` against the recognised border.", False)
    basemap: str = _opt("Older form: name of a world-map region to draw for it (use `admin1:`).", "")
    center: tuple[float, float] | None = _opt("A `[lon, lat]` point inside it, used to measure ranges from it.", None)


@attrs.frozen
class Site:
    id: str = _help("Short id, e.g. `kursk_npp`.")
    name: str = _help("Name shown on the map and in the news.")
    lon: float = _help("Longitude in degrees east.")
    lat: float = _help("Latitude in degrees north.")
    region: str = _help("Region id it lies in (its tags apply to the site).")
    kind: str = _help("One of: " + ", ".join(SITE_KINDS) + ".")
    value: float = _opt("How much it matters as a target (weights AI target choice).", 1.0)
    tags: tuple[str, ...] = _opt("Extra tags, added to its region's.", ())
    source: str = _opt("Source id for its coordinates, where they are not obvious.", "")


@attrs.frozen
class MapSpec:
    basemap: str = _opt(
        "Basemap to draw: `world` (every country and first-level region) or `none` (an invented map).", "none"
    )
    view: tuple[float, float, float, float] | None = _opt(
        "Initial view `[lon_min, lat_min, lon_max, lat_max]` (default: around the sites and regions).", None
    )
    regions: tuple[Region, ...] = _opt("The scenario's regions.", ())
    sites: tuple[Site, ...] = _opt("Places that can be targeted or matter to the story.", ())


@attrs.frozen
class Actor:
    id: str = _help("Short id, used in expressions (`russia.resolve`).")
    name: str = _help("Name shown to players.")
    side: str = _opt("Coalition it belongs to; actors on one side do not strike each other.", "")
    nuclear: bool = _opt("Whether it has nuclear weapons.", False)
    initiative: int = _opt("Resolution order: higher acts first within a turn.", 0)
    start_rung: str = _opt("Rung id it stands on when the game starts (default: none, below the ladder).", "")
    policy: str = _opt("Policy id (from `policies:`) or preset: " + ", ".join(POLICY_PRESETS), "dove")
    playable: bool = _opt("Whether a student may take this seat.", True)
    color: str = _opt("Colour on the map and the ladder, `#rrggbb` (default: palette).", "")
    description: str = _opt("Who this actor is, for the seat picker.", "")
    role_card: RoleCard = _opt("The seat's role card: goals, red lines, what it knows.", attrs.Factory(RoleCard))


@attrs.frozen
class Variable:
    id: str = _help("`name` (global) or `actor.name` (per actor).")
    initial: float = _help("Value at the start.")
    range: tuple[float, float] = _opt("`[min, max]`; effects are clipped to it.", (0.0, 1.0))
    says: str = _opt("What it measures, in plain words.", "")
    label: str = _opt("Short name on its bar in the game (default: made from `id`, e.g. 'Russia: resolve').", "")
    show: bool = _opt("Show it as a bar in the game.", True)
    per_turn: float = _opt("Added at the start of every turn (e.g. -0.02: tension cools by itself).", 0.0)


@attrs.frozen
class Param:
    id: str = _help("Name used as `params.NAME` in expressions.")
    value: float = _help("Default value.")
    range: tuple[float, float] = _help("`[min, max]` an instructor may set it to.")
    says: str = _help("What it stands for; what each end of its range would mean.")
    claim: str = _opt("Id of the claim (in `meta.claims`) it stands for.", "")
    source: str = _opt("Id of a source, where the number comes from one.", "")


@attrs.frozen
class Weapon:
    id: str = _help("Short id, e.g. `atacms`.")
    name: str = _help("Name shown to players.")
    owner: str = _help("Actor id that fires it.")
    range_km: float = _help("Maximum range in km (great-circle).")
    warheads: tuple[str, ...] = _opt("Warhead kinds, e.g. `[conventional]`.", ("conventional",))
    nuclear_capable: bool = _opt("Whether a fielded version carries a nuclear warhead.", False)
    stock: float = _opt("Rounds available at the start (one action spends `per_use`).", 0.0)
    per_use: float = _opt("Rounds one strike spends.", 1.0)
    production: float = _opt("Rounds added each turn (deliveries included).", 0.0)
    launch_from: tuple[str, ...] = _opt("Region ids it can be launched from (range is measured from them).", ())
    supplier: str = _opt("Actor id that supplies it (empty: the owner).", "")
    authorized_by: str = _opt("Actor id whose authorization it needs (empty: none).", "")
    authorized: bool = _opt("Whether it is authorized at the start.", True)
    source: str = _opt("Source id for its range and stock.", "")


@attrs.frozen
class Rung:
    id: str = _help("Short id, e.g. `strikes_on_homeland`.")
    name: str = _help("Name shown on the ladder.")
    description: str = _opt("What standing on this rung means.", "")
    kahn: int | None = _opt("Its place on Kahn's 44-rung ladder (1965), where it fits.", None)


@attrs.frozen
class Threshold:
    id: str = _help("Short id, used as `crossed('ID')`.")
    name: str = _help("Name in Kahn's manner, e.g. `No nuclear use`.")
    below: str = _help("Rung id just above the threshold: reaching that rung crosses it.")
    description: str = _opt("Why this line matters.", "")


@attrs.frozen
class Ladder:
    rungs: tuple[Rung, ...] = _help("Rungs from the lowest to the highest.")
    thresholds: tuple[Threshold, ...] = _opt("Named thresholds between rungs.", ())


@attrs.frozen
class Target:
    sites: tuple[str, ...] = _opt("Site ids.", ())
    tags: tuple[str, ...] = _opt("Every site whose tags (or region's tags) include one of these.", ())
    kinds: tuple[str, ...] = _opt("Restrict to these site kinds.", ())


@attrs.frozen
class Action:
    id: str = _help("Short id, used in `taken('ID')`, policies and responses.")
    name: str = _help("Name shown in the decision prompt.")
    actor: tuple[str, ...] = _help("Actor id (or list of ids) that may take it.")
    category: str = _help("One of: " + ", ".join(CATEGORIES) + ".")
    rung: str = _opt("Rung id it stands on (empty: no rung, e.g. waiting).", "")
    weapon: tuple[str, ...] = _opt("Weapon ids it can use (one instance per weapon and target).", ())
    target: Target | None = _opt("Which sites it can be aimed at.", None)
    when: Expr = _opt("Precondition; the action is legal only while it holds.", "1")
    requires: str = _opt("The precondition in words, shown when it does not hold (e.g. `tension above 0.6`).", "")
    effects: tuple[Expr, ...] = _opt("Changes, e.g. `tension += 0.05`.", ())
    text: str = _opt("News text; `{actor}`, `{target}`, `{weapon}` are filled in.", "")
    description: str = _opt("What it is, for the decision prompt.", "")
    response_only: bool = _opt("Only a red line's response can take it (not a free choice).", False)


@attrs.frozen
class Signal:
    id: str = _help("Short id, used in `signalled('ID')`.")
    actor: tuple[str, ...] = _help("Actor id (or list) that may send it.")
    kind: str = _help("One of: " + ", ".join(SIGNAL_KINDS) + ".")
    says: str = _help("What the actor says, in its words.")
    max_rung: str = _opt("It implies the sender stays at or below this rung this turn.", "")
    min_rung: str = _opt("It implies the sender acts at or above this rung this turn.", "")
    when: Expr = _opt("When it may be sent.", "1")
    effects: tuple[Expr, ...] = _opt("What saying it changes (e.g. `tension += 0.02`).", ())


@attrs.frozen
class Fog:
    id: str = _help("Short id.")
    action: str = _help("The action it can happen to.")
    kind: str = _help("`misread`: others see `becomes`; `overreach`: it turns into `becomes`.")
    becomes: str = _help("The more escalatory action it is seen as or turns into.")
    p: Expr = _help("Chance per use, usually `params.NAME`.")
    text: str = _opt("News text when it happens.", "")


@attrs.frozen
class Response:
    action: str = _help("Action id the owner takes in response (empty: say nothing, do nothing).")
    p: Expr = _help("Probability, a number or expression; what is left over is no response.")
    id: str = _opt("Short id for `params` paths (default: the action id).", "")
    target: str = _opt("Site id to aim at (default: the most valuable legal target).", "")
    weapon: str = _opt("Weapon id to use (default: the first legal one).", "")


@attrs.frozen
class RedLine:
    id: str = _help("Short id, used in `tripped('ID')`.")
    owner: str = _help("Actor id whose red line (or doctrine threshold) it is.")
    name: str = _help("Name shown in the news and on the ladder.")
    when: Expr = _help("Condition that trips it.")
    responses: tuple[Response, ...] = _help("The response distribution.")
    declared: bool = _opt("Declared publicly (students see it) or hidden (instructor view).", True)
    repeat: bool = _opt("Can trip again on later turns (else once per game).", False)
    says: str = _opt("What the owner has said about it, attributed.", "")
    claim: str = _opt("Claim id it rests on.", "")


@attrs.frozen
class Rule:
    weight: Expr = _help("Weight, a number or expression over the state.")
    action: str = _opt("Action id this rule weights.", "")
    category: str = _opt("Or: every action of this category.", "")
    signal: str = _opt("Or: a signal id (weights the signal choice).", "")
    when: Expr = _opt("The rule applies only while this holds.", "1")


@attrs.frozen
class Policy:
    id: str = _help("Policy id, named by `actors.ID.policy`.")
    rules: tuple[Rule, ...] = _opt("Weighted rules; an action's weight is the sum of its rules.", ())
    base: str = _opt("A preset to add under the rules: " + ", ".join(POLICY_PRESETS), "")
    base_weight: float = _opt("How much the preset counts against the rules.", 1.0)
    base_excludes: tuple[str, ...] = _opt(
        "Action ids or categories the preset gives no weight to (only the rules weigh them).", ()
    )
    signal_rate: float = _opt("Weight of sending no signal against the signal rules.", 1.0)
    description: str = _opt("Who would play like this, for the instructor.", "")


@attrs.frozen
class Event:
    id: str = _help("Short id.")
    name: str = _help("Headline in the news feed.")
    date: str = _opt("Scheduled date `YYYY-MM-DD` (fires on the turn containing it).", "")
    turn: int | None = _opt("Or: scheduled turn number (1 = first).", None)
    p: Expr = _opt("Or: chance each turn while `when` holds (random event).", "0")
    when: Expr = _opt("Condition: a scheduled event happens only if it holds then; a random one only while.", "1")
    repeat: bool = _opt("A random event can happen again.", False)
    effects: tuple[Expr, ...] = _opt("What it changes.", ())
    text: str = _opt("The news text.", "")


@attrs.frozen
class Outcome:
    id: str = _help("Short id.")
    name: str = _help("Name shown in the debrief.")
    when: Expr = _opt("End condition; outcomes are checked in order, the first that holds ends the game.", "0")
    at_end: bool = _opt("This is the outcome when the turn limit is reached.", False)
    text: str = _opt("Debrief text.", "")
    historical: bool = _opt("This is what happened in history.", False)


@attrs.frozen
class Objective:
    id: str = _help("Short id.")
    actor: str = _help("Actor id whose objective it is.")
    text: str = _help("What the actor wants, in plain words.")
    score: Expr = _help("Score at the end of the game (higher is better).")


@attrs.frozen
class HistoryEntry:
    turn: int = _help("Turn number.")
    text: str = _help("What actually happened in that turn, with dates.")
    actions: dict[str, str] = _opt("Actor id -> the action that matches history best.", attrs.Factory(dict))
    claims: tuple[str, ...] = _opt("Claim ids that back the text.", ())


@attrs.frozen
class Hint:
    turn: int = _help("Turn on which the window shows it (1 = first); with `on`, the latest turn it waits for.")
    title: str = _help("A short heading, e.g. `The ladder`.")
    text: str = _help("One idea, in a few sentences, for a first-time player.")
    on: str = _opt(
        "The moment that shows it earlier, one of: "
        + ", ".join(HINT_MOMENTS)
        + " (`chance`: the first chance result in the news; `signal`: the first signal; `debrief`: on the debrief).",
        "turn",
    )


@attrs.frozen
class Scoring:
    weights: dict[str, float] = _opt(
        "Escalation-score weight per category (default Rivera et al. 2024).",
        attrs.Factory(lambda: dict(RIVERA_WEIGHTS)),
    )
    max_cascade: int = _opt("Bound on red-line cascades within one turn.", 4)


@attrs.frozen
class CircuitBreaker:
    when: str = _help("Condition checked at the start of every turn, after the events; when it holds, it trips.")
    turns: int = _opt("Turns every actor is held once it trips (this turn included).", 1)
    effects: tuple[str, ...] = _opt("What tripping it changes, once, e.g. `tension -= 0.2`.", ())
    text: str = _opt("News text when it trips.", "")


@attrs.frozen
class Scenario:
    format: str = _help("Always `redline/1`.")
    meta: Meta = _help("Title, briefing, perspectives, claims, sources.")
    calendar: Calendar = _help("Start date, turn length, turn limit.")
    actors: tuple[Actor, ...] = _help("Who takes part.")
    ladder: Ladder = _help("Escalation ladder: rungs and thresholds.")
    actions: tuple[Action, ...] = _help("What actors can do.")
    outcomes: tuple[Outcome, ...] = _help("How the game ends, in priority order.")
    map: MapSpec = _opt("Regions and sites.", attrs.Factory(MapSpec))
    variables: tuple[Variable, ...] = _opt("Numbers that change during the game.", ())
    params: tuple[Param, ...] = _opt("Numbers an instructor may set.", ())
    weapons: tuple[Weapon, ...] = _opt("Weapons with range, stock, authorization.", ())
    signals: tuple[Signal, ...] = _opt("What actors can say.", ())
    fog: tuple[Fog, ...] = _opt("Misreadings and accidents.", ())
    red_lines: tuple[RedLine, ...] = _opt("Red lines and doctrine thresholds.", ())
    policies: tuple[Policy, ...] = _opt("How AI actors choose.", ())
    events: tuple[Event, ...] = _opt("Scheduled and random events.", ())
    objectives: tuple[Objective, ...] = _opt("Per-actor objectives, scored at the end.", ())
    history: tuple[HistoryEntry, ...] = _opt("What actually happened, turn by turn.", ())
    hints: tuple[Hint, ...] = _opt("Guided hints the window shows a student, one idea a turn.", ())
    scoring: Scoring = _opt("Escalation score weights and cascade bound.", attrs.Factory(Scoring))
    circuit_breaker: CircuitBreaker | None = _opt(
        "A pause every actor keeps at once: while it holds, each actor's action is its hold.", None
    )

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def implicit_waits(self) -> list[str]:
        """Ids of the "Hold and watch" actions the engine adds, ``wait_ACTOR``, for each actor
        without an unconditional status-quo action of its own (a policy weighs them by category only)."""
        has = {
            a
            for act in self.actions
            if act.category == "status_quo" and act.when in ("1", "true", "True")
            for a in act.actor
        }
        return [f"wait_{a.id}" for a in self.actors if a.id not in has]


KEYED_SECTIONS = {
    ("actors",): "id",
    ("variables",): "id",
    ("params",): "id",
    ("weapons",): "id",
    ("signals",): "id",
    ("policies",): "id",
}
"""Sections written in YAML as a mapping from id to fields (``weapons: {atacms: {...}}``)."""
