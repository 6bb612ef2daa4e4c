"""``for_each_actor:``: one action written once, copied for every actor at load.

A symmetric move (talks, a strike on the other side's home) is written once; the loader makes
one action per actor, ``ID_ACTOR``, taken by that actor alone. In its expressions ``self.`` names
the acting actor's variables and ``adversary.`` its adversary's; in its texts ``{adversary}`` is
the adversary's name. ``for_each_actor: true`` copies it for every actor, the adversary being the
one actor on another side; a list names the actors; a mapping names each actor's adversary.
The copies are plain actions: the engine never sees a template. Errors in a copy point at the
template's line.
"""

from __future__ import annotations

import re

import attrs

from game.diagnostics import did_you_mean

SELF_OR_ADVERSARY = re.compile(r"\b(self|adversary)\b(?=\s*\.)")
EXPRESSIONS = ("when",)
PROSE = ("name", "text", "description", "requires")
MAX_ACTIONS = 20_000
"""Most actions the copies may bring the scenario to (a small file must not become a huge one)."""


@attrs.frozen
class Expanded:
    """The actions with every template copied out, where each came from, and what was wrong."""

    actions: list
    sources: tuple[int, ...]  # per action: the index of the item it was written as
    problems: list[tuple[tuple, str]]  # (YAML path, message)


def expand(actions: list, actors: list, weapons: list) -> Expanded:
    """Copy out every ``for_each_actor:`` item of ``actions`` (sections normalized to lists)."""
    info = {a["id"]: a for a in actors if isinstance(a, dict) and isinstance(a.get("id"), str)}
    owner = {w["id"]: w.get("owner") for w in weapons if isinstance(w, dict) and isinstance(w.get("id"), str)}
    out: list = []
    sources: list[int] = []
    problems: list[tuple[tuple, str]] = []
    for j, item in enumerate(actions):
        if not isinstance(item, dict) or "for_each_actor" not in item:
            out.append(item)
            sources.append(j)
            continue
        spec = item["for_each_actor"]
        template = {k: v for k, v in item.items() if k != "for_each_actor"}
        if spec is False:
            out.append(template)
            sources.append(j)
            continue
        if "actor" in item:
            problems.append((("actions", j, "actor"), "write for_each_actor: or actor:, not both"))
            continue
        pairs, problem = _pairs(spec, info)
        if problem:
            problems.append((("actions", j, "for_each_actor"), problem))
            continue
        if len(out) + len(pairs) > MAX_ACTIONS:
            problems.append(
                (("actions", j, "for_each_actor"), f"the copies would make more than {MAX_ACTIONS:,} actions")
            )
            break
        used = _uses_adversary(template)
        listed = template.get("weapon")
        listed = [listed] if isinstance(listed, str) else listed if isinstance(listed, list) else None
        for actor, adversary in pairs:
            if adversary is None and used:
                problems.append((("actions", j, used), _no_adversary(actor, info)))
                break
            copy = _copy(template, actor, adversary, info)
            if listed:
                # each copy fires the weapons its actor owns (an unknown one is left for the checks)
                mine = [w for w in listed if owner.get(w, actor) == actor]
                if not mine:
                    problems.append((("actions", j, "weapon"), f"'{actor}' owns none of these weapons"))
                    break
                copy["weapon"] = mine
            out.append(copy)
            sources.append(j)
    return Expanded(out, tuple(sources), problems)


def _pairs(spec, info: dict) -> tuple[list[tuple[str, str | None]], str]:
    """(actor, adversary or None) for each copy, or a problem."""
    if spec is True:
        return [(a, _only_other_side(a, info)) for a in info], ""
    if isinstance(spec, list) and spec and all(isinstance(a, str) for a in spec):
        for a in spec:
            if a not in info:
                return [], f"unknown actor '{a}'{did_you_mean(a, info)}"
        return [(a, _only_other_side(a, info)) for a in dict.fromkeys(spec)], ""
    if isinstance(spec, dict) and spec and all(isinstance(v, str) for v in spec.values()):
        for a, b in spec.items():
            for name in (a, b):
                if name not in info:
                    return [], f"unknown actor '{name}'{did_you_mean(str(name), info)}"
            if a == b:
                return [], f"'{a}' cannot be its own adversary"
        return list(spec.items()), ""
    return [], (
        "write true (every actor), a list of actor ids, or a mapping from each actor to its adversary "
        "(e.g. {ostrana: lenvia, lenvia: ostrana})"
    )


def _side(actor: str, info: dict) -> str:
    side = info[actor].get("side")
    return side if isinstance(side, str) and side else actor


def _only_other_side(actor: str, info: dict) -> str | None:
    others = [b for b in info if _side(b, info) != _side(actor, info)]
    return others[0] if len(others) == 1 else None


def _no_adversary(actor: str, info: dict) -> str:
    others = [b for b in info if _side(b, info) != _side(actor, info)]
    which = f"{len(others)} actors on other sides ({', '.join(others)})" if others else "no actor on another side"
    return (
        f"'adversary' is not one actor for '{actor}': it has {which}; name each actor's adversary "
        "with for_each_actor: {ACTOR: ADVERSARY, ...}"
    )


def _uses_adversary(template: dict) -> str:
    """The first field of the template that names the adversary, or ''."""
    for key in (*EXPRESSIONS, "effects", *PROSE):
        value = template.get(key)
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and ("{adversary}" in text or re.search(r"\badversary\s*\.", text)):
                return key
    return ""


def _copy(template: dict, actor: str, adversary: str | None, info: dict) -> dict:
    names = {"self": actor, "adversary": adversary or ""}

    def code(text):
        return SELF_OR_ADVERSARY.sub(lambda m: names[m.group(1)], text) if isinstance(text, str) else text

    def prose(text):
        if not isinstance(text, str) or adversary is None:
            return text
        name = info[adversary].get("name")
        return text.replace("{adversary}", name if isinstance(name, str) else adversary)

    copy = dict(template, actor=actor)
    if isinstance(template.get("id"), str):
        copy["id"] = f"{template['id']}_{actor}"
    for key in EXPRESSIONS:
        if key in copy:
            copy[key] = code(copy[key])
    if isinstance(copy.get("effects"), list):
        copy["effects"] = [code(e) for e in copy["effects"]]
    elif isinstance(copy.get("effects"), str):
        copy["effects"] = code(copy["effects"])
    for key in PROSE:
        if key in copy:
            copy[key] = prose(copy[key])
    return copy
