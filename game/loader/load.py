"""Check a scenario file: read (safely), structure, check references.

``check_bytes`` either returns a ``Checked`` scenario whose every name is resolved, or raises
``ScenarioError`` holding every problem found, each at ``file:line:col: dotted.path: message``.
The loader knows nothing of the engine: compiling the expressions into rules is the next step,
``game.runners.load.load_scenario`` (which is what callers use).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

import attrs
import yaml

from game.diagnostics import Diagnostic, ScenarioError, did_you_mean
from game.loader import references
from game.loader.extends import Merged, display_path, from_located, resolve
from game.loader.structure import normalize, structure
from game.loader.yaml_source import MAX_BYTES, read_yaml_bytes
from game.model import Scenario


@attrs.frozen
class Checked:
    """A scenario whose every reference is resolved, with any warnings; not yet compiled."""

    file: str
    scenario: Scenario
    warnings: tuple[Diagnostic, ...]
    locate: Callable = attrs.field(eq=False, repr=False, default=None)
    """(model path, offset) -> (file, line, col, dotted path): where a value was written."""
    source: bytes = attrs.field(eq=False, repr=False, default=b"")
    """The scenario as one file, ``extends:`` resolved: what workers load and saves hash."""


def display_name(path: str | os.PathLike) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    p = os.fspath(path)
    try:
        rel = os.path.relpath(p)
    except ValueError:
        return p
    return p if rel.startswith("..") else rel


def read_bytes(path: str | os.PathLike, name: str | None = None) -> bytes:
    name = name or display_name(path)
    try:
        if os.path.isdir(path):
            raise IsADirectoryError
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ScenarioError(Diagnostic(name, 0, 0, "", "is not a regular file"))
        with open(path, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ScenarioError(Diagnostic(name, 0, 0, "", "is a folder, not a scenario file")) from None
    except FileNotFoundError:
        raise ScenarioError(Diagnostic(name, 0, 0, "", "no such file")) from None
    except OSError as exc:
        raise ScenarioError(Diagnostic(name, 0, 0, "", f"cannot read file: {exc.strerror}")) from None


def by_place(errors: list[Diagnostic], name: str) -> list[Diagnostic]:
    """Errors in reading order, those of the file itself before those of files it extends."""
    return sorted(errors, key=lambda d: (d.file != name, d.line, d.col))


def _value_at(data, path: tuple):
    for p in path:
        try:
            data = data[p]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def expression_position(lines: list[str], line: int, col: int, text: str, offset: int) -> tuple[int, int]:
    """Where character ``offset`` of a YAML string value lies in the file, whether the value
    is plain, quoted, or a block (``>`` / ``|``) over several lines: the characters of the
    value are matched against the file's, skipping quotes, indentation and line breaks.

    >>> expression_position(['    when: "tensoin > 1"'], 1, 11, "tensoin > 1", 0)
    (1, 12)
    >>> expression_position(["    when: >-", "      tension > 0.4 and", "      tensoin < 2"], 1, 11,
    ...                     "tension > 0.4 and tensoin < 2", 18)
    (3, 7)
    """
    r, c = line - 1, col - 1
    if r >= len(lines):
        return line, col
    head = lines[r][c : c + 1]
    if head in ("'", '"'):
        c += 1
    elif head in (">", "|"):
        r, c = r + 1, 0

    def skip_space(r: int, c: int) -> tuple[int, int]:
        while r < len(lines):
            while c < len(lines[r]) and lines[r][c] in " \t":
                c += 1
            if c < len(lines[r]):
                return r, c
            r, c = r + 1, 0
        return r, c

    for ch in text[:offset]:
        if ch.isspace():
            continue
        r, c = skip_space(r, c)
        if r >= len(lines):
            return line, col
        c += 1
    r, c = skip_space(r, c)
    return (r + 1, c + 1) if r < len(lines) else (line, col)


def resolved_source(path: str | os.PathLike) -> bytes:
    """The scenario's bytes with any ``extends:`` resolved, for workers that have no files."""
    return check_file(path).source


