"""Reading the JSON files users and other programs hand us (saves, settings, game logs, manifests).

None of them is trusted. A file is read only when it is a regular file (never a FIFO, a device
or a symlink to one) and only up to a size cap; JSON is parsed with a nesting limit and without
the numbers JSON should not carry (NaN, Infinity, 1e400, a 5,000-digit integer); the result is
structured by cattrs into frozen attrs classes whose hooks accept only the exact JSON types
(``"3"`` is not a number, ``true`` is not 1, a string is not a list) and whose validators check
ranges. Every problem is a ``DataFileError`` with one line that says where and why.
"""

from __future__ import annotations

import json
import os
import re
import stat
import typing
from typing import Any, TypeVar

import attrs
import cattrs
import cattrs.cols
import numpy as np
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

MAX_DEPTH = 64
MAX_INT_DIGITS = 20  # a uint64 seed has 20 digits; nothing in our files needs more

T = TypeVar("T")


class DataFileError(Exception):
    """A file that cannot be used; ``str()`` is one line in plain words."""


class BadValue(ValueError):
    """A value of the wrong type or out of range (the message says which and why)."""


def read_regular_file(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``.

    Checked before opening (a FIFO would block the open, a device would read forever) and again
    on the open descriptor (the file may be swapped in between); opened non-blocking.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DataFileError("the file is gone") from None
    except OSError as exc:
        raise DataFileError(f"cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    _check_regular(st, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise DataFileError(f"cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    try:
        _check_regular(os.fstat(fd), max_bytes)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise DataFileError(f"cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise DataFileError(f"too large (over {_size(max_bytes)})")
    return b"".join(chunks)


def _check_regular(st: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe" if stat.S_ISFIFO(st.st_mode) else "a device"
        raise DataFileError(f"not a regular file ({kind})")
    if st.st_size > max_bytes:
        raise DataFileError(f"too large ({_size(st.st_size)}, the limit is {_size(max_bytes)})")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n:,} bytes"


# a JSON string, or an unterminated one to the end of the text: every quote starts a match that
# cannot fail, so the scan is linear (a pattern that can fail restarts at each escaped quote)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)


def parse_json(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse UTF-8 JSON; ``DataFileError`` for bad text, too deep nesting or unsafe numbers."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"not UTF-8 text (byte {exc.start})") from None
    depth = json_depth(raw)
    if depth > max_depth:
        raise DataFileError(f"nested {depth} levels deep (the limit is {max_depth})")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from None
    except BadValue as exc:
        raise DataFileError(str(exc)) from None
    except RecursionError:
        raise DataFileError(f"nested too deeply (the limit is {max_depth})") from None


def json_depth(raw: bytes) -> int:
    """How deep ``[`` and ``{`` nest in JSON text, strings skipped (linear time, no recursion)."""
    bare = np.frombuffer(_STRING.sub(b'""', raw), dtype=np.uint8)
    if bare.size == 0:
        return 0
    step = ((bare == ord("[")) | (bare == ord("{"))).astype(np.int8) - ((bare == ord("]")) | (bare == ord("}")))
    return int(np.cumsum(step, dtype=np.int32).max(initial=0))


def _no_constant(name: str) -> None:
    raise BadValue(f"{name} is not a number a Redline file can hold")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadValue(f"the integer {text[:12]}... has {len(text.lstrip('-'))} digits (too large)")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not np.isfinite(value):
        raise BadValue(f"the number {text[:24]} is too large")
    return value


# ---------------------------------------------------------------- structure


def _strict_int(value: Any, _t: Any) -> int:
    if type(value) is not int:
        raise BadValue(f"expected a whole number, found {_show(value)}")
    return value


def _strict_float(value: Any, _t: Any) -> float:
    if type(value) not in (int, float):
        raise BadValue(f"expected a number, found {_show(value)}")
    return float(value)


def _strict_str(value: Any, _t: Any) -> str:
    if type(value) is not str:
        raise BadValue(f"expected text, found {_show(value)}")
    return value


def _strict_bool(value: Any, _t: Any) -> bool:
    if type(value) is not bool:
        raise BadValue(f"expected true or false, found {_show(value)}")
    return value


def _show(value: Any) -> str:
    kind = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if type(value) in (int, float, bool) or value is None:
        return json.dumps(value)
    if type(value) is str:
        return json.dumps(value[:30] + ("..." if len(value) > 30 else ""))
    return kind.get(type(value), type(value).__name__)


def _is_tuple(t: Any) -> bool:
    return typing.get_origin(t) is tuple


def _is_dict(t: Any) -> bool:
    return typing.get_origin(t) is dict


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=False)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)

    def tuple_hook_factory(t: Any) -> Any:
        inner = cattrs.cols.homogenous_tuple_structure_factory(t, conv)

        def hook(value: Any, _t: Any) -> tuple:
            if type(value) not in (list, tuple):  # JSON gives lists; a checked dict may hold tuples
                raise BadValue(f"expected a list, found {_show(value)}")
            return inner(value, _t)

        return hook

    def dict_hook_factory(t: Any) -> Any:
        inner = cattrs.cols.mapping_structure_factory(t, conv)

        def hook(value: Any, _t: Any) -> dict:
            if type(value) is not dict:
                raise BadValue(f"expected an object, found {_show(value)}")
            return inner(value, _t)

        return hook

    conv.register_structure_hook_factory(_is_tuple, tuple_hook_factory)
    conv.register_structure_hook_factory(_is_dict, dict_hook_factory)
    return conv


CONVERTER = _make_converter()


def structure(data: Any, cls: type[T], what: str) -> T:
    """``data`` as ``cls`` (whose ``FORMAT`` class variable, if any, must match the ``format`` key);
    ``DataFileError`` naming the first bad field (``$.decisions[3].turn: ...``)."""
    if type(data) is not dict:
        raise DataFileError(f"not {what} (expected a JSON object, found {_show(data)})")
    expected = getattr(cls, "FORMAT", None)
    if expected is not None and data.get("format") != expected:
        raise DataFileError(f"not {what} (format {_show(data.get('format'))}, expected {expected})")
    try:
        return CONVERTER.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        msgs = cattrs.transform_error(exc, format_exception=_format)
        first = _where_first(msgs[0]) if msgs else "malformed"
        more = f" (and {len(msgs) - 1} more)" if len(msgs) > 1 else ""
        raise DataFileError(f"{first}{more}") from None
    except (BadValue, TypeError, ValueError) as exc:
        raise DataFileError(str(exc)) from None


def _where_first(message: str) -> str:
    """cattrs' ``msg @ $.a[0].b`` as ``a[0].b: msg``."""
    msg, at, path = message.rpartition(" @ ")
    return f"{path.removeprefix('$.')}: {msg}" if at and path != "$" else (msg or message)


def _format(exc: BaseException, _type: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, BadValue):
        return str(exc)
    return str(exc).split("\n")[0] or exc.__class__.__name__


def load_json_file(path: str | os.PathLike, cls: type[T], what: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> T:
    """Read, parse and structure one file; ``DataFileError`` with one line if it is unusable."""
    return structure(parse_json(read_regular_file(path, max_bytes), max_depth), cls, what)


# ---------------------------------------------------------------- validators


def in_range(lo: float, hi: float):
    """An attrs validator: ``lo <= value <= hi``, with a message naming the field."""

    def check(_inst: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not lo <= value <= hi:
            raise BadValue(f"{attribute.name} {value!r} is out of range [{lo:g}, {hi:g}]")

    return check


def one_of(choices: typing.Iterable[str]):
    allowed = tuple(choices)

    def check(_inst: Any, attribute: attrs.Attribute, value: Any) -> None:
        if value not in allowed:
            raise BadValue(f"{attribute.name} {_show(value)} is not one of {', '.join(allowed)}")

    return check
