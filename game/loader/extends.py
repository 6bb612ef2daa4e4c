"""``extends: base.yaml``: a variant changes a scenario by id without copying it.

The variant's fields are merged onto the base's: mappings key by key, lists of items
with an ``id`` (actions, red lines, responses, sites, ...) item by item, so
``red_lines: [{id: western_missiles, responses: [{id: irbm, p: 0.5}]}]`` changes one
probability. ``remove: true`` on an item deletes it. Other lists are replaced whole.

Paths are relative to the variant and must stay inside its folder tree: no absolute
paths, no ``..`` out of it, no symlinks leading out; cycles are errors. Every merged
value keeps the file, line and column it came from, so errors point at the right file.
"""

from __future__ import annotations

import os
from typing import NoReturn

import attrs

from game.diagnostics import Diagnostic, ScenarioError
from game.loader.yaml_source import Located, format_path, read_yaml_bytes

MAX_EXTENDS = 8

Where = tuple[str, int, int]


@attrs.define
class Merged:
    """Data with a (file, line, col) for every path, keys and values."""

    data: object
    marks: dict = attrs.Factory(dict)
    key_marks: dict = attrs.Factory(dict)
    lines: dict = attrs.Factory(dict)  # file -> its text lines (for expression columns)

    def mark(self, path: tuple, prefer_key: bool = False) -> Where:
        if prefer_key and path in self.key_marks:
            return self.key_marks[path]
        p = path
        while True:
            if p in self.marks:
                return self.marks[p]
            if not p:
                return next(iter(self.marks.values()), ("", 0, 0))
            p = p[:-1]


def display_path(data, path: tuple) -> str:
    """A path as an author reads it: list items by their id, not their position.

    >>> display_path({"actions": [{"id": "talk"}, {"id": "strike", "when": "1"}]}, ("actions", 1, "when"))
    'actions.strike.when'
    >>> display_path({"red_lines": [{"responses": [{"action": "x", "p": 2}]}]}, ("red_lines", 0, "responses", 0, "p"))
    'red_lines[0].responses.x.p'
    """
    out: list = []
    node = data
    for p in path:
        key = p
        if isinstance(p, int) and isinstance(node, list) and p < len(node):
            key = _item_key(node[p]) or p
            node = node[p]
        elif isinstance(node, dict) and p in node:
            node = node[p]
        else:
            node = None
        out.append(key)
    return format_path(tuple(out))


def _item_key(item) -> str | None:
    if isinstance(item, dict):
        for k in ("id", "action"):
            if isinstance(item.get(k), str):
                return item[k]
    return None


def from_located(loc: Located, text: str) -> Merged:
    m = Merged(loc.data)
    file = loc.file
    m.marks = {p: (file, line, col) for p, (line, col) in loc.marks.items()}
    m.key_marks = {p: (file, line, col) for p, (line, col) in loc.key_marks.items()}
    m.lines[loc.file] = text.lstrip("\ufeff").splitlines()
    return m


def _copy_marks(src: Merged, src_path: tuple, dst: Merged, dst_path: tuple) -> None:
    n = len(src_path)
    for table_src, table_dst in ((src.marks, dst.marks), (src.key_marks, dst.key_marks)):
        for p, where in table_src.items():
            if p[:n] == src_path:
                table_dst[dst_path + p[n:]] = where


def merge(base: Merged, variant: Merged) -> Merged:
    out = Merged(None)
    out.lines = {**base.lines, **variant.lines}
    out.data = _merge(base, (), variant, (), out, ())
    return out


