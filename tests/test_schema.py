"""The JSON Schema comes from the loader's own model: same verdicts where the schema can tell."""

from __future__ import annotations

import glob
import json

import jsonschema
import pytest

from game.loader.yaml_source import read_yaml_bytes
from game.schema import json_schema

SCHEMA = json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
STRUCTURAL = (
    "unknown field",
    "expected a number",
    "expected text",
    "required field is missing",
    "expected a list",
    "expected a mapping",
    "expected true or false",
    "expected a whole number",
)


def test_schema_is_valid_and_committed():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    with open("docs/redline.schema.json") as fh:
        assert json.load(fh) == SCHEMA, "run: python main.py schema --out docs/redline.schema.json"


@pytest.mark.parametrize("path", sorted(glob.glob("scenarios/*.yaml")))
def test_shipped_scenarios_pass_the_schema(path):
    data = read_yaml_bytes(open(path, "rb").read(), path).data
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert not errors, errors[:5]
    assert open(path).readline().startswith("# yaml-language-server: $schema=../docs/redline.schema.json")


def _expectation(path):
    first = open(path, "rb").readline().decode("utf-8", "replace")
    return first.split(":", 1)[1] if first.startswith("# expect") else ""


CORPUS = [p for p in sorted(glob.glob("tests/bad_scenarios/*.yaml")) if any(s in _expectation(p) for s in STRUCTURAL)]


@pytest.mark.parametrize("path", CORPUS)
def test_structural_mistakes_fail_the_schema_too(path):
    data = read_yaml_bytes(open(path, "rb").read(), path).data
    assert list(VALIDATOR.iter_errors(data)), f"the loader refuses {path} but the schema accepts it"
