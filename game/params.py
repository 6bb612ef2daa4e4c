"""Every tunable number of a scenario, by a stable dotted path, and ``--set`` overrides.

A path names things by id, never by position, so it survives edits of the file:
``params.enforce_p``, ``red_lines.western_missiles.responses.irbm.p``,
``weapons.atacms.range_km``, ``variables.tension.initial``, ``fog.strike_misread.p``.
"""

from __future__ import annotations

import attrs

from game.diagnostics import Diagnostic, ScenarioError, did_you_mean
from game.model import Scenario


@attrs.frozen
class Tunable:
    path: str
    value: float
    lo: float
    hi: float
    says: str


def _num(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def tunables(scn: Scenario) -> list[Tunable]:
    """The scenario's params first, then every constant an instructor might vary."""
    out = [Tunable(f"params.{p.id}", p.value, p.range[0], p.range[1], p.says) for p in scn.params]
    for r in scn.red_lines:
        for resp in r.responses:
            v = _num(resp.p)
            if v is not None:
                rid = resp.id or resp.action or "none"
                out.append(
                    Tunable(
                        f"red_lines.{r.id}.responses.{rid}.p",
                        v,
                        0.0,
                        1.0,
                        f"chance that {r.owner} answers '{r.name}' with {resp.action or 'nothing'}",
                    )
                )
    for f in scn.fog:
        v = _num(f.p)
        if v is not None:
            out.append(Tunable(f"fog.{f.id}.p", v, 0.0, 1.0, f"chance that {f.action} is {f.kind} as {f.becomes}"))
    for e in scn.events:
        v = _num(e.p)
        if v is not None and v > 0:
            out.append(Tunable(f"events.{e.id}.p", v, 0.0, 1.0, f"chance per turn of '{e.name}'"))
    for w in scn.weapons:
        out.append(Tunable(f"weapons.{w.id}.range_km", w.range_km, 1.0, 25000.0, f"range of {w.name}"))
        out.append(Tunable(f"weapons.{w.id}.stock", w.stock, 0.0, 1e6, f"{w.name} rounds at the start"))
        out.append(Tunable(f"weapons.{w.id}.production", w.production, 0.0, 1e6, f"{w.name} rounds added per turn"))
    for var in scn.variables:
        out.append(Tunable(f"variables.{var.id}.initial", var.initial, var.range[0], var.range[1], var.says))
    out.append(Tunable("calendar.turns", scn.calendar.turns, 1, 500, "turn limit"))
    return out


def apply_overrides(scn: Scenario, overrides: dict[str, float], file: str = "--set") -> Scenario:
    """A copy of ``scn`` with the given paths set; unknown paths and values out of range
    are errors naming the path (with a "did you mean")."""
    table = {t.path: t for t in tunables(scn)}
    errors = []
    for path, value in overrides.items():
        key = path if path in table else f"params.{path}" if f"params.{path}" in table else None
        if key is None:
            errors.append(
                Diagnostic(
                    "--set",
                    0,
                    0,
                    path,
                    f"unknown parameter{did_you_mean(path, table)}; 'python main.py params FILE' lists them",
                )
            )
            continue
        t = table[key]
        if not t.lo <= value <= t.hi:
            errors.append(Diagnostic("--set", 0, 0, key, f"{value:g} is outside its range [{t.lo:g}, {t.hi:g}]"))
    if errors:
        raise ScenarioError(errors)
    for path, value in overrides.items():
        key = path if path in table else f"params.{path}"
        scn = _set(scn, key.split("."), value)
    return scn


def _replace_by_id(items, ident, fn):
    return tuple(fn(x) if x.id == ident else x for x in items)


def _set(scn: Scenario, parts: list[str], value: float) -> Scenario:
    head = parts[0]
    if head == "params":
        return attrs.evolve(scn, params=_replace_by_id(scn.params, parts[1], lambda p: attrs.evolve(p, value=value)))
    if head == "weapons":
        return attrs.evolve(
            scn, weapons=_replace_by_id(scn.weapons, parts[1], lambda w: attrs.evolve(w, **{parts[2]: float(value)}))
        )
    if head == "variables":
        vid = ".".join(parts[1:-1])
        return attrs.evolve(scn, variables=_replace_by_id(scn.variables, vid, lambda v: attrs.evolve(v, initial=value)))
    if head == "fog":
        return attrs.evolve(scn, fog=_replace_by_id(scn.fog, parts[1], lambda f: attrs.evolve(f, p=repr(value))))
    if head == "events":
        return attrs.evolve(scn, events=_replace_by_id(scn.events, parts[1], lambda e: attrs.evolve(e, p=repr(value))))
    if head == "calendar":
        return attrs.evolve(scn, calendar=attrs.evolve(scn.calendar, turns=int(value)))
    if head == "red_lines":
        rid = parts[3]

        def fix(r):
            return attrs.evolve(
                r,
                responses=tuple(
                    attrs.evolve(x, p=repr(value)) if (x.id or x.action or "none") == rid else x for x in r.responses
                ),
            )

        return attrs.evolve(scn, red_lines=_replace_by_id(scn.red_lines, parts[1], fix))
    raise AssertionError(parts)
