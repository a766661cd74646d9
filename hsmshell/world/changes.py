"""Whether a transaction changed the world, told without writing its text.

A snapshot remembers, for every dataclass object of the world as the file holds it, the
object and a copy of its fields: collections of dataclasses copied shallowly (their items are
remembered in their own right), plain data (a key's attributes, a fault) deeply.  The world is
unchanged when every remembered object still has the fields it had: one dict comparison per
object, in C, where an item that is still the same object compares by identity and an item
replaced by another compares by value.  For a world of a few HSMs that is a tenth of what
emitting its text to compare costs; taking the snapshot costs about two such emissions, so the
store takes one only for a run of transactions that change nothing (the endpoint's Encrypts).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Callable

from . import codec, emitter


class Snapshot:
    def __init__(self, world: Any):
        self.world = world
        self._remembered: list[tuple[Any, dict[str, Any], tuple[str, ...] | None]] = []
        self._take(world)

    def unchanged(self, world: Any) -> bool:
        if world is not self.world:
            return False
        for obj, state, names in self._remembered:
            if (vars(obj) if names is None else {name: getattr(obj, name) for name in names}) != state:
                return False
        return True

    def _take(self, obj: Any) -> None:
        names, copies, whole = _plan(type(obj))
        fields = vars(obj) if whole else None
        state = dict(fields) if whole else {name: getattr(obj, name) for name in names}
        children: list[Any] = []
        for name, how in copies:
            state[name] = how(state[name], children)
        self._remembered.append((obj, state, None if whole and len(fields) == len(names) else names))
        for child in children:
            self._take(child)


def _items(value, children: list) -> Any:
    """A collection of dataclasses: its items are remembered on their own."""
    if isinstance(value, dict):
        children += value.values()
        return dict(value)
    children += value
    return list(value)


def _one(value, children: list) -> Any:
    if value is not None:
        children.append(value)
    return value


def _deep(value, _children: list) -> Any:
    return emitter.copy_plain(value)


def _flat(value, _children: list) -> Any:
    """A list or dict of scalars: a shallow copy is a full one."""
    return value.copy() if value is not None else None


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, ...], tuple[tuple[str, Callable], ...], bool]:
    """The saved fields of a class, how each field that holds more than a scalar is copied,
    and whether every field of the class is saved in a __dict__ (then `vars()` is compared
    whole; a class with slots, a key, has none)."""
    names, copies = [], []
    for f, hint in codec._fields(cls):
        names.append(f.name)
        how = _how(hint)
        if how is not None:
            copies.append((f.name, how))
    return tuple(names), tuple(copies), len(names) == len(dataclasses.fields(cls)) and not hasattr(cls, "__slots__")


def _how(hint: Any) -> Callable | None:
    hint = _optional(hint)
    origin = typing.get_origin(hint)
    if hasattr(hint, "__dataclass_fields__"):
        return _one
    if origin in (list, dict):
        inner = _optional(typing.get_args(hint)[-1])
        if hasattr(inner, "__dataclass_fields__"):
            return _items
        if inner in (str, int, float, bool):
            return _flat
        return _deep
    if hint in (str, int, float, bool, type(None)):
        return None
    return _deep  # Any: whatever plain data a fault or an event carries


def _optional(hint: Any) -> Any:
    """X for X | None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner[0] if len(inner) == 1 else hint
    return hint
