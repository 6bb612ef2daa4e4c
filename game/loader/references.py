"""Cross-reference and value checks on a structured ``Scenario``.

Every reference (actor, weapon, region, site, rung, action, claim, source, policy) is
resolved here, at load, so a typo is an error at its line, never a surprise at turn 9.
Expressions are checked later, when the engine compiles them.
"""

from __future__ import annotations

import datetime as dt
import re

from game import regions as region_refs
from game import resources
from game.diagnostics import did_you_mean, foreign_character
from game.model import (
    CATEGORIES,
    CLAIM_STATUSES,
    DOCUMENT_KINDS,
    FOG_KINDS,
    HINT_MOMENTS,
    POLICY_PRESETS,
    SIGNAL_KINDS,
    SITE_KINDS,
    Scenario,
)

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
VAR_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
MAX_TURNS = 500
MAX_SUGGESTIONS = 50
"""Did-you-mean hints for the first this many unknown references; the rest are listed plainly."""
RESERVED = {"turn", "params", "target", "weapon", "true", "false", "and", "or", "not", "if", "else"}


def basemaps() -> list[str] | None:
    """Names a scenario's ``map.basemap`` may give (``game.geo.basemap_names``), or None if the
    map folder is missing."""
    from game import geo

    return geo.basemap_names(resources.map_dir())


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def bad_date(text: str) -> str:
    """The message for a date that does not parse: the form, or why the day does not exist.

    >>> bad_date("2031-06-31")
    "'2031-06-31' is not a real date (day is out of range for month)"
    >>> bad_date("7 July 2031")
    "'7 July 2031' is not a date; write YYYY-MM-DD"
    """
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            dt.date(*(int(x) for x in text.split("-")))
        except ValueError as exc:
            return f"'{text}' is not a real date ({exc})"
    return f"'{text}' is not a date; write YYYY-MM-DD"


class Checker:
    """Collects diagnostics; ``path`` tuples are model paths, located by the caller."""

    def __init__(self, scn: Scenario, line_of=None):
        self.scn = scn
        self.line_of = line_of or (lambda path: 0)
        self.errors: list[tuple[tuple, str, str]] = []
        self.suggestions_left = MAX_SUGGESTIONS

    def err(self, path: tuple, message: str, severity: str = "error") -> None:
        self.errors.append((path, message, severity))

    def ref(self, path: tuple, value: str, known, what: str) -> None:
        if value and value not in known:
            foreign = foreign_character(value)
            if foreign:
                self.err(path, f"unknown {what} '{value}': {foreign}")
                return
            hint = ""
            if self.suggestions_left > 0:
                self.suggestions_left -= 1
                hint = did_you_mean(value, known)
            names = sorted(known) if len(known) <= 15 else []
            if not hint and names:
                hint = f" (known {what}s: {', '.join(names)})"
            self.err(path, f"unknown {what} '{value}'{hint}")

    def unique(self, section: tuple, items, what: str, pattern=ID_RE) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.id
            if not pattern.match(ident):
                foreign = foreign_character(ident)
                rule = "must be lower-case letters, digits and underscores, starting with a letter"
                message = f"{what} id '{ident}': {foreign}" if foreign else f"{what} id '{ident}' {rule}"
                self.err((*section, i, "id"), message)
            elif ident in RESERVED:
                self.err((*section, i, "id"), f"'{ident}' is a reserved word; choose another {what} id")
            if ident in seen:
                first = self.line_of((*section, seen[ident]))
                where = f"first at line {first}" if first else f"first is item {seen[ident] + 1}"
                self.err((*section, i, "id"), f"duplicate {what} id '{ident}' ({where})")
            else:
                seen[ident] = i
        return seen

    def one_of(self, path: tuple, value: str, allowed, what: str) -> None:
        if value not in allowed:
            foreign = foreign_character(value)
            if foreign:
                self.err(path, f"{what} '{value}': {foreign}")
                return
            self.err(path, f"{what} must be one of {', '.join(allowed)}; found '{value}'{did_you_mean(value, allowed)}")

    def in_range(self, path: tuple, value: float, lo: float, hi: float, what: str) -> None:
        if not lo <= value <= hi:
            self.err(path, f"{what} {value:g} is outside [{lo:g}, {hi:g}]")


