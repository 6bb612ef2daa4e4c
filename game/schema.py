"""The JSON Schema of ``redline/1``, generated from the same attrs model the loader uses.

Editors (VS Code with the YAML extension) use it for completion and checks as an
instructor types; ``python main.py schema`` prints it.
"""

from __future__ import annotations

import typing

import attrs

from game import model
from game.model import KEYED_SECTIONS, Scenario

EXPR_FIELDS = {"when", "p", "weight", "score"}


def _type_schema(tp, field_name: str, defs: dict) -> dict:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is str:
        if field_name in EXPR_FIELDS:
            return {"type": ["string", "number", "boolean"]}
        return {"type": ["string", "number"]} if field_name in ("name", "title") else {"type": "string"}
    if tp is float:
        return {"type": "number"}
    if tp is int:
        return {"type": "integer"}
    if tp is bool:
        return {"type": "boolean"}
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        inner = [a for a in args if a is not type(None)]
        return {"anyOf": [_type_schema(inner[0], field_name, defs), {"type": "null"}]}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            items = _type_schema(args[0], field_name, defs)
            if args[0] is str:
                return {"anyOf": [{"type": "array", "items": items}, items]}
            return {"type": "array", "items": items}
        return {
            "type": "array",
            "prefixItems": [_type_schema(a, field_name, defs) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], field_name, defs)}
    if attrs.has(tp):
        _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    return {}


def _class_schema(cls, defs: dict, drop_id: bool = False) -> dict:
    name = cls.__name__ + ("Keyed" if drop_id else "")
    if name in defs:
        return defs[name]
    defs[name] = {}
    hints = typing.get_type_hints(cls, vars(model))
    props, required = {}, []
    for f in attrs.fields(cls):
        if drop_id and f.name == "id":
            continue
        sch = dict(_type_schema(hints[f.name], f.name, defs))
        if f.metadata.get("help"):
            sch["description"] = f.metadata["help"]
        props[f.name] = sch
        if f.default is attrs.NOTHING:
            required.append(f.name)
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if cls.__doc__ and cls.__doc__.strip():
        out["description"] = cls.__doc__.strip().splitlines()[0]
    if required:
        out["required"] = required
    defs[name] = out
    return out


def json_schema() -> dict:
    defs: dict = {}
    root = _class_schema(Scenario, defs)
    hints = typing.get_type_hints(Scenario, vars(model))
    for (section,), _id in KEYED_SECTIONS.items():
        item_cls = typing.get_args(hints[section])[0]
        keyed = _class_schema(item_cls, defs, drop_id=True)
        listed = {"$ref": f"#/$defs/{item_cls.__name__}"}
        value = keyed
        if section == "variables":
            value = {"anyOf": [keyed, {"type": "number"}]}
        root["properties"][section] = {
            "description": root["properties"][section].get("description", ""),
            "anyOf": [{"type": "object", "additionalProperties": value}, {"type": "array", "items": listed}],
        }
    target = defs["Target"]["properties"]
    for one, many in (("tag", "tags"), ("site", "sites"), ("kind", "kinds")):
        target[one] = dict(target[many], description=f"Same as `{many}`.")
    action = defs["Action"]
    action["properties"]["for_each_actor"] = {
        "anyOf": [
            {"type": "boolean"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ],
        "description": "Instead of `actor`: one copy of the action per actor (`true`), per listed actor, or per "
        "actor with its adversary (`{a: b, b: a}`); `self.` and `adversary.` in its expressions name them.",
    }
    action["required"] = [r for r in action["required"] if r != "actor"]
    action["anyOf"] = [{"required": ["actor"]}, {"required": ["for_each_actor"]}]
    root["properties"]["format"] = {"const": "redline/1", "description": "Always `redline/1`."}
    root["properties"]["extends"] = {"type": "string", "description": "A base scenario this one overrides."}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://redline.invalid/schema/redline-1.json",
        "title": "Redline scenario (format redline/1)",
        **root,
        "$defs": {k: v for k, v in defs.items() if k != "Scenario"},
    }
