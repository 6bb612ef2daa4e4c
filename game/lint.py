"""``lint``: warnings about a valid scenario that are worth a look, not errors.

Text checks read the compiled rules: unused variables, weapons and sites; actions that
can never be taken; claims without sources and sources never cited; a real-world
scenario with fewer than three perspectives; outcomes without debrief text; params
without a claim; probabilities that can leave [0, 1] somewhere in the params' ranges.
Balance checks (``--games N``) run the scenario and live in ``game.runners.balance``.
"""

from __future__ import annotations

import numpy as np

from game import geo, regions
from game.diagnostics import Diagnostic
from game.engine.batch import Ctx
from game.engine.layout import LOOKUP_FUNCTIONS
from game.engine.rules import _Names
from game.expr import Ref, compile_expr
from game.model import RIVERA_WEIGHTS, Scenario
from game.runners.load import Loaded


class _ParamsAsColumns(_Names):
    """Names where ``params.X`` is a column with the param's range, for interval bounds."""

    def __init__(self, layout, params, ranges_out: dict):
        super().__init__(layout, {p.id: p.value for p in params})
        self.base = len(layout)
        self.index_of = {p.id: self.base + i for i, p in enumerate(params)}
        for p in params:
            ranges_out[self.index_of[p.id]] = tuple(p.range)

    def lookup(self, name: str):
        if name.startswith("params."):
            key = name[len("params.") :]
            return Ref("column", index=self.index_of[key]) if key in self.index_of else None
        return super().lookup(name)


def _all_exprs(rules):
    """(model path, compiled expression) for every expression of the scenario."""
    for a in rules.actions:
        yield ("actions", a.index, "when"), a.when
        for j, e in enumerate(a.effects):
            yield ("actions", a.index, "effects", j), e.expr
    for r in rules.red_lines:
        yield ("red_lines", r.index, "when"), r.when
        for j, resp in enumerate(r.responses):
            yield ("red_lines", r.index, "responses", j, "p"), resp.p
    for i, sig in enumerate(rules.signals):
        yield ("signals", i, "when"), sig.when
        for j, e in enumerate(sig.effects):
            yield ("signals", i, "effects", j), e.expr
    for i, fog in enumerate(rules.fog):
        yield ("fog", i, "p"), fog.p
    for i, ev in enumerate(rules.events):
        yield ("events", i, "p"), ev.p
        yield ("events", i, "when"), ev.when
        for j, e in enumerate(ev.effects):
            yield ("events", i, "effects", j), e.expr
    for i, out in enumerate(rules.outcomes):
        yield ("outcomes", i, "when"), out.when
    for i, obj in enumerate(rules.objectives):
        yield ("objectives", i, "score"), obj.score
    for terms in rules.policy_terms.values():
        for rule in terms:
            yield ("policies",), rule.term.when
            yield ("policies",), rule.term.weight


SHORT_BRIEFING_WORDS = 600
"""A short briefing's length in words: five minutes' reading at about 120 words a minute."""

# fields whose values are prose, where an inline " #" cuts the text rather than annotates it
PROSE_KEYS = frozenset(
    {
        "name",
        "title",
        "text",
        "description",
        "says",
        "note",
        "notes",
        "summary",
        "statement",
        "requires",
        "briefing",
        "briefing_short",
        "goals",
        "red_lines",
        "knows",
        "does_not_know",
        "options_note",
        "others",
        "quote",
        "publisher",
        "holder",
        "debrief",
        "headline",
    }
)


