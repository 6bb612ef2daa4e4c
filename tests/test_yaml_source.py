"""Tests of game.loader.yaml_source: untrusted YAML -> plain data with marks, or Diagnostics."""

from __future__ import annotations

import doctest
import itertools
import math
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.diagnostics import Diagnostic, ScenarioError
from game.loader import yaml_source
from game.loader.yaml_source import (
    MAX_ALIAS_NODES,
    MAX_BYTES,
    MAX_DEPTH,
    Located,
    format_path,
    read_yaml_bytes,
    read_yaml_file,
)

F = "s.yaml"
ROOT = Path(__file__).resolve().parent.parent


def read(text: str | bytes) -> Located:
    raw = text.encode() if isinstance(text, str) else text
    return read_yaml_bytes(raw, F)


def errors(text: str | bytes) -> list[Diagnostic]:
    with pytest.raises(ScenarioError) as info:
        read(text)
    return info.value.diagnostics


def error(text: str | bytes) -> tuple[int, int, str, str]:
    """The one diagnostic of text as (line, col, path, message)."""
    diags = errors(text)
    assert len(diags) == 1, diags
    (d,) = diags
    assert d.file == F
    return d.line, d.col, d.path, d.message


@pytest.fixture(params=["libyaml", "pure"])
def parser(request, monkeypatch):
    """Run a test with libyaml's parser and with PyYAML's pure-Python one."""
    if request.param == "libyaml":
        if not yaml_source._USE_LIBYAML:
            pytest.skip("PyYAML was built without libyaml")
    else:
        monkeypatch.setattr(yaml_source, "_USE_LIBYAML", False)
    return request.param


def test_doctests():
    result = doctest.testmod(yaml_source)
    assert result.attempted >= 5 and result.failed == 0


# ------------------------------------------------------------------------------ happy path

DOC = """\
title: Cuban crisis
a:
  b:
    - x: 1
    - c: hello
      d: [1, 2.5, true, ~]
"""


def test_plain_data_and_marks(parser):
    located = read(DOC)
    assert located.data == {
        "title": "Cuban crisis",
        "a": {"b": [{"x": 1}, {"c": "hello", "d": [1, 2.5, True, None]}]},
    }
    assert located.file == F
    assert located.marks[()] == (1, 1)
    assert located.marks[("a", "b", 1, "c")] == (5, 10)
    assert located.mark(("a", "b", 1, "c")) == (5, 10)
    assert located.marks[("a", "b", 1)] == (5, 7)
    assert located.marks[("a", "b", 1, "d", 1)] == (6, 14)
    assert located.key_marks[("a", "b", 1, "c")] == (5, 7)
    assert located.key_marks[("a", "b")] == (3, 3)
    assert located.key_marks[("title",)] == (1, 1)
    assert ("a", "b", 1) not in located.key_marks  # list items have no key


def test_mark_falls_back_to_nearest_ancestor():
    located = read(DOC)
    assert located.mark(("a", "b", 1, "missing", 3)) == (5, 7)
    assert located.mark(("nothing",)) == (1, 1)
    assert Located({}, {}, {}, F).mark(("a",)) == (0, 0)


def test_keys_keep_insertion_order():
    assert list(read("z: 1\na: 2\nm: 3\n").data) == ["z", "a", "m"]


def test_format_path():
    assert format_path(("red_lines", 2, "responses", 1, "p")) == "red_lines[2].responses[1].p"
    assert format_path(()) == ""
    assert format_path((3,)) == "[3]"
    assert format_path(("a b",)) == "['a b']"


