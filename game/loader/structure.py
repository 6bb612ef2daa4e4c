"""Plain YAML data -> the frozen ``Scenario``, with cattrs, and every error at its line.

Sections that authors write as mappings keyed by id (``weapons: {atacms: {...}}``) are
turned into lists first; ``PathMap`` turns a model path back into the author's path so a
message says ``weapons.atacms.range_km``, not ``weapons[3].range_km``.
"""

from __future__ import annotations

import functools
import math
import types
import typing
from collections.abc import Callable

import attrs

from game.diagnostics import Diagnostic, did_you_mean
from game.loader import for_each, rungs_off
from game.model import KEYED_SECTIONS, Scenario

Path = tuple[str | int, ...]

SINGULAR_TO_LIST = {"tag": "tags", "site": "sites", "kind": "kinds"}


class _Bad(Exception):
    """A scalar of the wrong type; the message is shown to the author as is."""


def _str(value, _type) -> str:
    if isinstance(value, bool):
        word = str(value).lower()
        raise _Bad(f"expected text, found {word} (write it in quotes: '{word}')")
    if value is None:
        raise _Bad(
            "expected text, found nothing (if the text starts with #, YAML read it as a comment: "
            "put it in quotes, like '#0072B2')"
        )
    if isinstance(value, (dict, list)):
        raise _Bad(f"expected text, found {_describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(f"expected text, found {value!r}")
    return value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)


def _float(value, _type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"expected a number, found {_describe(value)}")
    if not math.isfinite(value):
        raise _Bad(f"expected a finite number, found {value!r}")
    return float(value)


def _int(value, _type) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"expected a whole number, found {_describe(value)}")
    if isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
        raise _Bad(f"expected a whole number, found {value!r}")
    return int(value)


def _bool(value, _type) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, found {_describe(value)}")
    return value


def _describe(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"text {short!r}"
    return repr(value)


@functools.cache
def converter():
    """The cattrs converter that words every structural error, made at the first error (its
    import and the structuring code it generates per class are most of a valid file's cost)."""
    import cattrs
    from cattrs.errors import IterableValidationError

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, _bool)

    def _tuple_hook_factory(tp):
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            inner = args[0]

            def structure_var(value, _t):
                if isinstance(value, (str, int, float)) and not isinstance(value, bool) and inner is str:
                    value = [value]
                if not isinstance(value, list):
                    raise _Bad(f"expected a list, found {_describe(value)}")
                errors, out = [], []
                for i, item in enumerate(value):
                    try:
                        out.append(conv.structure(item, inner))
                    except Exception as exc:  # noqa: BLE001 - regrouped with its index below
                        exc.__notes__ = [*getattr(exc, "__notes__", []), _Index(i)]
                        errors.append(exc)
                if errors:
                    raise IterableValidationError("list", errors, tp)
                return tuple(out)

            return structure_var

        def structure_fixed(value, _t):
            if not isinstance(value, list) or len(value) != len(args):
                found = f"a list of {len(value)}" if isinstance(value, list) else _describe(value)
                raise _Bad(f"expected a list of {len(args)} numbers, found {found}")
            return tuple(conv.structure(v, a) for v, a in zip(value, args))

        return structure_fixed

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is tuple, _tuple_hook_factory)

    def _dict_hook_factory(tp):
        key_t, val_t = typing.get_args(tp)

        def structure_dict(value, _t):
            if not isinstance(value, dict):
                raise _Bad(f"expected a mapping, found {_describe(value)}")
            return {conv.structure(k, key_t): conv.structure(v, val_t) for k, v in value.items()}

        return structure_dict

    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is dict, _dict_hook_factory)
    return conv


@attrs.frozen
class _Index:
    index: int


class _Unusual(Exception):
    """Something the plain reader leaves to cattrs: an error, or a type it does not know."""


def _plain(value, cls):
    """``value`` as an instance of the attrs class ``cls``, as cattrs (``converter()``)
    structures it when the data is valid, without cattrs; raises on anything else, which
    cattrs then reads again to word every error."""
    if type(value) is not dict:
        raise _Unusual
    fields, names = _plan(cls)
    if not names.issuperset(value):
        raise _Unusual
    return cls(**{name: read(value[name]) for name, read, required in fields if required or name in value})


