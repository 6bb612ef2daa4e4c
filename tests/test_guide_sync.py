"""The authoring guide and the code cannot drift apart.

Every field the model (and so the loader and the JSON Schema) accepts has a row in the guide's
reference tables, and every row names a real field; every option of every command is in the
guide's command table, and every option written there exists.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import attrs
import pytest

from game import model
from game.schema import json_schema

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
REFERENCE = GUIDE[GUIDE.index("## 3. Reference") : GUIDE.index("## 4. Cookbook")]


@attrs.frozen
class Table:
    """One field table of the guide: the section it is in, the item it describes, its rows."""

    section: str
    item: str  # "" for the section's own table, else the word in "A **word**" before it
    fields: tuple[str, ...]
    text: str


def _tables() -> list[Table]:
    out: list[Table] = []
    for block in re.split(r"^### ", REFERENCE, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        section = heading.split(" ", 1)[1].strip()
        item = ""
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            intro = re.match(r"An? \*\*([a-z_ ]+)\*\*", line)
            if intro:
                item = intro.group(1).replace(" ", "_")
            if line.startswith("| Field |"):
                rows = []
                i += 2
                while i < len(lines) and lines[i].startswith("|"):
                    rows.append(lines[i])
                    i += 1
                names = tuple(re.match(r"\| `([a-z_][a-z0-9_]*)`", r).group(1) for r in rows)
                out.append(Table(section, item, names, "\n".join(rows)))
                continue
            i += 1
    return out


TABLES = _tables()


def _item_class(tp) -> type | None:
    """The attrs class a field holds (one, a tuple of them, or an optional one), else None."""
    tp = typing.get_type_hints(model.Scenario)[tp] if isinstance(tp, str) else tp
    for arg in (tp, *typing.get_args(tp)):
        if attrs.has(arg):
            return arg
    return None


def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _table_class(table: Table) -> type | None:
    """The model class a table documents: the section's own for its first table, else the item
    named in its introduction, found among the fields of the section's classes."""
    hints = _hints(model.Scenario)
    if table.section not in hints:
        return None
    top = _item_class(hints[table.section])
    if not table.item:
        return top
    todo, seen = [top], set()
    while todo:
        cls = todo.pop()
        if cls is None or cls in seen:
            continue
        seen.add(cls)
        for name, tp in _hints(cls).items():
            inner = _item_class(tp)
            if inner is not None and name in (table.item, table.item + "s"):
                return inner
            todo.append(inner)
    raise AssertionError(f"guide section {table.section}: no field of it holds a '{table.item}'")


def _reachable() -> set[type]:
    out, todo = set(), [model.Scenario]
    while todo:
        cls = todo.pop()
        if cls in out:
            continue
        out.add(cls)
        todo += [c for tp in _hints(cls).values() if (c := _item_class(tp)) is not None]
    return out


def test_the_guide_has_its_reference_tables():
    assert len(TABLES) >= 30
    sections = [h.split(" ", 1)[1] for h in re.findall(r"^### (3\.\d+ \S+)", REFERENCE, flags=re.M)]
    fields = [f.name for f in attrs.fields(model.Scenario)]
    assert [s for s in sections if s in fields] == fields, "one reference section per top-level field, in order"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"{t.section}.{t.item or 'self'}")
def test_every_documented_field_exists_and_every_field_is_documented(table):
    cls = _table_class(table)
    if cls is None:  # a section that is a plain value (format): its table documents itself
        assert table.fields == (table.section,)
        return
    real = [f.name for f in attrs.fields(cls)]
    missing = [f for f in real if f not in table.fields]
    unknown = [f for f in table.fields if f not in real]
    assert not missing, f"{cls.__name__}: fields with no row in the guide's table: {missing}"
    assert not unknown, f"{cls.__name__}: rows in the guide for no field: {unknown}"


def _inline_text(cls) -> str | None:
    """The guide's row for the field that holds ``cls``, when ``cls`` has no table of its own
    (a small mapping such as a role card is documented in its field's row), else None."""
    for t in TABLES:
        parent = _table_class(t)
        if parent is None:
            continue
        for row, name in zip(t.text.splitlines(), t.fields):
            if _item_class(_hints(parent)[name]) is cls:
                return row
    return None


def _documentation(cls) -> str:
    """All the guide says of a class's fields: its tables' rows, else its field's row."""
    text = "\n".join(t.text for t in TABLES if _table_class(t) is cls)
    return text or _inline_text(cls) or ""


def test_every_class_of_the_model_has_a_table_or_is_described_in_its_fields_row():
    documented = {c for t in TABLES if (c := _table_class(t)) is not None}
    for cls in sorted(_reachable() - documented - {model.Scenario}, key=lambda c: c.__name__):
        row = _inline_text(cls)
        assert row is not None, f"no table in the guide's reference for {cls.__name__}"
        missing = [f.name for f in attrs.fields(cls) if f"`{f.name}`" not in row]
        assert not missing, f"{cls.__name__}: its row in the guide does not name {missing}"


def test_every_field_the_schema_accepts_is_in_the_guide():
    """The schema's spellings beyond the model's fields (``tag:`` for ``tags:``, ``for_each_actor:``,
    ``extends:``) are named in the guide too."""
    schema = json_schema()
    for name, spec in schema["$defs"].items():
        cls = getattr(model, name.removesuffix("Keyed"))
        text = _documentation(cls)
        assert text, f"schema definition {name} has nothing in the guide"
        for prop in spec.get("properties", {}):
            assert f"`{prop}`" in text or f"`{prop}:`" in text, f"{name}.{prop} is accepted but not in the guide"
    for prop in schema["properties"]:
        assert re.search(rf"^### 3\.\d+ .*\b{prop}\b", REFERENCE, flags=re.M), f"top-level '{prop}' has no section"


# ------------------------------------------------------------------ commands and their options


def _options_of(parser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}


def _subparsers():
    from game.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    return sub.choices


def _command_rows() -> dict[str, str]:
    section = REFERENCE[re.search(r"^### 3\.\d+ Commands", REFERENCE, flags=re.M).start() :]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `([a-z-]+|\(no command\))[^`]*` \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def test_every_command_and_option_is_in_the_guide():
    rows = _command_rows()
    for name, parser in _subparsers().items():
        assert name in rows, f"command '{name}' has no row in the guide's table of commands"
        written = set(re.findall(r"`(--[a-z-]+)", rows[name]))
        real = _options_of(parser)
        assert real <= written, f"{name}: options not in the guide: {sorted(real - written)}"
        assert written <= real, f"{name}: options in the guide that do not exist: {sorted(written - real)}"
    assert set(rows) <= set(_subparsers()) | {"(no command)"}, "a row in the guide for no command"


def test_the_window_options_with_no_command_are_in_the_guide():
    from game.cli.window import title_parser

    written = set(re.findall(r"`(--[a-z-]+)", _command_rows()["(no command)"]))
    assert written == _options_of(title_parser())