def check(scn: Scenario, line_of=None) -> list[tuple[tuple, str, str]]:
    c = Checker(scn, line_of)
    if scn.format != "redline/1":
        c.err(("format",), f"unsupported format '{scn.format}'; this version of Redline reads 'redline/1'")

    meta = scn.meta
    sources = c.unique(("meta", "sources"), meta.sources, "source")
    claims = c.unique(("meta", "claims"), meta.claims, "claim")
    c.unique(("meta", "perspectives"), meta.perspectives, "perspective")
    for i, claim in enumerate(meta.claims):
        c.one_of(("meta", "claims", i, "status"), claim.status, CLAIM_STATUSES, "status")
        for j, s in enumerate(claim.sources):
            c.ref(("meta", "claims", i, "sources", j), s, sources, "source")
    for i, persp in enumerate(meta.perspectives):
        for j, s in enumerate(persp.sources):
            c.ref(("meta", "perspectives", i, "sources", j), s, sources, "source")
    c.unique(("meta", "documents"), meta.documents, "document")
    for i, doc in enumerate(meta.documents):
        c.one_of(("meta", "documents", i, "kind"), doc.kind, DOCUMENT_KINDS, "kind")
        c.ref(("meta", "documents", i, "source"), doc.source, sources, "source")
        if doc.date and parse_date(doc.date) is None:
            c.err(("meta", "documents", i, "date"), bad_date(doc.date))
        for j, point in enumerate(doc.points):
            for n, cl in enumerate(point.claims):
                c.ref(("meta", "documents", i, "points", j, "claims", n), cl, claims, "claim")

    cal = scn.calendar
    if parse_date(cal.start) is None:
        c.err(("calendar", "start"), bad_date(cal.start))
    if not 1 <= cal.turn_days <= 366:
        c.err(("calendar", "turn_days"), f"turn_days must be between 1 and 366, found {cal.turn_days}")
    if not 1 <= cal.turns <= MAX_TURNS:
        c.err(("calendar", "turns"), f"turns must be between 1 and {MAX_TURNS}, found {cal.turns}")
    first = parse_date(cal.start)
    if first is not None and 1 <= cal.turn_days <= 366 and 1 <= cal.turns <= MAX_TURNS:
        days = cal.turns * cal.turn_days
        if (dt.date.max - first).days < days:
            c.err(
                ("calendar", "start"),
                f"{cal.turns} turns of {cal.turn_days} days from {cal.start} run past {dt.date.max.isoformat()}, "
                f"the last day of the calendar; start on {(dt.date.max - dt.timedelta(days=days)).isoformat()} "
                "or earlier",
            )

    actors = c.unique(("actors",), scn.actors, "actor")
    if not scn.actors:
        c.err(("actors",), "a scenario needs at least one actor")
    policies = c.unique(("policies",), scn.policies, "policy")
    policy_names = list(policies) + list(POLICY_PRESETS)
    for i, actor in enumerate(scn.actors):
        c.ref(("actors", i, "policy"), actor.policy, policy_names, "policy")
        if actor.color and not re.match(r"^#[0-9a-fA-F]{6}$", actor.color):
            c.err(("actors", i, "color"), f"colour '{actor.color}' must look like #1f77b4")
    action_ids = {a.id for a in scn.actions}
    for i, pol in enumerate(scn.policies):
        if pol.base:
            c.one_of(("policies", i, "base"), pol.base, POLICY_PRESETS, "base")
        for j, x in enumerate(pol.base_excludes):
            if x not in action_ids and x not in CATEGORIES:
                c.err(
                    ("policies", i, "base_excludes", j),
                    f"'{x}' is neither an action nor a category{did_you_mean(x, [*action_ids, *CATEGORIES])}",
                )
        if pol.id in POLICY_PRESETS:
            c.err(("policies", i, "id"), f"'{pol.id}' is a preset name; choose another policy id")

    known_maps = basemaps()
    if scn.map.basemap != "none" and known_maps is not None and scn.map.basemap not in known_maps:
        c.err(
            ("map", "basemap"),
            f"unknown basemap '{scn.map.basemap}' (known: none, {', '.join(known_maps)})"
            f"{did_you_mean(scn.map.basemap, known_maps)}",
        )
    regions = c.unique(("map", "regions"), scn.map.regions, "region")
    sites = c.unique(("map", "sites"), scn.map.sites, "site")
    for i, region in enumerate(scn.map.regions):
        c.ref(("map", "regions", i, "controller"), region.controller, actors, "actor")
        for j, (lon, lat) in enumerate(region.outline):
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                c.err(("map", "regions", i, "outline", j), f"point [{lon:g}, {lat:g}] is not a [lon, lat] on Earth")
    c.errors.extend(region_refs.check(scn))
    for i, site in enumerate(scn.map.sites):
        c.ref(("map", "sites", i, "region"), site.region, regions, "region")
        c.one_of(("map", "sites", i, "kind"), site.kind, SITE_KINDS, "kind")
        c.in_range(("map", "sites", i, "lon"), site.lon, -180, 180, "longitude")
        c.in_range(("map", "sites", i, "lat"), site.lat, -90, 90, "latitude")
        c.ref(("map", "sites", i, "source"), site.source, sources, "source")
        if site.value < 0:
            c.err(("map", "sites", i, "value"), "value must not be negative")
    tags = {t for r in scn.map.regions for t in r.tags} | {t for s in scn.map.sites for t in s.tags}

    vars_ = c.unique(("variables",), scn.variables, "variable", VAR_RE)
    for i, v in enumerate(scn.variables):
        if "." in v.id:
            owner = v.id.split(".")[0]
            c.ref(("variables", i, "id"), owner, actors, "actor")
        lo, hi = v.range
        if lo > hi:
            c.err(("variables", i, "range"), f"range [{lo:g}, {hi:g}] is empty")
        else:
            c.in_range(("variables", i, "initial"), v.initial, lo, hi, "initial value")
        if v.id in actors or v.id in RESERVED:
            c.err(("variables", i, "id"), f"'{v.id}' is already the name of an actor or a reserved word")
        elif "." in v.id and v.id.split(".", 1)[1] in ("rung", "last_rung", "escalation"):
            c.err(("variables", i, "id"), f"'{v.id}' is a name the engine keeps for itself; choose another")
    del vars_
    c.unique(("params",), scn.params, "param")
    for i, param in enumerate(scn.params):
        lo, hi = param.range
        if lo > hi:
            c.err(("params", i, "range"), f"range [{lo:g}, {hi:g}] is empty")
        else:
            c.in_range(("params", i, "value"), param.value, lo, hi, "value")
        c.ref(("params", i, "claim"), param.claim, claims, "claim")
        c.ref(("params", i, "source"), param.source, sources, "source")

    weapons = c.unique(("weapons",), scn.weapons, "weapon")
    for i, weapon in enumerate(scn.weapons):
        c.ref(("weapons", i, "owner"), weapon.owner, actors, "actor")
        c.ref(("weapons", i, "supplier"), weapon.supplier, actors, "actor")
        c.ref(("weapons", i, "authorized_by"), weapon.authorized_by, actors, "actor")
        c.ref(("weapons", i, "source"), weapon.source, sources, "source")
        for j, r in enumerate(weapon.launch_from):
            c.ref(("weapons", i, "launch_from", j), r, regions, "region")
        if weapon.range_km <= 0 or weapon.range_km > 25000:
            c.err(("weapons", i, "range_km"), f"range_km must be in (0, 25000], found {weapon.range_km:g}")
        if weapon.stock < 0 or weapon.production < 0 or weapon.per_use <= 0:
            c.err(("weapons", i), "stock and production must not be negative, per_use must be positive")

    rungs = c.unique(("ladder", "rungs"), scn.ladder.rungs, "rung")
    if not scn.ladder.rungs:
        c.err(("ladder", "rungs"), "the ladder needs at least one rung")
    for i, rung in enumerate(scn.ladder.rungs):
        if rung.kahn is not None and not 1 <= rung.kahn <= 44:
            c.err(("ladder", "rungs", i, "kahn"), f"Kahn's ladder has rungs 1 to 44, found {rung.kahn}")
    thresholds = c.unique(("ladder", "thresholds"), scn.ladder.thresholds, "threshold")
    for i, threshold in enumerate(scn.ladder.thresholds):
        c.ref(("ladder", "thresholds", i, "below"), threshold.below, rungs, "rung")
    del thresholds

    actions = c.unique(("actions",), scn.actions, "action")
    for i, act in enumerate(scn.actions):
        path = ("actions", i)
        for j, who in enumerate(act.actor):
            c.ref((*path, "actor", j), who, actors, "actor")
        if not act.actor:
            c.err((*path, "actor"), "name the actor (or actors) who may take it")
        c.one_of((*path, "category"), act.category, CATEGORIES, "category")
        c.ref((*path, "rung"), act.rung, rungs, "rung")
        for j, w in enumerate(act.weapon):
            c.ref((*path, "weapon", j), w, weapons, "weapon")
            if w in weapons:
                owner = scn.weapons[weapons[w]].owner
                if owner not in act.actor:
                    c.err((*path, "weapon", j), f"weapon '{w}' belongs to '{owner}', who cannot take this action")
        if act.target is not None:
            if not (act.target.sites or act.target.tags):
                c.err((*path, "target"), "a target names sites: or tags:")
            for j, s in enumerate(act.target.sites):
                c.ref((*path, "target", "sites", j), s, sites, "site")
            for j, t in enumerate(act.target.tags):
                if t not in tags:
                    c.err((*path, "target", "tags", j), f"no region or site has the tag '{t}'{did_you_mean(t, tags)}")
            for j, k in enumerate(act.target.kinds):
                c.one_of((*path, "target", "kinds", j), k, SITE_KINDS, "kind")
        for token in re.findall(r"\{([^{}]*)\}", act.text):
            if token not in ("actor", "target", "weapon", "distance_km"):
                c.err(
                    (*path, "text"),
                    f"unknown placeholder '{{{token}}}' (use {{actor}}, {{target}}, {{weapon}} or {{distance_km}})",
                )
        if act.weapon and act.target is None:
            c.err((*path, "target"), "an action with a weapon needs a target")

    signals = c.unique(("signals",), scn.signals, "signal")
    del signals
    for i, sig in enumerate(scn.signals):
        for j, who in enumerate(sig.actor):
            c.ref(("signals", i, "actor", j), who, actors, "actor")
        c.one_of(("signals", i, "kind"), sig.kind, SIGNAL_KINDS, "kind")
        c.ref(("signals", i, "max_rung"), sig.max_rung, rungs, "rung")
        c.ref(("signals", i, "min_rung"), sig.min_rung, rungs, "rung")

    c.unique(("fog",), scn.fog, "fog")
    for i, fg in enumerate(scn.fog):
        c.ref(("fog", i, "action"), fg.action, actions, "action")
        c.ref(("fog", i, "becomes"), fg.becomes, actions, "action")
        c.one_of(("fog", i, "kind"), fg.kind, FOG_KINDS, "kind")
        if fg.action in actions and fg.becomes in actions and fg.kind == "overreach":
            a, b = scn.actions[actions[fg.action]], scn.actions[actions[fg.becomes]]
            if not set(a.actor) <= set(b.actor):
                c.err(("fog", i, "becomes"), f"'{fg.becomes}' cannot be taken by every actor of '{fg.action}'")

    c.unique(("red_lines",), scn.red_lines, "red line")
    for i, rl in enumerate(scn.red_lines):
        c.ref(("red_lines", i, "owner"), rl.owner, actors, "actor")
        c.ref(("red_lines", i, "claim"), rl.claim, claims, "claim")
        if not rl.responses:
            c.err(("red_lines", i, "responses"), "list at least one response (its p may be 0)")
        ids = set()
        for j, resp in enumerate(rl.responses):
            rp = ("red_lines", i, "responses", j)
            c.ref((*rp, "action"), resp.action, actions, "action")
            c.ref((*rp, "target"), resp.target, sites, "site")
            c.ref((*rp, "weapon"), resp.weapon, weapons, "weapon")
            if resp.action in actions and rl.owner in actors:
                act = scn.actions[actions[resp.action]]
                if rl.owner not in act.actor:
                    c.err(
                        (*rp, "action"), f"'{rl.owner}' cannot take '{resp.action}' (its actor: {', '.join(act.actor)})"
                    )
            rid = resp.id or resp.action or "none"
            if rid in ids:
                c.err((*rp, "id"), f"two responses are called '{rid}'; give one an id:")
            ids.add(rid)

    implicit_waits = set(scn.implicit_waits())
    signal_ids = dict.fromkeys(s.id for s in scn.signals)
    for i, pol in enumerate(scn.policies):
        for j, rule in enumerate(pol.rules):
            rp = ("policies", i, "rules", j)
            chosen = [x for x in (rule.action, rule.category, rule.signal) if x]
            if len(chosen) != 1:
                c.err(rp, "a rule names exactly one of action:, category: or signal:")
            if rule.action in implicit_waits:
                c.err(
                    (*rp, "action"),
                    f"'{rule.action}' is the Hold and watch the game adds, which a rule cannot name: "
                    "weigh 'category: status_quo' instead, or write your own status-quo action",
                )
                continue
            c.ref((*rp, "action"), rule.action, actions, "action")
            c.ref((*rp, "signal"), rule.signal, signal_ids, "signal")
            if rule.category:
                c.one_of((*rp, "category"), rule.category, CATEGORIES, "category")

    start = parse_date(cal.start)
    c.unique(("events",), scn.events, "event")
    for i, e in enumerate(scn.events):
        if e.date:
            d = parse_date(e.date)
            if d is None:
                c.err(("events", i, "date"), bad_date(e.date))
            elif start is not None:
                turn = (d - start).days // max(cal.turn_days, 1) + 1
                if not 1 <= turn <= cal.turns:
                    last = start + dt.timedelta(days=cal.turns * max(cal.turn_days, 1) - 1)
                    when = "before the game starts" if turn < 1 else "after the game ends"
                    c.err(
                        ("events", i, "date"),
                        f"{e.date} falls {when} (the game runs from {start.isoformat()} "
                        f"to {last.isoformat()}, turns 1 to {cal.turns})",
                    )
        if e.turn is not None and not 1 <= e.turn <= cal.turns:
            c.err(("events", i, "turn"), f"turn {e.turn} is outside 1..{cal.turns}")

    outcomes = c.unique(("outcomes",), scn.outcomes, "outcome")
    del outcomes
    if not any(o.at_end for o in scn.outcomes):
        c.err(("outcomes",), "one outcome needs 'at_end: true': the result when the turn limit is reached")
    if sum(o.at_end for o in scn.outcomes) > 1:
        both = ", ".join(o.id for o in scn.outcomes if o.at_end)
        c.err(("outcomes",), f"only one outcome may have 'at_end: true' (these have it: {both})")

    c.unique(("objectives",), scn.objectives, "objective")
    for i, o in enumerate(scn.objectives):
        c.ref(("objectives", i, "actor"), o.actor, actors, "actor")
    for i, hist in enumerate(scn.history):
        if not 1 <= hist.turn <= cal.turns:
            c.err(("history", i, "turn"), f"turn {hist.turn} is outside 1..{cal.turns}")
        for who, taken in hist.actions.items():
            c.ref(("history", i, "actions", who), who, actors, "actor")
            c.ref(("history", i, "actions", who), taken, actions, "action")
        for j, cl in enumerate(hist.claims):
            c.ref(("history", i, "claims", j), cl, claims, "claim")
    for i, hint in enumerate(scn.hints):
        if not 1 <= hint.turn <= cal.turns:
            c.err(("hints", i, "turn"), f"turn {hint.turn} is outside 1..{cal.turns}")
        c.one_of(("hints", i, "on"), hint.on, HINT_MOMENTS, "moment")
    for key in scn.scoring.weights:
        c.one_of(("scoring", "weights", key), key, CATEGORIES, "category")
    if not 0 <= scn.scoring.max_cascade <= 10:
        c.err(("scoring", "max_cascade"), "max_cascade must be between 0 and 10")
    return c.errors