def _merge(b: Merged, bp: tuple, v: Merged, vp: tuple, out: Merged, op: tuple):
    bval = _get(b.data, bp)
    vval = _get(v.data, vp)
    if isinstance(bval, dict) and isinstance(vval, dict):
        result = {}
        if op in v.marks:
            out.marks[op] = v.marks[op]
        for key in bval:
            if key in vval:
                result[key] = _merge(b, (*bp, key), v, (*vp, key), out, (*op, key))
                if (*vp, key) in v.key_marks:
                    out.key_marks[(*op, key)] = v.key_marks[(*vp, key)]
            else:
                result[key] = bval[key]
                _copy_marks(b, (*bp, key), out, (*op, key))
        for key in vval:
            if key not in bval:
                result[key] = vval[key]
                _copy_marks(v, (*vp, key), out, (*op, key))
        return result
    if (
        isinstance(bval, list)
        and isinstance(vval, list)
        and bval
        and all(_item_key(x) for x in bval)
        and all(_item_key(x) for x in vval)
    ):
        merged_list: list = []
        vindex = {_item_key(x): i for i, x in enumerate(vval)}
        used = set()
        for i, item in enumerate(bval):
            key = _item_key(item)
            if key in vindex:
                j = vindex[key]
                used.add(j)
                if isinstance(vval[j], dict) and vval[j].get("remove") is True:
                    continue
                merged_list.append(_merge(b, (*bp, i), v, (*vp, j), out, (*op, len(merged_list))))
            else:
                _copy_marks(b, (*bp, i), out, (*op, len(merged_list)))
                merged_list.append(item)
        for j, item in enumerate(vval):
            if j not in used and not (isinstance(item, dict) and item.get("remove") is True):
                _copy_marks(v, (*vp, j), out, (*op, len(merged_list)))
                merged_list.append(item)
        if op in v.marks:
            out.marks[op] = v.marks[op]
        return merged_list
    _copy_marks(v, vp, out, op)
    return vval


def _get(data, path: tuple):
    for p in path:
        data = data[p]
    return data


def resolve(
    merged: Merged, file: str, real_path: str | None, root: str | None, read, chain: tuple[str, ...] = ()
) -> Merged:
    """Follow ``extends:`` (if any) and merge the file onto its base, recursively."""
    data = merged.data
    if not isinstance(data, dict) or "extends" not in data:
        return merged
    where = merged.mark(("extends",))
    target = data["extends"]

    def error(message: str) -> NoReturn:
        raise ScenarioError(Diagnostic(where[0], where[1], where[2], "extends", message))

    if real_path is None:
        error("'extends:' needs the scenario to be read from a file")
    if not isinstance(target, str) or not target.strip():
        error("must name a base scenario file, like 'atacms_2024.yaml'")
    if os.path.isabs(target) or target.startswith("~"):
        error(
            f"'{target}' is an absolute path; write it relative to this file (to start from a shipped "
            "scenario elsewhere, copy it beside yours: python main.py new FILE --from ID)"
        )
    if len(chain) >= MAX_EXTENDS:
        error(f"too many levels of 'extends:' (the limit is {MAX_EXTENDS})")
    folder = os.path.dirname(real_path)
    root = root or folder
    candidate = os.path.realpath(os.path.join(folder, target))
    if os.path.commonpath([candidate, root]) != root:
        error(
            f"'{target}' is outside this scenario's folder; a base must be in the same folder or below it "
            "(copy it beside yours: python main.py new FILE --from ID)"
        )
    if candidate in chain or candidate == real_path:
        cycle = " -> ".join(os.path.basename(c) for c in (*chain, real_path, candidate))
        error(f"'{target}' makes a cycle of extends: {cycle}")
    shown = os.path.join(os.path.dirname(file), target) if file else target
    raw = read(candidate, shown, where)
    base_loc = read_yaml_bytes(raw, shown)
    base = from_located(base_loc, raw.decode("utf-8", errors="replace"))
    base = resolve(base, shown, candidate, root, read, (*chain, real_path))
    variant_data = {k: v for k, v in data.items() if k != "extends"}
    if isinstance(base.data, dict):
        for key, value in variant_data.items():
            old = base.data.get(key)
            if (
                isinstance(old, dict) != isinstance(value, dict)
                and isinstance(old, (dict, list))
                and isinstance(value, (dict, list))
            ):
                form = "a mapping keyed by id" if isinstance(old, dict) else "a list of items with an id"
                f, ln, cl = merged.mark((key,))
                raise ScenarioError(
                    Diagnostic(
                        f, ln, cl, key, f"write '{key}' in the same form as the base ({shown} writes it as {form})"
                    )
                )
    variant = Merged(variant_data, merged.marks, merged.key_marks, merged.lines)
    return merge(base, variant)