def test_yaml_12_core_scalars(parser):
    data = read("""\
yes_: yes
no_: NO
on_: on
off_: Off
y_: y
n_: n
date: 2024-11-18
stamp: 2001-12-14t21:59:43.10-05:00
sexagesimal: 12:30
t: [true, True, TRUE]
f: [false, False, FALSE]
nulls: [null, Null, NULL, ~]
empty:
ints: [0, -12, +7, 007, 0x1F, 0o17, 1000000000000000, -1000000000000000]
floats: [1.5, -.5, 1., 1e3, 6.02E+23]
specials: [.inf, -.Inf, +.INF]
text: [1_000, 0b101, -0x10, 0o9, .5.5, inf, nan, "1", '2', <<]
""").data
    assert data["yes_"] == "yes" and data["no_"] == "NO" and data["on_"] == "on"
    assert data["off_"] == "Off" and data["y_"] == "y" and data["n_"] == "n"
    assert data["date"] == "2024-11-18"
    assert data["stamp"] == "2001-12-14t21:59:43.10-05:00"
    assert data["sexagesimal"] == "12:30"
    assert data["t"] == [True] * 3 and data["f"] == [False] * 3
    assert data["nulls"] == [None] * 4 and data["empty"] is None
    assert data["ints"] == [0, -12, 7, 7, 31, 15, 10**15, -(10**15)]
    assert all(type(i) is int for i in data["ints"])
    assert data["floats"] == [1.5, -0.5, 1.0, 1000.0, 6.02e23]
    assert all(type(f) is float for f in data["floats"])
    assert data["specials"] == [math.inf, -math.inf, math.inf]
    assert data["text"] == ["1_000", "0b101", "-0x10", "0o9", ".5.5", "inf", "nan", "1", "2", "<<"]


def test_nan_is_kept_as_float():
    value = read("x: .nan").data["x"]
    assert isinstance(value, float) and math.isnan(value)


def test_quoted_and_block_scalars_are_text():
    data = read("a: \"true\"\nb: '12'\nc: |\n  null\nd: >\n  3\n").data
    assert data == {"a": "true", "b": "12", "c": "null\n", "d": "3\n"}


def test_yes_and_on_as_keys_stay_text():
    assert read("yes: 1\nNo: 2\non: 3\n").data == {"yes": 1, "No": 2, "on": 3}


def test_quoted_number_key_and_quoted_merge_key_are_fine():
    assert read('"1": a\n"<<": b\n').data == {"1": "a", "<<": "b"}


def test_root_may_be_a_scalar_or_list():
    assert read("hello").data == "hello"
    assert read("- 1\n- 2\n").data == [1, 2]
    assert read("~").data is None


def test_document_markers_and_directives_are_fine():
    assert read("%YAML 1.2\n---\na: 1\n...\n").data == {"a": 1}


# ------------------------------------------------------------------------------ aliases


def test_aliases_expand_into_independent_copies(parser):
    located = read("base: &b\n  x: 1\n  y: [2, 3]\nother: *b\n")
    data = located.data
    assert data["other"] == {"x": 1, "y": [2, 3]}
    assert data["other"] is not data["base"]
    assert data["other"]["y"] is not data["base"]["y"]
    data["other"]["y"].append(4)
    assert data["base"]["y"] == [2, 3]
    # the alias itself is marked where it is used, its insides where they were written
    assert located.marks[("other",)] == (4, 8)
    assert located.marks[("other", "y", 0)] == (3, 7)
    assert located.key_marks[("other", "x")] == (2, 3)


def test_alias_as_key():
    assert read("- &k name\n- {*k : 1}\n").data == ["name", {"name": 1}]


def test_alias_bomb_billion_laughs():
    names = "abcdefghi"
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.process_time()
    # a=10 nodes, b adds 9*10, c adds 9*91, d adds 9*820 (8289 in all); e's first *d tips it
    assert error("\n".join(lines)) == (
        5,
        8,
        "e[0]",
        "too many aliases: the file expands past 10000 nodes (an alias bomb?)",
    )
    assert time.process_time() - start < 5.0