@functools.cache
def _plan(cls) -> tuple[tuple[tuple[str, Callable, bool], ...], frozenset]:
    """(name, reader, required) of each field of ``cls``, and the set of their names."""
    hints = typing.get_type_hints(cls)
    fields = tuple((f.name, _reader(hints[f.name]), f.default is attrs.NOTHING) for f in attrs.fields(cls))
    return fields, frozenset(name for name, _, _ in fields)


_SCALARS: dict[type, Callable] = {str: _str, float: _float, int: _int, bool: _bool}


def _reader(tp) -> Callable:
    """The plain reader of a field's type: the converter's own hooks for scalars, its rules for
    tuples, mappings and optional values (see ``converter``)."""
    scalar = _SCALARS.get(tp)
    if scalar is not None:
        return functools.partial(scalar, _type=tp)
    if isinstance(tp, type) and attrs.has(tp):
        return functools.partial(_plain, cls=tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        some = _reader(args[0] if args[1] is type(None) else args[1])
        return lambda v: None if v is None else some(v)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item, text = _reader(args[0]), args[0] is str

        def many(v):
            if text and isinstance(v, (str, int, float)) and not isinstance(v, bool):
                v = [v]
            if type(v) is not list:
                raise _Unusual
            return tuple(item(x) for x in v)

        return many
    if origin is tuple and args:
        items = tuple(_reader(a) for a in args)

        def fixed(v):
            if type(v) is not list or len(v) != len(items):
                raise _Unusual
            return tuple(read(x) for read, x in zip(items, v, strict=True))

        return fixed
    if origin is dict and len(args) == 2:
        key, val = _reader(args[0]), _reader(args[1])

        def mapping(v):
            if type(v) is not dict:
                raise _Unusual
            return {key(k): val(x) for k, x in v.items()}

        return mapping

    def unknown(v):
        raise _Unusual

    return unknown


@attrs.frozen
class PathMap:
    """Maps model paths (``('weapons', 3, 'range_km')``) to the author's YAML paths."""

    keyed: dict[str, tuple[str, ...]]
    action_sources: tuple[int, ...] = ()
    """Per action of the model, the item of ``actions:`` it was written as (``for_each_actor:``)."""

    def to_yaml(self, path: Path) -> Path:
        if len(path) >= 2 and path[0] == "actions" and isinstance(path[1], int) and path[1] < len(self.action_sources):
            return (path[0], self.action_sources[path[1]], *path[2:])
        if len(path) >= 2 and path[0] in self.keyed and isinstance(path[1], int):
            keys = self.keyed[path[0]]
            if path[1] < len(keys):
                return (path[0], keys[path[1]], *path[2:])
        return path


def normalize(data: dict) -> tuple[dict, PathMap, list[tuple[Path, str]]]:
    """Keyed sections -> lists with ``id``; singular target keys -> lists; ``for_each_actor:``
    actions copied out per actor; ``rungs_off`` in signals written out. Also returns the
    problems of those shorthands, by YAML path."""
    out = dict(data)
    keyed: dict[str, tuple[str, ...]] = {}
    for (section,), id_field in KEYED_SECTIONS.items():
        value = out.get(section)
        if isinstance(value, dict):
            items = []
            for key, fields in value.items():
                if isinstance(fields, dict):
                    fields = {id_field: key, **fields}
                elif section == "variables" and isinstance(fields, (int, float)):
                    fields = {id_field: key, "initial": fields}
                items.append(fields)
            out[section] = items
            keyed[section] = tuple(value.keys())
    actions = out.get("actions")
    sources: tuple[int, ...] = ()
    problems: list[tuple[Path, str]] = []
    if isinstance(actions, list):
        actors, weapons = (v if isinstance(v := out.get(k), list) else [] for k in ("actors", "weapons"))
        copied = for_each.expand(actions, actors, weapons)
        out["actions"] = [_normalize_target(a) for a in copied.actions]
        sources, problems = copied.sources, copied.problems
    if isinstance(out.get("signals"), list):
        ladder = out.get("ladder")
        rungs = ladder.get("rungs") if isinstance(ladder, dict) else None
        variables = out.get("variables")
        out["signals"], more = rungs_off.expand(
            out["signals"], rungs if isinstance(rungs, list) else [], variables if isinstance(variables, list) else []
        )
        problems += [(PathMap(keyed).to_yaml(path), message) for path, message in more]
    return _bools_in_expressions(out), PathMap(keyed, sources), problems


EXPRESSION_FIELDS = frozenset({"when", "p", "weight", "score"})


def _bools_in_expressions(value, depth: int = 0):
    """``when: true`` is the expression ``1`` (as the JSON Schema allows)."""
    if depth > 8:
        return value
    if isinstance(value, dict):
        return {
            k: ("1" if v else "0")
            if k in EXPRESSION_FIELDS and isinstance(v, bool)
            else _bools_in_expressions(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_bools_in_expressions(v, depth + 1) for v in value]
    return value


def _normalize_target(action):
    if not isinstance(action, dict) or not isinstance(action.get("target"), dict):
        return action
    target = dict(action["target"])
    for one, many in SINGULAR_TO_LIST.items():
        if one in target and many not in target:
            target[many] = target.pop(one)
    return {**action, "target": target}


def _field_names(cls) -> list[str]:
    return [f.name for f in attrs.fields(cls)]


def _walk(exc: BaseException, path: Path, cls, out: list[tuple[Path, str]]) -> None:
    """Flatten a cattrs exception group into (model path, message) pairs."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    notes = getattr(exc, "__notes__", [])
    here = path
    for note in notes:
        name = getattr(note, "name", None)
        index = getattr(note, "index", None)
        if isinstance(note, _Index):
            here = (*here, note.index)
        elif name is not None:
            here = (*here, name)
        elif index is not None:
            here = (*here, index)
    if isinstance(exc, ClassValidationError):
        for sub in exc.exceptions:
            _walk(sub, here, exc.cl, out)
    elif isinstance(exc, IterableValidationError):
        for sub in exc.exceptions:
            _walk(sub, here, cls, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        known = _field_names(exc.cl)
        for key in sorted(exc.extra_fields):
            out.append(((*here, key), f"unknown field '{key}'{did_you_mean(key, known)}"))
    elif isinstance(exc, KeyError):
        out.append((here, "required field is missing"))
    elif isinstance(exc, _Bad):
        out.append((here, str(exc)))
    elif isinstance(exc, (TypeError, AttributeError)) and "mapping" not in str(exc):
        out.append((here, "expected a mapping of fields"))
    else:
        out.append(
            (here, "expected a mapping of fields" if not isinstance(exc, ValueError) else f"invalid value ({exc})")
        )


def structure(
    data, file: str, mark, pathmap: PathMap, show=None, in_braces=None
) -> tuple[Scenario | None, list[Diagnostic]]:
    """Structure normalized data into a Scenario, or collect every structural error."""
    from game.loader.yaml_source import format_path

    if not isinstance(data, dict):
        return None, [Diagnostic(file, 1, 1, "", "a scenario is a mapping of sections (format:, meta:, ...)")]
    try:
        return _plain(data, Scenario), []
    except Exception:  # noqa: BLE001, S110 - cattrs reads it again below and words the errors
        pass
    try:
        return converter().structure(data, Scenario), []
    except Exception as exc:  # noqa: BLE001 - every failure becomes a diagnostic
        pairs: list[tuple[Path, str]] = []
        _walk(exc, (), Scenario, pairs)
        pairs = _fold_misspelt_required(pairs)
        diags = []
        for model_path, message in pairs:
            ypath = pathmap.to_yaml(model_path)
            where, line, col = mark(ypath, message.startswith("unknown field"))
            shown = show(ypath) if show else format_path(ypath)
            if message.startswith("unknown field") and in_braces and in_braces(ypath):
                message += " (inside { } a comma ends a value: put text that contains commas in quotes)"
            diags.append(Diagnostic(where or file, line, col, shown, message))
        return None, _dedupe(diags, file)


def _fold_misspelt_required(pairs: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """``laddr:`` is both an unknown field and a missing ``ladder:``: report it once, as the
    misspelling (at the line the author wrote), not also as a missing section."""
    meant = set()
    for path, message in pairs:
        if message.startswith("unknown field") and "(did you mean '" in message:
            meant.add((*path[:-1], message.split("(did you mean '")[1].split("'")[0]))
    return [(p, m) for p, m in pairs if not (m == "required field is missing" and p in meant)]


def _dedupe(diags: list[Diagnostic], file: str) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return sorted(out, key=lambda d: (d.file != file, d.line, d.col))


__all__ = ["PathMap", "converter", "normalize", "structure"]
