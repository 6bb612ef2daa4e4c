"""Untrusted YAML bytes -> plain Python data plus the line/column of every node.

Scenario files are written by teachers and by strangers, so this reader trusts nothing:

* it takes only the *event stream* from PyYAML's parser (libyaml's when present) and
  composes and constructs the data itself, so no PyYAML constructor ever runs and an
  explicit tag (``!!python/object:...``, ``!!str``, ``!foo``) is refused at its node;
* scalars are resolved with the YAML 1.2 core schema only: ``yes``/``no``/``on``/``off``
  and dates stay text, and ``<<`` is not a merge key;
* input size, value count, nesting depth, alias expansion, text length and integer size
  are bounded, and each refusal is a :class:`~game.diagnostics.Diagnostic` at its line
  and column, raised together in a :class:`~game.diagnostics.ScenarioError`.

>>> located = read_yaml_bytes(b"a:\\n  b: [1, yes]\\n", "x.yaml")
>>> located.data
{'a': {'b': [1, 'yes']}}
>>> located.marks[("a", "b", 1)], located.key_marks[("a", "b")]
((2, 10), (2, 3))
"""

from __future__ import annotations

import gc
import math
import os
import re
import stat
from typing import NoReturn

import attrs
import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from game.diagnostics import Diagnostic, ScenarioError, did_you_mean

MAX_BYTES = 2_000_000
MAX_DEPTH = 50
MAX_ALIAS_NODES = 10_000
MAX_TEXT = 20_000
MAX_INT = 10**15
MAX_NODES = 200_000  # values written in the file (a 100 KB scenario has ~6000)
MAX_DIAGNOSTICS = 50

Path = tuple[str | int, ...]
Mark = tuple[int, int]

try:  # libyaml (C) when PyYAML was built with it: ~10x faster than the pure-Python parser
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    _CParser = None
_USE_LIBYAML = _CParser is not None


@attrs.frozen
class Located:
    """Plain data read from a file, with the (line, col) of every value and mapping key."""

    data: object
    marks: dict[Path, Mark]
    key_marks: dict[Path, Mark]
    file: str

    def mark(self, path: Path) -> Mark:
        """The mark of ``path``, else of its nearest ancestor that has one, else ``(0, 0)``."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            found = self.marks.get(path[:end])
            if found is not None:
                return found
        return (0, 0)


_SIMPLE_KEY = re.compile(r"[\w-]+\Z")


def format_path(path: Path) -> str:
    """A path as an author would write it.

    >>> format_path(('red_lines', 2, 'responses', 1, 'p'))
    'red_lines[2].responses[1].p'
    >>> format_path(())
    ''
    >>> format_path((0, 'name'))
    '[0].name'
    >>> format_path(('vars', 'my var', 'x.y'))
    "vars['my var']['x.y']"
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _SIMPLE_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{part!r}]")
    return "".join(out)


# --------------------------------------------------------------------------- bytes -> text

# Line breaks as YAML (and so the parser's marks) count them.
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# C0 controls except tab/LF/CR, DEL, C1 controls (NEL included), and the two non-characters.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _line_col(text: str, index: int) -> Mark:
    line, start = 1, 0
    for match in _BREAKS.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def _utf16_without_bom(raw: bytes) -> bool:
    head = raw[:64]
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (not any(odd) and all(even)) or (not any(even) and all(odd))


def _decode(raw: bytes, file: str) -> str:
    def fail(message: str, line: int = 0, col: int = 0):
        raise ScenarioError(Diagnostic(file, line, col, "", message))

    if len(raw) > MAX_BYTES:
        fail(f"file is too large ({len(raw)} bytes; the limit is {MAX_BYTES})")
    if raw.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        fail("file is UTF-32 encoded; save it as UTF-8")
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")) or _utf16_without_bom(raw):
        fail("file is UTF-16 encoded; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", "replace")
        line, col = _line_col(prefix, len(prefix))
        fail(f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}, column {col})", line, col)
    bad = _BAD_CHAR.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        fail(
            f"file contains a control character (U+{ord(bad.group()):04X} at line {line}, column {col}); remove it",
            line,
            col,
        )
    return text


# --------------------------------------------------------------------- scalars (YAML 1.2)