def test_many_aliases_just_under_the_limit_are_fine():
    items = ", ".join(["*a"] * (MAX_ALIAS_NODES // 10))
    data = read("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [" + items + "]\n").data
    assert len(data["b"]) == MAX_ALIAS_NODES // 10
    items = ", ".join(["*a"] * (MAX_ALIAS_NODES // 10 + 1))
    assert error("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [" + items + "]\n")[3].startswith("too many aliases")


def test_recursive_alias(parser):
    assert error("a: &a [1, *a]\n") == (1, 11, "a[1]", "recursive alias '*a' (it is inside its own anchor '&a')")
    assert error("a: &m\n  b: *m\n")[3].startswith("recursive alias '*m'")


def test_unknown_alias():
    assert error("- &apple 1\n- *aple\n") == (2, 3, "[1]", "unknown alias '*aple' (did you mean '*apple'?)")
    assert error("a: *x\n") == (1, 4, "a", "unknown alias '*x' (there is no anchor '&x' before it)")


def test_anchor_defined_twice():
    assert error("x: &a 1\ny: &a 2\n") == (2, 4, "y", "anchor '&a' is defined twice (first at line 1)")


def test_alias_cannot_smuggle_deep_nesting():
    deep = "[" * 30 + "1" + "]" * 30
    line, col, _path, message = error(f"a: &a {deep}\nb: {'[' * 25}*a{']' * 25}\n")
    assert (line, col, message) == (2, 29, "nesting is deeper than 50 levels")


# ---------------------------------------------------------------------------- refusals


def test_python_tag_is_refused_and_never_runs(tmp_path, parser):
    marker = tmp_path / "pwned"
    src = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    assert error(src) == (1, 4, "a", "tags like '!!python/object/apply:os.system' are not allowed")
    assert not marker.exists()
    assert error("x: !!python/object:os.system {}\n")[3] == ("tags like '!!python/object:os.system' are not allowed")


@pytest.mark.parametrize(
    ("src", "where", "tag"),
    [
        ("a: !!str 1\n", (1, 4, "a"), "!!str"),
        ("a: !foo bar\n", (1, 4, "a"), "!foo"),
        ("a: !!binary aGVsbG8=\n", (1, 4, "a"), "!!binary"),
        ("a: ! x\n", (1, 4, "a"), "!"),
        ("a:\n  - !!set {x: 1}\n", (2, 5, "a[0]"), "!!set"),
        ("--- !!map\na: 1\n", (1, 5, ""), "!!map"),
        ("!!str k: v\n", (1, 1, ""), "!!str"),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", (3, 4, "a"), "tag:example.com,2000:x"),
    ],
)
def test_every_tag_is_refused(src, where, tag):
    assert error(src) == (*where, f"tags like '{tag}' are not allowed")


def test_merge_key(parser):
    src = "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n"
    assert error(src) == (3, 3, "use", "merge keys (<<) are not supported; repeat the fields or use 'extends:'")


def test_deep_block_nesting(parser):
    src = "".join("  " * i + "k:\n" for i in range(60))
    line, col, path, message = error(src)
    assert (line, col, message) == (51, 101, "nesting is deeper than 50 levels")
    assert path == ".".join(["k"] * 50)
    ok = "".join("  " * i + "k:\n" for i in range(MAX_DEPTH))
    assert read(ok).data is not None


def test_deep_flow_nesting_100k_brackets(parser):
    for src in ("[" * 100_000, "{" * 100_000, "a: " + "[" * 100_000 + "]" * 100_000, "- " * 100_000 + "a"):
        start = time.process_time()
        line, _col, _path, message = error(src)
        assert message == "nesting is deeper than 50 levels"
        assert line == 1
        assert time.process_time() - start < 5.0
    assert error("[" * 51 + "]" * 51)[:2] == (1, 51)
    assert read("[" * MAX_DEPTH + "]" * MAX_DEPTH).data is not None


def test_duplicate_key(parser):
    assert error("a: 1\nb: 2\na: 3\n") == (3, 1, "a", "duplicate key 'a' (first at line 1)")
    assert error("x:\n  {k: 1, k: 2}\n") == (2, 10, "x.k", "duplicate key 'k' (first at line 2)")


@pytest.mark.parametrize(
    ("src", "where", "message"),
    [
        ("1: a\n", (1, 1), 'keys must be text, found a number (write it in quotes: "1")'),
        ("2.5: a\n", (1, 1), 'keys must be text, found a number (write it in quotes: "2.5")'),
        ("null: x\n", (1, 1), 'keys must be text, found null (write it in quotes: "null")'),
        ("true: x\n", (1, 1), 'keys must be text, found true/false (write it in quotes: "true")'),
        ("? [a]\n: b\n", (1, 3), "keys must be text, found a list"),
        ("[a, b]: c\n", (1, 1), "keys must be text, found a list"),
        ("? {a: 1}\n: b\n", (1, 3), "keys must be text, found a mapping"),
        ("? \n: b\n", None, "keys must be text, found null"),
    ],
)
def test_keys_must_be_text(src, where, message):
    line, col, path, got = error(src)
    assert got == message
    assert path == ""
    if where:
        assert (line, col) == where


def test_huge_int():
    assert error("n: 1234567890123456789\n") == (1, 4, "n", "number too large: 1234567890123456789")
    assert error("n: 1000000000000001\n")[3] == "number too large: 1000000000000001"
    assert error("n: -1000000000000001\n")[3] == "number too large: -1000000000000001"
    assert error("n: 0x38D7EA4C68001\n")[3] == "number too large: 0x38D7EA4C68001"
    long = "9" * 5000  # would trip Python's int() digit limit if converted
    assert error(f"n: {long}\n")[3] == f"number too large: {long[:37]}..."
    assert read("n: 1000000000000000\n").data == {"n": 10**15}


def test_long_string():
    assert error("t: " + "x" * 20_001 + "\n") == (1, 4, "t", "text is too long (20001 characters; the limit is 20000)")
    assert error('t: "' + "x" * 20_001 + '"\n')[3].startswith("text is too long (20001")
    assert error("? " + "x" * 20_001 + "\n: 1\n")[3].startswith("text is too long (20001")
    assert len(read("t: " + "x" * 20_000 + "\n").data["t"]) == 20_000


def test_tab_indentation(parser):
    line, col, _path, message = error("a:\n\tb: 1\n")
    assert (line, col) == (2, 1)
    assert message == ("found character '\\t' that cannot start any token (YAML indentation must use spaces, not tabs)")


def test_tab_that_violates_indentation():
    line, col, _path, message = error("a:\n  b: 1\n\tc: 2\n")
    assert (line, col) == (3, 1)
    assert message.endswith("(YAML indentation must use spaces, not tabs)")


def test_a_quote_in_a_block_scalar_does_not_move_the_error(parser):
    """Issue 17: prose like ``November: "Strikes`` inside ``>-`` was taken for a runaway quote."""
    src = 'a: >-\n  Zelensky on 17 November: "Strikes are not made with\n  words." More.\nb: 1\n@oops\n'
    assert error(src)[:2] == (5, 1)
    src = 'a: 1\n# title: "never closed in a comment\nb: [1,\n@oops\n'
    assert error(src)[:2] == (4, 1)


def test_a_quote_closed_later_on_a_good_line_is_not_blamed(parser):
    """A quoted text over several lines that ends well before the error is valid YAML."""
    src = 'a: "one\n  two"\nb: 1\nc: 2\n@oops\n'
    assert error(src)[:2] == (5, 1)


def test_a_runaway_quote_is_still_named(parser):
    assert error('a: 1\ntitle: "Open\nb: 2\nc: [\n')[:3] == (2, 8, "")
    assert error('a: 1\ntitle: "Open\nb: 2\nc: [\n')[3].startswith("this quoted text is never closed")
    assert "never closed" not in error('title: "Closed"\nb: [\n')[3]


@pytest.mark.parametrize("name", ["atacms_2024.yaml", "cuba_1962.yaml", "tutorial.yaml"])
def test_a_syntax_error_is_reported_where_it_is_in_every_shipped_scenario(name, parser):
    """A line '@oops' put before 40 lines spread over a shipped scenario is reported at its own line."""
    lines = (ROOT / "scenarios" / name).read_text(encoding="utf-8").split("\n")
    for at in range(1, len(lines), max(1, len(lines) // 40)):
        src = "\n".join([*lines[:at], "@oops", *lines[at:]])
        line, col, _path, message = error(src)
        assert (line, col) == (at + 1, 1), (at, message)


def test_other_syntax_errors_have_positions():
    assert error("a: 'unclosed\nb: 2\n") == (
        1,
        4,
        "",
        'this quoted text is never closed (it runs on to line 3); add the closing "\'"',
    )
    assert error("key: value: other\n") == (
        1,
        11,
        "",
        ("mapping values are not allowed in this context (put text that contains ': ' in quotes)"),
    )
    line, col, _path, message = error("a:\n  b: 1\n c: 2\n")
    assert (line, col) == (3, 2) and message.endswith("(check the indentation)")
    assert error("a: @x\n")[3] == (
        "found character '@' that cannot start any token (text that starts with '@' must be in quotes)"
    )


def test_empty_files(parser):
    for src in (b"", b"\n\n", b"   \n", b"# only\n# comments\n", b"---\n", b"\xef\xbb\xbf"):
        assert error(src) == (0, 0, "", "file is empty")


def test_two_documents(parser):
    assert error("a: 1\n---\nb: 2\n") == (2, 1, "", "only one YAML document per file")
    assert error("---\na: 1\n---\n") == (3, 1, "", "only one YAML document per file")


def test_several_problems_are_collected_in_order():
    diags = errors("a: !!str x\nb: 1\nb: 2\n3: c\nd: 99999999999999999\n")
    assert [(d.line, d.message.split(" ")[0]) for d in diags] == [
        (1, "tags"),
        (3, "duplicate"),
        (4, "keys"),
        (5, "number"),
    ]


def test_too_many_problems_are_capped():
    src = "".join(f"{i}: x\n" for i in range(200))
    diags = errors(src)
    assert len(diags) == yaml_source.MAX_DIAGNOSTICS + 1
    assert diags[-1].message == "... and 150 more problems in this file"


def test_problems_inside_an_alias_are_reported_once():
    diags = errors("a: &a {1: x}\nb: *a\nc: *a\n")
    assert [(d.line, d.col) for d in diags] == [(1, 8)]


# ------------------------------------------------------------------------------- bytes


def test_utf8_bom_is_accepted():
    located = read(b"\xef\xbb\xbfa: 1\nb: \xc3\xa9\n")
    assert located.data == {"a": 1, "b": "\u00e9"}
    assert located.key_marks[("a",)] == (1, 1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("a: 1\n".encode("utf-16"), "file is UTF-16 encoded; save it as UTF-8"),
        ("a: 1\n".encode("utf-16-le"), "file is UTF-16 encoded; save it as UTF-8"),
        ("a: 1\n".encode("utf-16-be"), "file is UTF-16 encoded; save it as UTF-8"),
        (b"\xfe\xff\x00a", "file is UTF-16 encoded; save it as UTF-8"),
        ("a: 1\n".encode("utf-32"), "file is UTF-32 encoded; save it as UTF-8"),
    ],
)
def test_utf16_and_utf32_are_refused(raw, message):
    assert error(raw) == (0, 0, "", message)


def test_invalid_utf8_byte_position():
    assert error(b"a: 1\nb: \xc3\xa9\xff\n") == (2, 5, "", "file is not valid UTF-8 (byte 0xff at line 2, column 5)")
    assert error(b"\x80")[3] == "file is not valid UTF-8 (byte 0x80 at line 1, column 1)"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters_are_refused(char):
    assert error(f"a: 1\r\nb: x{char}y\n") == (
        2,
        5,
        "",
        (f"file contains a control character (U+{ord(char):04X} at line 2, column 5); remove it"),
    )


def test_too_many_values():
    start = time.process_time()
    line, col, path, message = error("[" + "1," * 250_000 + "1]")
    assert (line, col, path) == (1, 400_000, "[199999]")
    assert message == ("too many values: the file has more than 200000 (lists, mappings and single values)")
    assert time.process_time() - start < 10.0
    assert len(read("[" + "1," * 199_998 + "1]").data) == 199_999  # the list itself is one


def test_garbage_collector_is_left_as_it_was():
    import gc

    assert gc.isenabled()
    read("a: 1")
    errors("a: !!str 1")
    assert gc.isenabled()
    gc.disable()
    try:
        read("a: 1")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_tab_cr_lf_are_fine():
    assert read("a: 'x\ty'\r\nb: 2\r\n").data == {"a": "x\ty", "b": 2}


def test_bytes_too_large():
    assert error(b"#" * (MAX_BYTES + 1)) == (0, 0, "", "file is too large (2000001 bytes; the limit is 2000000)")


# -------------------------------------------------------------------------------- files


def test_read_yaml_file(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("a: [1, 2]\n")
    located = read_yaml_file(path)
    assert located.data == {"a": [1, 2]}
    assert located.file == str(path)
    assert read_yaml_file(str(path), display_name="scenarios/ok.yaml").file == "scenarios/ok.yaml"


def test_read_yaml_file_errors_name_the_display_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n")
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(path, display_name="bad.yaml")
    assert str(info.value) == "bad.yaml:2:1: a: duplicate key 'a' (first at line 1)"


def test_read_yaml_file_too_large_reports_the_real_size(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 12345))
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(path, display_name="big.yaml")
    (d,) = info.value.diagnostics
    assert (d.file, d.line, d.message) == ("big.yaml", 0, "file is too large (2012345 bytes; the limit is 2000000)")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.yaml", "cannot read file: No such file or directory"),
        (".", "cannot read file: it is a directory"),
    ],
)
def test_read_yaml_file_cannot_read(tmp_path, name, message):
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(tmp_path / name, display_name="x.yaml")
    (d,) = info.value.diagnostics
    assert (d.file, d.line, d.col, d.path, d.message) == ("x.yaml", 0, 0, "", message)


def test_read_yaml_file_refuses_a_fifo(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError) as info:
        read_yaml_file(fifo)  # would block forever if opened
    assert info.value.diagnostics[0].message == "cannot read file: it is not a regular file"


# ---------------------------------------------------------------------- speed and fuzzing


def _assert_plain(value, depth=0):
    assert depth <= MAX_DEPTH + 1
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            _assert_plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item, depth + 1)
    else:
        assert value is None or type(value) in (str, int, float, bool)


def _only_scenario_errors(raw: bytes) -> None:
    start = time.process_time()
    try:
        located = read_yaml_bytes(raw, F)
    except ScenarioError as exc:
        assert exc.diagnostics
        assert all(isinstance(d, Diagnostic) and d.message for d in exc.diagnostics)
    else:
        _assert_plain(located.data)
        assert () in located.marks
    assert time.process_time() - start < 10.0


FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(raw):
    _only_scenario_errors(raw)


YAMLISH = st.lists(
    st.sampled_from(
        list("ab1 0.-:,[]{}&*!|>'\"#?%@`\\~<=+\t\n\r\xe9xyz")
        + [
            "- ",
            ": ",
            "\n  ",
            "&a ",
            "*a",
            "!!str ",
            "<<: ",
            "---\n",
            "...\n",
            "yes",
            "0x",
            "1e5",
            ".inf",
            "\\x",
            "? ",
            "\ufeff",
            "\u2028",
            "%YAML 1.2\n",
        ]
    ),
    max_size=200,
).map("".join)


@FUZZ
@given(YAMLISH)
def test_fuzz_yamlish_text(text):
    _only_scenario_errors(text.encode())


@settings(max_examples=100, deadline=2000)
@given(YAMLISH)
def test_fuzz_yamlish_text_pure_python_parser(text):
    old = yaml_source._USE_LIBYAML
    yaml_source._USE_LIBYAML = False
    try:
        _only_scenario_errors(text.encode())
    finally:
        yaml_source._USE_LIBYAML = old


def _nested(depth: int, leaf):
    return st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text("abc", min_size=1, max_size=3), inner, max_size=4)
        ),
        max_leaves=depth,
    )


@settings(max_examples=100, deadline=2000)
@given(_nested(30, st.integers(-(10**15), 10**15) | st.booleans() | st.none() | st.text("abc xyz-", max_size=10)))
def test_round_trip_of_json_like_data(value):
    import json

    # JSON is YAML 1.2: what json.dumps writes must come back unchanged
    assert read(json.dumps(value)).data == value


def test_hints_for_quotes_a_teacher_gets_wrong():
    assert "use single quotes inside" in error('when: "taken("x") > 0"\n')[3]
    assert "inside { } a ': ' starts a new field" in error("a: {id: x, description: Notes: protests}\n")[3]
