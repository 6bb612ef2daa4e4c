#!/usr/bin/env python3
"""Write the expensive-but-valid scenario corpus (issue 17) into a folder.

    python tools/make_hostile.py OUT_DIR [--only NAME,NAME]

Each file is the tutorial scenario grown along one axis until some step after parsing
used to cost minutes or gigabytes; every file is inside the loader's size limits. The
files are generated, not committed, because several are megabytes. ``bench/bench_hostile.py``
runs every command over them; ``tests/test_hostile_scenarios.py`` loads the ones that must
stay fast.

The corpus:

* ``many_rules``: 1,500 policy rules weighing one action (rejected at the policy, past the
  rules-per-option limit: an option's weight is a sum as deep as its rules);
* ``many_red_lines``: 1,200 red lines;
* ``many_events``: 15,000 events over 500 turns;
* ``bad_refs``: 4,000 misspelt references (rejected, each at its line);
* ``big_fog``: 400 fog entries over two actions of 1,500 instances each;
* ``weapons_x_sites``: 300 weapons x 3,000 sites = 900,000 target instances (rejected at the
  action, past the instance limit).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from game.loader.yaml_source import read_yaml_bytes  # noqa: E402  (run as a script from anywhere)

TUTORIAL = os.path.join(ROOT, "scenarios", "tutorial.yaml")


def base(tutorial: str = TUTORIAL) -> dict:
    """The tutorial scenario as plain data, to grow (another checkout's, for a baseline)."""
    with open(tutorial, "rb") as fh:
        data = read_yaml_bytes(fh.read(), tutorial).data  # YAML 1.2: 'on:' stays a key
    assert isinstance(data, dict)
    return data


def many_rules(scn: dict) -> None:
    rules = scn["policies"]["aldoria_doctrine"]["rules"]
    for i in range(1500):
        rules.append({"action": "talks", "weight": f"{i % 7} * (1 - tension) + talks / {i + 1}"})


def many_red_lines(scn: dict) -> None:
    for i in range(1200):
        scn["red_lines"].append(
            {
                "id": f"line_{i}",
                "owner": "borvia" if i % 2 else "aldoria",
                "name": f"Red line {i}",
                "when": f"tension > {0.5 + (i % 50) / 100:g} and talks < {i % 9}",
                "repeat": bool(i % 3),
                "responses": [{"action": "naval_show", "p": f"{(i % 10) / 20:g}"}],
            }
        )


def many_events(scn: dict) -> None:
    scn["calendar"]["turns"] = 500
    for i in range(15000):
        scn["events"].append(
            {
                "id": f"event_{i}",
                "name": f"Event {i}",
                "turn": 1 + i % 500,
                "effects": [f"tension {'+' if i % 2 else '-'}= 0.001"],
            }
        )


def bad_refs(scn: dict) -> None:
    """4,000 references that are near misses of 4,000 real ids: the did-you-mean worst case."""
    sites = scn["map"]["sites"]
    for i in range(4000):
        sites.append(
            {
                "id": f"depot_{i:04d}",
                "name": f"Depot {i}",
                "lon": 5.0,
                "lat": 3.0,
                "region": "skerry",
                "kind": "military",
            }
        )
        scn["red_lines"].append(
            {
                "id": f"guard_{i}",
                "owner": "borvia",
                "name": f"Guard {i}",
                "when": "tension > 0.9",
                "responses": [{"action": "missile_strike", "target": f"depto_{i:04d}", "p": 0.1}],
            }
        )


def big_fog(scn: dict) -> None:
    """Two targeted actions over ~1,500 sites each, and 400 fog entries turning one into the other."""
    sites = scn["map"]["sites"]
    for i in range(1500):
        side = "borvia" if i % 2 else "aldoria"
        sites.append(
            {
                "id": f"post_{i}",
                "name": f"Post {i}",
                "lon": 6.5 + (i % 30) / 10 if side == "borvia" else 1.0 + (i % 30) / 10,
                "lat": 1.0 + (i // 30) / 12,
                "region": side,
                "kind": "military",
            }
        )
    scn["actions"].append(
        {
            "id": "raid",
            "name": "Raid",
            "actor": ["aldoria", "borvia"],
            "category": "violent",
            "rung": "strike",
            "weapon": ["aldoria_missiles", "borvia_missiles"],
            "target": {"tags": ["aldoria_home", "borvia_home"], "kinds": ["military"]},
            "when": "tension >= 0.7",
            "effects": ["tension += 0.1"],
        }
    )
    for i in range(400):
        scn["fog"].append(
            {
                "id": f"mix_up_{i}",
                "action": "missile_strike" if i % 2 else "raid",
                "kind": "misread",
                "becomes": "raid" if i % 2 else "missile_strike",
                "p": 0.002,  # an action's fog entries share one draw: 200 of them add up to 0.4
            }
        )


def weapons_x_sites(scn: dict) -> None:
    sites = scn["map"]["sites"]
    for i in range(3000):
        sites.append(
            {"id": f"s{i}", "name": f"Site {i}", "lon": 7.0, "lat": 3.0, "region": "borvia", "kind": "military"}
        )
    for i in range(300):
        scn["weapons"][f"w{i}"] = {
            "name": f"Weapon {i}",
            "owner": "aldoria",
            "range_km": 2000,
            "stock": 1,
            "launch_from": ["aldoria"],
        }
    scn["actions"].append(
        {
            "id": "strike",
            "name": "Strike",
            "actor": ["aldoria"],
            "category": "violent",
            "rung": "strike",
            "weapon": [f"w{i}" for i in range(300)],
            "target": {"tags": ["borvia_home"]},
        }
    )


CORPUS: dict[str, Callable[[dict], None]] = {
    "many_rules": many_rules,
    "many_red_lines": many_red_lines,
    "many_events": many_events,
    "bad_refs": bad_refs,
    "big_fog": big_fog,
    "weapons_x_sites": weapons_x_sites,
}
"""Which files are accepted by the loader (the others must be rejected, quickly)."""
VALID = ("many_red_lines", "many_events", "big_fog")


def write(name: str, folder: str, tutorial: str = TUTORIAL) -> str:
    """Write one corpus file grown from ``tutorial``; returns its path."""
    scn = base(tutorial)
    CORPUS[name](scn)
    path = os.path.join(folder, f"{name}.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(scn, fh, sort_keys=False, allow_unicode=True, width=120)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to write into (created if missing)")
    ap.add_argument("--only", default="", help="comma-separated names: " + ", ".join(CORPUS))
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(CORPUS)
    unknown = [n for n in names if n not in CORPUS]
    if unknown:
        ap.error(f"unknown corpus file {unknown[0]!r} (known: {', '.join(CORPUS)})")
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        path = write(name, args.out)
        print(f"{path}: {os.path.getsize(path):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