def comment_cuts(source: str, file: str) -> list[Diagnostic]:
    """Prose cut short by a YAML comment: in ``says: Troops mass #2 in the north`` the
    value is ``Troops mass``, silently. Valid YAML, so the loader cannot refuse it.

    >>> [d.message for d in comment_cuts("name: Big #1 dam\\nwhen: x > 1  # fine\\n", "f.yaml")]
    ["the text of 'name' stops at 'Big': ' #' starts a YAML comment; put the whole text in quotes to keep '#1 dam'"]
    """
    import yaml

    out: list[Diagnostic] = []
    lines = source.splitlines()
    key, expect_key = None, False
    try:
        # libyaml's scanner when PyYAML has it: the pure one took 10 s on a 1.2 MB scenario
        for tok in yaml.scan(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(tok, yaml.KeyToken):
                expect_key = True
                continue
            if not isinstance(tok, yaml.ScalarToken):
                continue
            if expect_key:
                key, expect_key = tok.value, False
                continue
            if not tok.plain or key not in PROSE_KEYS:
                continue
            end = tok.end_mark
            rest = lines[end.line][end.column :] if end.line < len(lines) else ""
            if rest[:1] in (" ", "\t") and rest.lstrip().startswith("#"):
                col = end.column + len(rest) - len(rest.lstrip())
                cut = rest.lstrip().rstrip()
                out.append(
                    Diagnostic(
                        file,
                        end.line + 1,
                        col + 1,
                        key,
                        f"the text of '{key}' stops at '{tok.value.split()[-1]}': ' #' starts a YAML "
                        f"comment; put the whole text in quotes to keep '{cut}'",
                        "warning",
                    )
                )
    except yaml.YAMLError:
        return out  # the loader reports broken YAML
    return out


def lint(loaded: Loaded) -> list[Diagnostic]:
    """Every text warning, each at its place in the file."""
    rules, scn, locate = loaded.rules, loaded.scenario, loaded.locate
    out: list[Diagnostic] = []

    def warn(path: tuple, message: str) -> None:
        file, line, col, dotted = locate(path)
        out.append(Diagnostic(file, line, col, dotted, message, "warning"))

    lay = rules.layout
    reads = set()
    for _path, e in _all_exprs(rules):
        reads |= e.reads
    writes = {e.target for a in rules.actions for e in a.effects}
    writes |= {e.target for s in rules.signals for e in s.effects} | {
        e.target for ev in rules.events for e in ev.effects
    }
    for i, v in enumerate(scn.variables):
        col = lay[v.id]
        if col not in reads and col not in writes:
            warn(("variables", i), f"variable '{v.id}' is never used")
        elif col not in reads and not v.show:
            warn(("variables", i), f"variable '{v.id}' is changed but never read, and not shown")
    used_weapons = {w for a in scn.actions for w in a.weapon}
    stocked = {e.target for a in rules.actions for e in a.effects}
    stocked |= {e.target for ev in rules.events for e in ev.effects}
    for i, w in enumerate(scn.weapons):
        if w.id not in used_weapons:
            warn(("weapons", i), f"weapon '{w.id}' is not used by any action")
        elif w.stock <= 0 and w.production <= 0 and lay[f"{w.id}.stock"] not in stocked:
            warn(
                ("weapons", i),
                f"weapon '{w.id}' has no stock, no production and nothing adds any: it can never be fired",
            )
    targeted = {x.site for x in rules.instances if x.site >= 0}
    for i, s in enumerate(scn.map.sites):
        if i not in targeted:
            warn(("map", "sites", i), f"site '{s.id}' is never a target (it is only shown on the map)")

    ranges = {lay[c.name]: (c.lo, c.hi) for c in lay.columns if c.lo > float("-inf") or c.hi < float("inf")}
    names = _ParamsAsColumns(lay, scn.params, ranges)
    for a in rules.actions:
        if a.index >= len(scn.actions):
            continue
        if not any(rules.instances[int(i)].static_ok for i in a.instances):
            reasons = sorted({rules.instances[int(i)].reason for i in a.instances})
            warn(("actions", a.index), f"action '{a.spec.id}' can never be taken: {'; '.join(reasons)}")
            continue
        if a.when.const is None:
            hi = _bounds(a.spec.when, names, ranges)[1]
            if hi <= 0:
                warn(
                    ("actions", a.index, "when"),
                    f"the precondition of '{a.spec.id}' can never hold within the variables' ranges",
                )
        elif a.when.const == 0:
            warn(("actions", a.index, "when"), f"the precondition of '{a.spec.id}' is always false")

    sampler = _Sampler(lay, names, ranges)
    for i, r in enumerate(scn.red_lines):
        values = [sampler.values(resp.p) for resp in r.responses]
        for j, v in enumerate(values):
            if v is None:
                continue
            if v.max() > 1 + 1e-9:
                warn(
                    ("red_lines", i, "responses", j, "p"),
                    f"this probability can reach {v.max():.3g} within the "
                    "params' and variables' ranges (it is then clipped to 1)",
                )
            if v.min() < -1e-9:
                warn(
                    ("red_lines", i, "responses", j, "p"),
                    f"this probability can fall to {v.min():.3g} within the ranges (it is then clipped to 0)",
                )
        if len(values) > 1 and all(v is not None for v in values):
            total = sum(np.clip(v, 0, 1) for v in values)
            if total.max() > 1 + 1e-9:
                warn(
                    ("red_lines", i, "responses"),
                    f"the responses can add up to {total.max():.3g} within the ranges (they are then scaled down to 1)",
                )
    for i, f in enumerate(scn.fog):
        v = sampler.values(f.p)
        if v is not None and v.max() > 1 + 1e-9:
            warn(("fog", i, "p"), f"this probability can reach {v.max():.3g} within the params' ranges")

    cited = set()
    for i, c in enumerate(scn.meta.claims):
        cited |= set(c.sources)
        if not c.sources:
            warn(("meta", "claims", i), f"claim '{c.id}' has no sources")
    for p in scn.meta.perspectives:
        cited |= set(p.sources)
    cited |= {p.source for p in scn.params} | {w.source for w in scn.weapons} | {s.source for s in scn.map.sites}
    for i, src in enumerate(scn.meta.sources):
        if src.id not in cited:
            warn(("meta", "sources", i), f"source '{src.id}' is never cited")
    if not scn.meta.fictional:
        if len(scn.meta.perspectives) < 3:
            warn(
                ("meta", "perspectives"),
                f"a real-world scenario should give at least three perspectives (it has {len(scn.meta.perspectives)})",
            )
        for i, param in enumerate(scn.params):
            if not param.claim and not param.source:
                warn(("params", i), f"param '{param.id}' names no claim or source it stands for")
    for i, o in enumerate(scn.outcomes):
        if not o.text.strip():
            warn(("outcomes", i), f"outcome '{o.id}' has no debrief text")
    words = len(scn.meta.briefing_short.split())
    if words > SHORT_BRIEFING_WORDS:
        warn(
            ("meta", "briefing_short"),
            f"{words} words; a short briefing reads in five minutes at about {SHORT_BRIEFING_WORDS}",
        )
    _accepted_in_silence(scn, warn)
    _map_slips(scn, warn)
    for path, message in regions.lint(scn):
        warn(path, message)
    return out


def _map_slips(scn: Scenario, warn) -> None:
    """Map slips the loader accepts: a ``within`` clip that leaves nothing of a region (an
    outline in [lat, lon] order, a wrong country), and a site outside the drawn outline of the
    region it names (``regions.lint`` checks the regions by reference)."""
    by_id = {r.id: r for r in scn.map.regions}
    for i, region in enumerate(scn.map.regions):
        if not region.within or not region.outline:
            continue
        own = regions.shape(region)
        if own.rings and own.clip is not None and own.clip.rings and not len(regions._own_edge(own)):
            warn(
                ("map", "regions", i, "within"),
                f"region '{region.id}' is empty: its outline and within [{', '.join(region.within)}] do not "
                "overlap (are its points [lon, lat], longitude first?)",
            )
    for i, site in enumerate(scn.map.sites):
        named = by_id.get(site.region)
        if named is None or named.countries or named.admin1 or not named.outline:
            continue
        own = regions.shape(named)
        if bool(own.contains(site.lon, site.lat)):
            continue
        edge = regions._own_edge(own)
        if not len(edge):
            continue
        d = float(geo.min_distance_km([[site.lon, site.lat]], edge))
        if d > regions.SITE_SLACK_KM:
            warn(("map", "sites", i, "region"), f"site '{site.id}' is {d:.0f} km outside region '{named.id}'")


def _accepted_in_silence(scn: Scenario, warn) -> None:
    """Slips the loader accepts because each part is valid alone, though together they say
    something the author cannot have meant."""
    actions = {a.id: a for a in scn.actions}
    owners = {w.id: w.owner for w in scn.weapons}
    for i, hist in enumerate(scn.history):
        for who, taken in hist.actions.items():
            act = actions.get(taken)
            if act is not None and who not in act.actor:
                warn(
                    ("history", i, "actions", who),
                    f"history gives '{who}' the action '{taken}', which only {', '.join(act.actor)} can take: "
                    f"the debrief can never show '{who}' matching history here",
                )
    for i, rl in enumerate(scn.red_lines):
        for j, resp in enumerate(rl.responses):
            owner = owners.get(resp.weapon)
            if owner is not None and owner != rl.owner:
                warn(
                    ("red_lines", i, "responses", j, "weapon"),
                    f"the response fires '{resp.weapon}', which belongs to '{owner}', not to '{rl.owner}' whose red "
                    f"line this is: '{rl.owner}' can never fire it",
                )
    for i, ev in enumerate(scn.events):
        scheduled = "date:" if ev.date else "turn:" if ev.turn is not None else ""
        if scheduled and str(ev.p).strip() not in ("0", "0.0"):
            warn(
                ("events", i, "p"),
                f"event '{ev.id}' has both {scheduled} and p:; a scheduled event happens on its turn whenever its "
                "when: holds, and p: is never used: remove one of them",
            )
        if ev.date and ev.turn is not None:
            warn(
                ("events", i, "turn"),
                f"event '{ev.id}' has both date: and turn:; the date is used and turn: is ignored: remove one of them",
            )
    for i, act in enumerate(scn.actions):
        if "{distance_km}" in act.text and act.target is None:
            warn(
                ("actions", i, "text"),
                f"'{{distance_km}}' in the text of '{act.id}', which has no target: the news would say '0 km'; "
                "give the action a target or take the placeholder out",
            )
    for i, w in enumerate(scn.weapons):
        if 0 < w.stock < w.per_use:
            when = "until production brings the stock up to it" if w.production > 0 else "unless something adds to it"
            warn(
                ("weapons", i, "per_use"),
                f"per_use {w.per_use:g} is larger than the stock {w.stock:g}: '{w.id}' cannot be fired {when}",
            )
    written = scn.scoring.weights
    if written and set(written) < set(RIVERA_WEIGHTS):
        kept = ", ".join(f"{k} {v:g}" for k, v in RIVERA_WEIGHTS.items() if k not in written)
        warn(
            ("scoring", "weights"),
            f"scoring.weights gives {len(written)} of the {len(RIVERA_WEIGHTS)} categories; the others keep "
            f"Rivera et al.'s weights ({kept}): write all {len(RIVERA_WEIGHTS)} so the score is on one scale",
        )


class _Sampler:
    """Evaluates an expression at the corners of the params' ranges and at sampled values of
    the variables: a value it reports is one the game can really reach (no false alarms)."""

    def __init__(self, layout, names, ranges, samples: int = 256):
        self.names = names
        n_cols = names.base + len(names.index_of)
        rng = np.random.default_rng(0)
        params = list(names.index_of.values())
        k = min(len(params), 8)
        corners = np.array(np.meshgrid(*[[0.0, 1.0]] * k)).reshape(k, -1) if k else np.zeros((0, 1))
        n = corners.shape[1] * samples
        X = np.zeros((n_cols, n))
        for c in range(n_cols):
            lo, hi = ranges.get(c, (0.0, 1.0))
            lo, hi = max(lo, -1e6), min(hi, 1e6)
            u = rng.random(n)
            u[: n // 8] = 0.0
            u[n // 8 : n // 4] = 1.0
            X[c] = lo + (hi - lo) * u
        for j, c in enumerate(params[:k]):
            lo, hi = ranges[c]
            X[c] = np.repeat(lo + (hi - lo) * corners[j], samples)
        self.n = n
        self.ctx = Ctx(X)

    def values(self, text: str):
        try:
            e = compile_expr(str(text), self.names, tuple(LOOKUP_FUNCTIONS))
        except Exception:  # noqa: BLE001 - it compiled in the loader; here it only means "unknown"
            return None
        return np.broadcast_to(np.asarray(e(self.ctx), dtype=float), (self.n,))


def _bounds(text: str, names, ranges) -> tuple[float, float]:
    try:
        e = compile_expr(str(text), names, tuple(LOOKUP_FUNCTIONS))
    except Exception:  # noqa: BLE001 - it compiled in the loader; a failure here means "unknown"
        return (float("-inf"), float("inf"))
    return e.bounds(ranges)
