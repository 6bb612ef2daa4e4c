"""The corpus in tests/bad_scenarios/: one broken thing per file, one clear first error each.

Every file starts with ``# expect: <first diagnostic>`` (the exact text ``validate`` prints,
with the path as seen from the repository root), or ``# expect-bug: <what it should be>``
for a known loader bug; those files also end with ``# bug: <what goes wrong today>`` and
their exact-message test is a strict xfail, so a fix shows up as XPASS (then turn the header
into ``# expect:``). Whatever the header, loading must raise ``ScenarioError`` and nothing else.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.diagnostics import ScenarioError
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
CORPUS = "tests/bad_scenarios"
FILES = sorted(p.name for p in (ROOT / CORPUS).glob("*.yaml"))
HEADER = re.compile(r"# (expect|expect-bug): (.+)\Z")


def _text(name: str) -> str:
    raw = (ROOT / CORPUS / name).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8", errors="replace")


def header(name: str) -> tuple[str, str, str]:
    """(kind, expected first diagnostic, bug note) from the file's first and last lines."""
    lines = _text(name).splitlines() or [""]
    match = HEADER.match(lines[0])
    assert match, f"{name}: the first line must be '# expect: ...' or '# expect-bug: ...'"
    note = next((line[len("# bug: ") :] for line in reversed(lines) if line.startswith("# bug: ")), "")
    return match.group(1), match.group(2), note


def _param(name: str):
    kind, expected, note = header(name)
    if kind == "expect":
        return pytest.param(name, expected, id=name)
    reason = f"loader bug: {note or 'see the file'}; should be: {expected}"
    return pytest.param(name, expected, id=name, marks=pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # messages carry the path as typed: tests/bad_scenarios/...


def first_problems(name: str) -> list:
    path = f"{CORPUS}/{name}"
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.diagnostics
    pytest.fail(f"{path} was accepted")


def test_corpus_is_there():
    assert len(FILES) >= 40
    numbers = [name[:2] for name in FILES]
    assert len(set(numbers)) == len(numbers), "two files share a number"
    for name in FILES:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.yaml", name), name
        kind, expected, note = header(name)
        assert expected.startswith(f"{CORPUS}/{name}"), name
        assert (kind == "expect-bug") == bool(note), f"{name}: '# bug:' note goes with '# expect-bug:' only"


@pytest.mark.parametrize("name", FILES)
def test_rejected_with_diagnostics_only(name):
    """ScenarioError, never another exception; every diagnostic names this file and is an error."""
    diags = first_problems(name)
    assert diags
    for d in diags:
        assert d.file == f"{CORPUS}/{name}", d
        assert d.severity == "error", d
        assert d.message and "\n" not in str(d), d
        assert d.line >= 0 and d.col >= 0 and (d.line == 0) == (d.col == 0), d
        assert "Traceback" not in d.message and "object at 0x" not in d.message, d


@pytest.mark.parametrize(("name", "expected"), [_param(name) for name in FILES])
def test_first_diagnostic(name, expected):
    assert str(first_problems(name)[0]) == expected


# ------------------------------------------------------------------ the validate command


def validate(*args: str) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, "main.py", "validate", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in p.stdout + p.stderr, p.stdout + p.stderr
    return p


def test_validate_three_bad_files():
    names = ["03_duplicate_key.yaml", "28_weapon_of_other_actor.yaml", "37_unknown_variable.yaml"]
    p = validate(*(f"{CORPUS}/{n}" for n in names))
    assert p.returncode == 1, (p.stdout, p.stderr)
    lines = p.stdout.splitlines()
    n_errors = 0
    for n in names:
        diags = first_problems(n)
        n_errors += len(diags)
        for d in diags:
            assert str(d) in lines
        assert header(n)[1] in lines
    assert lines[-1] == f"0 of 3 scenarios valid; {n_errors} errors in 3 files"


def test_validate_missing_file():
    p = validate(f"{CORPUS}/no_such_file.yaml")
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        f"{CORPUS}/no_such_file.yaml: no such file",
        "0 of 1 scenario valid; 1 error in 1 file",
    ]


def test_validate_a_directory():
    p = validate(CORPUS)
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        f"{CORPUS}: is a folder, not a scenario file",
        "0 of 1 scenario valid; 1 error in 1 file",
    ]


def test_validate_without_a_file_is_bad_usage():
    p = validate()
    assert p.returncode == 2
    assert "usage: python main.py validate" in p.stderr
    assert "the following arguments are required: FILE" in p.stderr
    assert p.stdout == ""


def test_boolean_condition_is_accepted_as_the_schema_says():
    from game.runners.load import load_bytes
    from game.schema import json_schema

    assert "boolean" in json_schema()["$defs"]["Action"]["properties"]["when"]["type"]
    text = (ROOT / "scenarios/tutorial.yaml").read_text()
    text = text.replace('    when: "tension >= 0.4"\n', "    when: true\n")
    load_bytes(text.encode(), "tutorial.yaml")


# ------------------------------------------------------------------ an apostrophe in single quotes


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure"])
@pytest.mark.parametrize(
    ("text", "where", "word"),
    [
        ("meta:\n  title: 'Russia's line'\n", (2, 17), "Russia's"),
        ("items:\n  - {id: a, name: 'Borvia's talks', x: 1}\n", (2, 26), "Borvia's"),
        ("a:\n  text: 'It's {actor}'\n  b: 1\n", (2, 12), "It's"),
    ],
)
def test_an_apostrophe_that_ends_single_quotes_is_named(monkeypatch, pure, text, where, word):
    from game.loader import yaml_source

    if pure:
        monkeypatch.setattr(yaml_source, "_USE_LIBYAML", False)
    elif not yaml_source._USE_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    with pytest.raises(ScenarioError) as exc:
        yaml_source.read_yaml_bytes(text.encode(), "f.yaml")
    (d,) = exc.value.diagnostics
    assert (d.line, d.col) == where
    assert d.message.startswith(f"the apostrophe in {word} ends this single-quoted text early;")
    assert f"('{word.replace(chr(39), chr(39) * 2)}')" in d.message


def test_other_errors_after_single_quotes_keep_their_message():
    from game.loader import yaml_source

    for text in ("a: 'Aldoria' is here\n", "a: 'it''s' b\n"):
        with pytest.raises(ScenarioError) as exc:
            yaml_source.read_yaml_bytes(text.encode(), "f.yaml")
        assert "apostrophe" not in exc.value.diagnostics[0].message
