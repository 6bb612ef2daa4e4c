"""What a seat may know of the scenario, sent once on join so its window can draw the same board
as single play (the map, the ladder, the actors' colours): the geography, the ladder, who takes
part, the seat's own weapons, and the red lines it may know of (its own, and the declared ones).

Never in it: the actions' effects and weights, the doctrines (policies), fog, events, outcomes'
conditions, other seats' weapons and role cards, or a red line another seat did not declare
(until the teacher reveals them, they reach a seat only as "reacts to a line it never declared").
The client rebuilds a ``Scenario`` of these parts alone (``PublicScenario.scenario``): what the
map and ladder views read, and nothing they could leak.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from game.datafile import CONVERTER, DataFileError, structure
from game.model import Actor, Calendar, Ladder, MapSpec, Meta, Scenario, Weapon


@attrs.frozen
class PublicMeta:
    id: str
    title: str
    summary: str = ""
    fictional: bool = False


@attrs.frozen
class PublicActor:
    """An actor as every seat knows it: no doctrine, no role card."""

    id: str
    name: str
    side: str = ""
    nuclear: bool = False
    start_rung: str = ""
    color: str = ""
    description: str = ""


@attrs.frozen
class PublicRedLine:
    id: str
    owner: str
    name: str
    declared: bool
    says: str = ""


@attrs.frozen
class PublicScenario:
    FORMAT: ClassVar[str] = "redline-public-scenario/1"
    format: str
    meta: PublicMeta
    calendar: Calendar
    actors: tuple[PublicActor, ...]
    ladder: Ladder
    map: MapSpec
    weapons: tuple[Weapon, ...] = ()
    red_lines: tuple[PublicRedLine, ...] = ()

    def scenario(self) -> Scenario:
        """A ``Scenario`` of the public parts only (no actions, doctrines, fog or events), for the
        map and ladder views."""
        return Scenario(
            format="redline/1",
            meta=Meta(self.meta.id, self.meta.title, self.meta.summary, fictional=self.meta.fictional),
            calendar=self.calendar,
            actors=tuple(
                Actor(a.id, a.name, side=a.side, nuclear=a.nuclear, start_rung=a.start_rung, color=a.color)
                for a in self.actors
            ),
            ladder=self.ladder,
            actions=(),
            outcomes=(),
            map=self.map,
            weapons=self.weapons,
        )


def public_scenario(scenario: Scenario, seat: str | None) -> dict:
    """What ``seat`` may know of ``scenario`` as JSON data (None: the teacher, who knows every
    red line and weapon)."""
    public = PublicScenario(
        PublicScenario.FORMAT,
        PublicMeta(scenario.meta.id, scenario.meta.title, scenario.meta.summary, scenario.meta.fictional),
        scenario.calendar,
        tuple(
            PublicActor(a.id, a.name, a.side, a.nuclear, a.start_rung, a.color, a.description) for a in scenario.actors
        ),
        scenario.ladder,
        scenario.map,
        tuple(w for w in scenario.weapons if seat is None or seat in (w.owner, w.supplier)),
        tuple(
            PublicRedLine(r.id, r.owner, r.name, r.declared, r.says if r.declared or r.owner == seat else "")
            for r in scenario.red_lines
            if seat is None or r.declared or r.owner == seat
        ),
    )
    data: dict[str, Any] = CONVERTER.unstructure(public)
    return data


def read_public_scenario(data: Any) -> PublicScenario:
    """The server's public scenario; ``DataFileError`` (one line) if it is not one."""
    return structure(data, PublicScenario, "a class game's scenario")


__all__ = ["DataFileError", "PublicScenario", "public_scenario", "read_public_scenario"]