def _as_one_file(raw: bytes, data, merged: Merged) -> bytes:
    """``raw`` itself when it extends nothing (a save's hash of a plain file stays its bytes'),
    else the merged scenario written out as one YAML file."""
    if not isinstance(data, dict) or "extends" not in data:
        return raw
    return yaml.safe_dump(merged.data, sort_keys=False, allow_unicode=True).encode()


def check_file(path: str | os.PathLike, overrides: dict[str, float] | None = None) -> Checked:
    """Read and check a scenario file: the one way in for every command and screen that opens a
    file, so a variant (``extends:``) finds its base beside it wherever it is opened."""
    return check_bytes(read_bytes(path), display_name(path), overrides, real_path=os.path.realpath(path))


def _read_base(real: str, shown: str, where) -> bytes:
    try:
        return read_bytes(real, shown)
    except ScenarioError as exc:
        d = exc.diagnostics[0]
        hint = ""
        if d.message == "no such file":
            folder = os.path.dirname(real)
            try:
                near = [f for f in os.listdir(folder) if f.endswith((".yaml", ".yml"))]
            except OSError:
                near = []
            hint = did_you_mean(os.path.basename(real), near)
        raise ScenarioError(
            Diagnostic(where[0], where[1], where[2], "extends", f"{shown}: {d.message}{hint}")
        ) from None


def check_bytes(
    raw: bytes, name: str, overrides: dict[str, float] | None = None, real_path: str | None = None
) -> Checked:
    """Read, structure and check a scenario's bytes; ``overrides`` set params by dotted path."""
    located = read_yaml_bytes(raw, name)
    merged = from_located(located, raw.decode("utf-8", errors="replace"))
    merged = resolve(merged, name, real_path, None, _read_base)
    source = _as_one_file(raw, located.data, merged)
    if not isinstance(merged.data, dict):
        file, line, col = merged.mark(())
        raise ScenarioError(
            Diagnostic(
                file or name, line or 1, col or 1, "", "a scenario is a mapping of sections (format:, meta:, ...)"
            )
        )
    data, pathmap, copy_problems = normalize(merged.data)
    if copy_problems:
        raise ScenarioError(
            by_place(
                [Diagnostic(*merged.mark(p), display_path(merged.data, p), message) for p, message in copy_problems],
                name,
            )
        )

    def mark(ypath, prefer_key: bool = False):
        return merged.mark(ypath, prefer_key)

    def in_braces(ypath) -> bool:
        """Whether the field sits in a one-line { } mapping (where a stray comma splits text)."""
        file, line, col = merged.mark(ypath[:-1])
        lines = merged.lines.get(file, [])
        return 0 < line <= len(lines) and lines[line - 1][col - 1 : col] == "{"

    scn, diags = structure(data, name, mark, pathmap, lambda p: display_path(merged.data, p), in_braces)
    if diags:
        raise ScenarioError(diags)
    assert scn is not None
    if overrides:
        from game.params import apply_overrides

        scn = apply_overrides(scn, overrides, name)

    def locate(model_path: tuple, offset: int = -1):
        ypath = pathmap.to_yaml(model_path)
        file, line, col = mark(ypath)
        lines = merged.lines.get(file, [])
        if offset >= 0 and ypath in merged.marks and 0 < line <= len(lines):
            value = _value_at(merged.data, ypath)
            if isinstance(value, str):
                line, col = expression_position(lines, line, col, value, offset)
        return file, line, col, display_path(merged.data, ypath)

    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for path, message, severity in references.check(scn, lambda p: locate(p)[1]):
        file, line, col, dotted = locate(path)
        d = Diagnostic(file, line, col, dotted, message, severity)
        (errors if severity == "error" else warnings).append(d)
    if errors:
        raise ScenarioError(by_place(errors, name))
    return Checked(name, scn, tuple(warnings), locate, source)
