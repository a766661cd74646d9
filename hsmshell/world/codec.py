"""World <-> plain data (what YAML holds), with errors that name the place.

Collections keyed by an id (clusters, keys, key stores, ...) are dicts in memory and lists in
the file, each item carrying its own id as its first field, which reads naturally by hand.
Decoding checks every field's type and rejects unknown or missing fields; a problem is raised
as `SchemaError` with the path of the offending value, which the store turns into a line
number of the file.  Every value is typed (no field takes whatever YAML holds), so a hand edit
cannot put into the world what a service or the file could not handle: integers fit in 64 bits
(what the derived cache and the real HSM hold), and every number of seconds (the model's only
floats: times and delays) is finite and within the years a clock can show.
"""

from __future__ import annotations

import contextlib
import types
import typing
from functools import cache
from typing import Any, Callable

import msgspec

from . import model


class SchemaError(ValueError):
    def __init__(self, path: tuple, problem: str):
        super().__init__(problem)
        self.path = path
        self.problem = problem

    def where(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(top)"


def is_record(tp: Any) -> bool:
    """Whether `tp` is a class of the world's parts (model.Record) or the world itself."""
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def holds_fields(obj: Any) -> bool:
    """Whether `obj` is a part of the world or the world (an instance of a record class)."""
    return isinstance(obj, msgspec.Struct)


# A field whose value is a dict of records keyed by their first field is a list in the file.
def _is_keyed(tp: Any) -> bool:
    return typing.get_origin(tp) is dict and is_record(typing.get_args(tp)[1])


INT_LIMIT = 2**63  # a signed 64-bit integer


MISSING = msgspec.NODEFAULT  # a field's default, or its factory, when it has none


class Field(typing.NamedTuple):
    """A saved field of a record: its name, and its default or the factory of one (MISSING
    for none)."""

    name: str
    default: Any
    default_factory: Any

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.default_factory is MISSING


@cache
def _fields(cls: type) -> tuple[tuple[Field, Any], ...]:
    """The saved fields of a record class, each with its type (the world's `not_saved` left out)."""
    hints = typing.get_type_hints(cls, vars(model))
    left_out = getattr(cls, "not_saved", ())
    return tuple((Field(f.name, f.default, f.default_factory), hints[f.name])
                 for f in msgspec.structs.fields(cls) if f.name not in left_out)


def _id_field(cls: type) -> str:
    return _fields(cls)[0][0].name


# Fixtures are written by hand: a user may give `password:` in clear, which is hashed on load,
# and the world file itself then only ever holds the hash.
PLAINTEXT_ALIASES = {model.User: ("password", "password_hash")}


def decode(cls: type, data: Any, *, hash_password: Callable[[str], str], path: tuple = ()):
    if not isinstance(data, dict):
        raise SchemaError(path, f"expected a mapping for {cls.__name__}, found {_kind(data)}")
    data = dict(data)
    alias = PLAINTEXT_ALIASES.get(cls)
    if alias and alias[0] in data:
        if alias[1] in data:
            raise SchemaError(path, f"give either {alias[0]} or {alias[1]}, not both")
        clear = data.pop(alias[0])
        if not isinstance(clear, str):
            raise SchemaError(path + (alias[0],), f"expected a string, found {_kind(clear)}")
        data[alias[1]] = hash_password(clear)
    kwargs = {}
    for f, tp in _fields(cls):
        if f.name not in data:
            if f.required:
                raise SchemaError(path, f"missing field '{f.name}' in {cls.__name__}")
            continue
        kwargs[f.name] = _decode_value(tp, data.pop(f.name), path + (f.name,), hash_password)
    if data:
        name = next(iter(data))
        raise SchemaError(path + (name,), f"unknown field '{name}' in {cls.__name__}")
    return cls(**kwargs)


@cache
def _keys(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's keys with their types, and those it requires."""
    return typing.get_type_hints(cls, vars(model)), cls.__required_keys__


def _decode_mapping(cls: type, data: Any, path: tuple, hash_password) -> dict:
    if not isinstance(data, dict):
        raise SchemaError(path, f"expected a mapping for {cls.__name__}, found {_kind(data)}")
    hints, required = _keys(cls)
    missing = [name for name in hints if name in required and name not in data]
    if missing:
        raise SchemaError(path, f"missing field '{missing[0]}' in {cls.__name__}")
    out = {}
    for name, value in data.items():
        if name not in hints:
            raise SchemaError(path + (name,), f"unknown field '{name}' in {cls.__name__}")
        out[name] = _decode_value(hints[name], value, path + (name,), hash_password)
    return out


def _decode_value(tp: Any, value: Any, path: tuple, hash_password) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = [o for o in typing.get_args(tp) if o is not type(None)]
        if value is None and len(options) < len(typing.get_args(tp)):
            return None
        if len(options) == 1:
            return _decode_value(options[0], value, path, hash_password)
        # A union of scalars (a key attribute: an integer or a string): the first that fits.
        for option in options:
            with contextlib.suppress(SchemaError):
                return _decode_value(option, value, path, hash_password)
        raise SchemaError(path, f"expected {' or '.join(_NAMES[o] for o in options)}, found {_kind(value)}")
    if is_record(tp):
        return decode(tp, value, hash_password=hash_password, path=path)
    if typing.is_typeddict(tp):
        return _decode_mapping(tp, value, path, hash_password)
    if _is_keyed(tp):
        item_cls = typing.get_args(tp)[1]
        if not isinstance(value, list):
            raise SchemaError(path, f"expected a list, found {_kind(value)}")
        out = {}
        for i, item in enumerate(value):
            obj = decode(item_cls, item, hash_password=hash_password, path=path + (i,))
            ident = getattr(obj, _id_field(item_cls))
            if ident in out:
                raise SchemaError(path + (i,), f"duplicate {_id_field(item_cls)} {ident!r}")
            out[ident] = obj
        return out
    if origin is list:
        if not isinstance(value, list):
            raise SchemaError(path, f"expected a list, found {_kind(value)}")
        (inner,) = typing.get_args(tp)
        return [_decode_value(inner, v, path + (i,), hash_password) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(path, f"expected a mapping, found {_kind(value)}")
        key_tp, value_tp = typing.get_args(tp)
        return {
            _decode_value(key_tp, k, path + (k,), hash_password): _decode_value(
                value_tp, v, path + (k,), hash_password
            )
            for k, v in value.items()
        }
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(path, f"expected a number, found {_kind(value)}")
        if not -model.SECONDS_LIMIT <= value <= model.SECONDS_LIMIT:  # also NaN, which compares false
            raise SchemaError(path, f"expected a number of seconds between -{model.SECONDS_LIMIT:.0f} and "
                                    f"{model.SECONDS_LIMIT:.0f} (the year 3000), found {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(path, f"expected an integer, found {_kind(value)}")
        if not -INT_LIMIT <= value < INT_LIMIT:
            raise SchemaError(path, "expected an integer of at most 64 bits, found one of "
                                    f"{len(str(abs(value)))} digits")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise SchemaError(path, f"expected true or false, found {_kind(value)}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise SchemaError(path, f"expected a string, found {_kind(value)}")
        return value
    raise TypeError(f"no decoder for {tp!r}")  # a programming error, not a bad file


_NAMES = {int: "an integer", str: "a string", float: "a number", bool: "true or false"}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), f"{type(value).__name__} {value!r}"
    )


def encode(obj: Any) -> Any:
    """Plain data for YAML: None fields are left out, keyed dicts become lists."""
    if holds_fields(obj):
        out = {}
        for f, tp in _fields(type(obj)):
            value = getattr(obj, f.name)
            if value is None:
                continue
            if _is_keyed(tp):
                out[f.name] = [encode(v) for v in value.values()]
            else:
                out[f.name] = encode(value)
        return out
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    return obj