_SPECIAL: dict[str, object] = {
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
for _inf in (".inf", ".Inf", ".INF"):
    _SPECIAL[_inf] = _SPECIAL["+" + _inf] = math.inf
    _SPECIAL["-" + _inf] = -math.inf
for _nan in (".nan", ".NaN", ".NAN"):
    _SPECIAL[_nan] = math.nan
_MAYBE_NOT_TEXT = frozenset("~nNtTfF.+-0123456789")
_INT = re.compile(r"[-+]?([0-9]+)\Z|0o([0-7]+)\Z|0x([0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _resolve(text: str, plain: bool) -> tuple[object, str | None]:
    """(value, error) of a scalar by the YAML 1.2 core schema; everything else is text."""
    if len(text) > MAX_TEXT:
        return text, f"text is too long ({len(text)} characters; the limit is {MAX_TEXT})"
    if not plain:
        return text, None
    if not text:
        return None, None
    if text[0] not in _MAYBE_NOT_TEXT:
        return text, None
    if text in _SPECIAL:
        return _SPECIAL[text], None
    match = _INT.match(text)
    if match:
        dec, octal, hexa = match.groups()
        digits = dec if dec is not None else octal if octal is not None else hexa
        if len(digits.lstrip("0")) <= 20:
            if dec is not None:
                value = int(text)
            else:
                value = int(digits, 8 if octal is not None else 16)
            if abs(value) <= MAX_INT:
                return value, None
        return text, f"number too large: {_short(text)}"
    if _FLOAT.match(text):
        return float(text), None
    return text, None


# ------------------------------------------------------------------------------ compose


class _Fatal(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _Scalar:
    __slots__ = ("error", "mark", "plain", "tag", "text", "value")
    error: str | None
    mark: Mark
    plain: bool
    tag: str | None
    text: str
    value: object
    size = 1  # nodes in the fully expanded subtree
    height = 0  # collection levels in the fully expanded subtree


class _Coll:
    __slots__ = ("height", "is_map", "items", "mark", "size", "tag")
    height: int
    is_map: bool
    items: list[_Node]  # the children of a sequence, or [key, value, key, value, ...] of a mapping
    mark: Mark
    size: int
    tag: str | None


class _Alias:
    __slots__ = ("height", "mark", "size", "target")
    height: int
    mark: Mark
    size: int
    target: _Scalar | _Coll  # an anchor is on a scalar or a collection, never on an alias


_Node = _Scalar | _Coll | _Alias


class _Frame:
    __slots__ = ("anchor", "node", "path")

    def __init__(self, node: _Coll, path: Path, anchor: str | None):
        self.node, self.path, self.anchor = node, path, anchor


def _key_label(node: _Node) -> str:
    if isinstance(node, _Alias):
        node = node.target
    if isinstance(node, _Scalar) and isinstance(node.value, str):
        return node.value
    return "?"


def _child_path(stack: list[_Frame]) -> Path:
    if not stack:
        return ()
    frame = stack[-1]
    items = frame.node.items
    if not frame.node.is_map:
        return (*frame.path, len(items))
    if len(items) % 2:
        return (*frame.path, _key_label(items[-1]))
    return (*frame.path, "?")


def _show_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _compose(text: str, file: str, diags: list[Diagnostic]) -> _Node:
    """The node tree of the one document in ``text``; raises ``_Fatal`` on what cannot go on."""
    parser = _CParser(text) if _USE_LIBYAML else yaml.SafeLoader(text)
    try:
        return _compose_events(parser.get_event, file, diags)
    except yaml.YAMLError as exc:
        raise _Fatal(_syntax_diagnostic(exc, text, file)) from None
    except RecursionError:  # not expected: nothing here recurses on the input's depth
        raise _Fatal(Diagnostic(file, 0, 0, "", f"nesting is deeper than {MAX_DEPTH} levels")) from None
    finally:
        parser.dispose()


def _compose_events(get_event, file: str, diags: list[Diagnostic]) -> _Node:
    def fatal(mark, path: Path, message: str) -> NoReturn:
        raise _Fatal(Diagnostic(file, mark.line + 1, mark.column + 1, format_path(path), message))

    get_event()  # StreamStartEvent
    event = get_event()
    if type(event) is StreamEndEvent:
        raise _Fatal(Diagnostic(file, 0, 0, "", "file is empty"))
    anchors: dict[str, _Scalar | _Coll] = {}
    first_anchor: dict[str, Mark] = {}
    open_anchors: set[str] = set()
    stack: list[_Frame] = []
    expanded = 0  # nodes added by alias expansion so far
    nodes = 0  # nodes written in the file so far

    def note_anchor(name: str, mark: Mark):
        if name in first_anchor:
            diags.append(
                Diagnostic(
                    file,
                    *mark,
                    format_path(_child_path(stack)),
                    f"anchor '&{name}' is defined twice (first at line {first_anchor[name][0]})",
                )
            )
        else:
            first_anchor[name] = mark

    scalar_event, mapping_start = ScalarEvent, MappingStartEvent
    maybe_not_text, max_text, resolve = _MAYBE_NOT_TEXT, MAX_TEXT, _resolve
    while True:
        event = get_event()
        kind = type(event)
        node: _Node
        if kind is not MappingEndEvent and kind is not SequenceEndEvent:
            nodes += 1
            if nodes > MAX_NODES:
                fatal(
                    event.start_mark,
                    _child_path(stack),
                    f"too many values: the file has more than {MAX_NODES} (lists, mappings and single values)",
                )
        if kind is scalar_event:
            node = _Scalar()
            mark = event.start_mark
            node.mark = (mark.line + 1, mark.column + 1)
            node.text = text = event.value
            node.plain = plain = not event.style
            node.tag = event.tag
            if event.tag is None and (plain and (not text or text[0] in maybe_not_text) or len(text) > max_text):
                node.value, node.error = resolve(text, plain)
            else:  # text for sure (the fast path), or tagged: refused later
                node.value = text
                node.error = None
            if event.anchor is not None:
                note_anchor(event.anchor, node.mark)
                anchors[event.anchor] = node
        elif kind is mapping_start or kind is SequenceStartEvent:
            path = _child_path(stack)
            if len(stack) >= MAX_DEPTH:
                fatal(event.start_mark, path, f"nesting is deeper than {MAX_DEPTH} levels")
            coll = _Coll()
            mark = event.start_mark
            coll.mark = (mark.line + 1, mark.column + 1)
            coll.items = []
            coll.is_map = kind is mapping_start
            coll.tag = event.tag
            if event.anchor is not None:
                note_anchor(event.anchor, coll.mark)
                open_anchors.add(event.anchor)
            stack.append(_Frame(coll, path, event.anchor))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = stack.pop()
            node = frame.node
            items = node.items
            node.size = 1 + sum(item.size for item in items)
            node.height = 1 + max((item.height for item in items), default=0)
            if frame.anchor is not None:
                open_anchors.discard(frame.anchor)
                anchors[frame.anchor] = node
        elif kind is AliasEvent:
            name = event.anchor
            path = _child_path(stack)
            if name in open_anchors:
                fatal(event.start_mark, path, f"recursive alias '*{name}' (it is inside its own anchor '&{name}')")
            target = anchors.get(name)
            if target is None:
                hint = (
                    did_you_mean(f"*{name}", [f"*{a}" for a in anchors]) or f" (there is no anchor '&{name}' before it)"
                )
                fatal(event.start_mark, path, f"unknown alias '*{name}'{hint}")
            if len(stack) + target.height > MAX_DEPTH:
                fatal(event.start_mark, path, f"nesting is deeper than {MAX_DEPTH} levels")
            expanded += target.size
            if expanded > MAX_ALIAS_NODES:
                fatal(
                    event.start_mark,
                    path,
                    f"too many aliases: the file expands past {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                )
            node = _Alias()
            mark = event.start_mark
            node.mark = (mark.line + 1, mark.column + 1)
            node.target, node.size, node.height = target, target.size, target.height
        else:  # pragma: no cover - the parser only sends nodes inside a document
            raise _Fatal(Diagnostic(file, 0, 0, "", f"unexpected YAML event {event!r}"))
        if not stack:
            break
        stack[-1].node.items.append(node)

    get_event()  # DocumentEndEvent
    event = get_event()
    if type(event) is DocumentStartEvent:
        fatal(event.start_mark, (), "only one YAML document per file")
    if isinstance(node, _Scalar) and node.plain and node.text == "" and node.tag is None:
        raise _Fatal(Diagnostic(file, 0, 0, "", "file is empty"))
    return node


_HINTS = (
    ("mapping values are not allowed", "put text that contains ': ' in quotes"),
    ("did not find expected key", "check the indentation"),
    ("did not find expected '-' indicator", "check the indentation"),
    ("found unexpected end of stream", "is a closing quote or bracket missing?"),
    ("did not find expected ',' or", "is a comma or a closing bracket missing?"),
    ("unknown escape character", "in double quotes a backslash starts an escape; use single quotes or write \\\\"),
)


def _line_hint(text: str, line: int, message: str) -> str | None:
    """A likelier fix than the parser's own, read off the offending line: a ': ' inside
    { }, or double quotes inside a double-quoted expression."""
    lines = text.splitlines()
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    if raw.count('"') > 2 and re.search(r':\s+"[^"]*"\w', raw):
        return "double quotes inside double quotes end the text: use single quotes inside, like \"taken('x') > 0\""
    if "did not find expected ',' or '}'" in message and "{" in raw and re.search(r":\s+[^{}\[\],\"']*:\s", raw):
        return "inside { } a ': ' starts a new field: put text that contains ': ' in quotes"
    return None


def _syntax_diagnostic(exc: yaml.YAMLError, text: str, file: str) -> Diagnostic:
    """A PyYAML/libyaml error in plain words at its line and column."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        position = getattr(exc, "position", None)
        line, col = _line_col(text, position) if isinstance(position, int) else (0, 0)
        return Diagnostic(file, line, col, "", f"invalid YAML: {exc}")
    where = exc.problem_mark or exc.context_mark
    line, col = (where.line + 1, where.column + 1) if where else (0, 0)
    if exc.problem and "maximum nesting depth" in exc.problem:
        # libyaml >= 0.2.5 as built in PyYAML 6.0.4 stops at depth 1,000 itself, scanning ahead
        # of the events that would have reached MAX_DEPTH here: the same message either way.
        return Diagnostic(file, line, col, "", f"nesting is deeper than {MAX_DEPTH} levels")
    unclosed = _unclosed_quote(text, exc)
    if unclosed is not None:
        q_line, q_col, quote = unclosed
        return Diagnostic(
            file,
            q_line,
            q_col,
            "",
            f"this quoted text is never closed (it runs on to line {line}); add the closing {quote!r}",
        )
    apostrophe = _apostrophe_in_single_quotes(text, exc)
    if apostrophe is not None:
        a_line, a_col, word = apostrophe
        return Diagnostic(
            file,
            a_line,
            a_col,
            "",
            f"the apostrophe in {word} ends this single-quoted text early; inside single quotes write it "
            f"twice ('{word.replace(chr(39), chr(39) * 2)}'), or put the whole text in double quotes",
        )
    indent = _over_indented(text, line, exc.problem or "")
    if indent is not None:
        i_line, i_col, above, above_line, expected = indent
        return Diagnostic(
            file,
            i_line,
            i_col,
            "",
            f"this field (column {i_col}) is indented more than '{above}:' on line {above_line} (column "
            f"{expected}), so YAML reads it as more text of '{above}:'; start it at column {expected}",
        )
    message = exc.problem or exc.context or "invalid YAML"
    index = getattr(where, "index", None)
    char = text[index] if isinstance(index, int) and 0 <= index < len(text) else ""
    if message == "found character that cannot start any token" and char:  # libyaml's words
        message = f"found character {char!r} that cannot start any token"
    context, cmark = exc.context, exc.context_mark
    if context and exc.problem and context != "while scanning for the next token":
        at = f" at line {cmark.line + 1}, column {cmark.column + 1}" if cmark else ""
        message += f" ({context}{at})"
    if "tab character" in message or (char == "\t" and "cannot start any token" in message):
        message += " (YAML indentation must use spaces, not tabs)"
    elif char in ("@", "`") and "cannot start any token" in message:
        message += f" (text that starts with {char!r} must be in quotes)"
    elif (hint := _line_hint(text, line, message)) is not None:
        message += f" ({hint})"
    else:
        for needle, hint in _HINTS:
            if needle in message:
                message += f" ({hint})"
                break
    return Diagnostic(file, line, col, "", message)


_FIELD = re.compile(r"(\s*(?:-\s+)*)([^\s#'\"{\[][^:#]*?):(?:\s|$)")


def _over_indented(text: str, line: int, problem: str) -> tuple[int, int, str, int, int] | None:
    """(line, column, field above, its line, its column) when a ``key: value`` line is indented deeper
    than the plain ``key: value`` just above it: YAML reads the deeper line as the rest of the
    text above and then stumbles on its ': ' ("mapping values are not allowed here")."""
    if "mapping values are not allowed" not in problem:
        return None
    lines = text.splitlines()
    if not 1 < line <= len(lines):
        return None
    here = _FIELD.match(lines[line - 1])
    k = line - 2
    while k >= 0 and not lines[k].strip():
        k -= 1
    above = _FIELD.match(lines[k]) if k >= 0 else None
    if here is None or above is None:
        return None
    rest = lines[k][above.end() :].strip()
    if not rest or rest[0] in "|>&!\"'[{" or rest.startswith("#"):
        return None  # a value that is not plain text goes on differently
    col, expected = len(here.group(1)) + 1, len(above.group(1)) + 1
    return (line, col, above.group(2).strip(), k + 1, expected) if col > expected else None


def _apostrophe_in_single_quotes(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """(line, col, word) of an apostrophe that closed a single-quoted text early, as in
    ``title: 'Russia's line'`` (YAML reads ``'Russia'`` and then stumbles on ``s line'``): the
    error falls on the line of a single-quoted text that ended just before it, the text ends
    with a letter, and the rest of the line carries another quote. Read off the scanner's tokens."""
    where = exc.problem_mark
    if where is None:
        return None
    parser = _CParser(text) if _USE_LIBYAML else yaml.SafeLoader(text)
    last = None
    try:
        while True:
            token = parser.get_token()
            if token is None or token.start_mark.index >= where.index or isinstance(token, yaml.StreamEndToken):
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    if last is None or last.style != "'" or last.end_mark.line != where.line or not last.value[-1:].isalnum():
        return None
    end = last.end_mark.index  # just past the closing quote
    gap = text[end : where.index]
    line_end = _BREAKS.search(text, where.index)
    rest = text[where.index : line_end.start() if line_end else len(text)]
    if gap.strip(" ") or not rest[:1].isalnum() or "'" not in rest:
        return None
    before = re.search(r"[\w-]*\Z", last.value)
    after = re.match(r"[\w-]*", rest)
    word = (before.group() if before else "") + "'" + gap + (after.group() if after else "")
    return last.end_mark.line + 1, last.end_mark.column, word


def _unclosed_quote(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """The quoted text that ran away and caused a parse error, as (line, col, quote), when
    that is sure: the scanner stopped inside it, or it is a quoted text over several lines,
    not closed on its first, that ends on the error's line or the line before. Only the
    scanner's own tokens are read, so a quote in a ``>-`` block or a comment is never blamed.
    """
    where = exc.problem_mark or exc.context_mark
    if where is None:
        return None
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        mark = exc.context_mark
        quote = text[mark.index] if 0 <= mark.index < len(text) else '"'
        return mark.line + 1, mark.column + 1, quote
    parser = _CParser(text) if _USE_LIBYAML else yaml.SafeLoader(text)
    last_quoted = None
    try:
        while True:
            token = parser.get_token()
            if token is None or token.start_mark.index >= where.index or isinstance(token, yaml.StreamEndToken):
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                last_quoted = token
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    if last_quoted is None:
        return None
    start, end = last_quoted.start_mark, last_quoted.end_mark
    if end.line == start.line or where.line > end.line + 1:
        return None
    quote = last_quoted.style
    line_end = _BREAKS.search(text, start.index + 1)
    first_line = text[start.index + 1 : line_end.start() if line_end else len(text)]
    closed = re.search(r'(?<!\\)"', first_line) if quote == '"' else re.search(r"'(?!')", first_line.replace("''", ""))
    return None if closed else (start.line + 1, start.column + 1, quote)


# ---------------------------------------------------------------------------- construct


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


class _Builder:
    """Walks the node tree once, expanding aliases into fresh copies, recording marks.

    Problems are reported only on the literal walk (``report``), so text reached through
    an alias is not reported once per use.
    """

    def __init__(self, file: str):
        self.file = file
        self.marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}
        self.diags: list[Diagnostic] = []

    def error(self, mark: Mark, path: Path, message: str) -> None:
        self.diags.append(Diagnostic(self.file, mark[0], mark[1], format_path(path), message))

    def build(self, node: _Node, path: Path, report: bool, mark: Mark | None = None) -> object:
        self.marks[path] = mark or node.mark
        if type(node) is _Scalar:
            if report and (node.tag is not None or node.error):
                self.problems(node, node.mark, path)
            return node.value
        if type(node) is _Alias:
            return self.build(node.target, path, False, node.mark)
        assert type(node) is _Coll
        if report and node.tag is not None:
            self.problems(node, node.mark, path)
        if not node.is_map:
            return [self.build(item, (*path, i), report) for i, item in enumerate(node.items)]
        return self.build_map(node, path, report)

    def problems(self, node: _Scalar | _Coll, mark: Mark, path: Path) -> None:
        if node.tag is not None:
            self.error(mark, path, f"tags like '{_show_tag(node.tag)}' are not allowed")
        elif type(node) is _Scalar and node.error:
            self.error(mark, path, node.error)

    def build_map(self, node: _Coll, path: Path, report: bool) -> dict[str, object]:
        result: dict[str, object] = {}
        first: dict[str, Mark] = {}
        items = node.items
        for i in range(0, len(items), 2):
            key_node, value_node = items[i], items[i + 1]
            key_mark = key_node.mark
            key = key_node.target if isinstance(key_node, _Alias) else key_node
            report_key = report and key is key_node
            if isinstance(key, _Coll):
                if report:
                    what = "a mapping" if key.is_map else "a list"
                    self.error(key_mark, path, f"keys must be text, found {what}")
                continue
            if report_key and (key.tag is not None or key.error):
                self.problems(key, key_mark, path)
            name = key.text if key.tag is not None else key.value
            if key.plain and key.text == "<<" and key.tag is None:
                if report:
                    self.error(key_mark, path, "merge keys (<<) are not supported; repeat the fields or use 'extends:'")
                continue
            if not isinstance(name, str):
                if report:
                    hint = f' (write it in quotes: "{_short(key.text)}")' if key.text else ""
                    self.error(key_mark, path, f"keys must be text, found {_kind(name)}{hint}")
                continue
            here = (*path, name)
            if name in first:
                if report:
                    self.error(key_mark, here, f"duplicate key {_short(name)!r} (first at line {first[name][0]})")
                continue
            first[name] = key_mark
            self.key_marks[here] = key_mark
            result[name] = self.build(value_node, here, report)
        return result


# ------------------------------------------------------------------------------- public


def _raise(diags: list[Diagnostic], file: str) -> None:
    diags = sorted(diags, key=lambda d: (d.line, d.col))
    if len(diags) > MAX_DIAGNOSTICS:
        more = len(diags) - MAX_DIAGNOSTICS
        diags = diags[:MAX_DIAGNOSTICS] + [Diagnostic(file, 0, 0, "", f"... and {more} more problems in this file")]
    raise ScenarioError(diags)


def read_yaml_bytes(raw: bytes, file: str) -> Located:
    """Read one YAML document of untrusted bytes; raises ``ScenarioError`` on any problem."""
    text = _decode(bytes(raw), file)
    # Up to MAX_NODES small acyclic objects are made here; the cyclic GC would rescan them
    # over and over (doubling the time of a big file) and can find nothing to free.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_text(text, file)
    finally:
        if gc_was_enabled:
            gc.enable()


def _read_text(text: str, file: str) -> Located:
    diags: list[Diagnostic] = []
    try:
        root = _compose(text, file, diags)
    except _Fatal as fatal:
        _raise([*diags, fatal.diagnostic], file)
    builder = _Builder(file)
    data = builder.build(root, (), True)
    diags.extend(builder.diags)
    if diags:
        _raise(diags, file)
    return Located(data, builder.marks, builder.key_marks, file)


def read_yaml_file(path: str | os.PathLike, display_name: str | None = None) -> Located:
    """Read a scenario file (at most ``MAX_BYTES + 1`` bytes of it) with ``read_yaml_bytes``."""
    name = display_name if display_name is not None else str(os.fspath(path))

    def fail(message: str):
        raise ScenarioError(Diagnostic(name, 0, 0, "", message))

    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            fail("cannot read file: it is a directory")
        if not stat.S_ISREG(mode):  # a FIFO or device could block or never end
            fail("cannot read file: it is not a regular file")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
            size = max(len(raw), os.fstat(handle.fileno()).st_size)
    except OSError as exc:
        fail(f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        fail(f"file is too large ({size} bytes; the limit is {MAX_BYTES})")
    return read_yaml_bytes(raw, name)


__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_INT",
    "MAX_NODES",
    "MAX_TEXT",
    "Located",
    "Path",
    "format_path",
    "read_yaml_bytes",
    "read_yaml_file",
]
