"""Whether a transaction changed the world, told without writing its text.

A snapshot remembers, for every record of the world (each model.Record, and the world) as the
file holds it, the object and a copy of its fields: collections of records copied shallowly
(their items are remembered in their own right), plain data (a key's attributes, a fault)
deeply.  The world is
unchanged when every remembered object still has the fields it had: one dict comparison per
object, in C, where an item that is still the same object compares by identity and an item
replaced by another compares by value.  For a world of a few HSMs that is a tenth of what
emitting its text to compare costs; taking the snapshot costs about two such emissions, so the
store takes one only for a run of transactions that change nothing (the endpoint's Encrypts).
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from typing import Any, Callable

from . import codec, emitter


class Snapshot:
    def __init__(self, world: Any):
        self.world = world
        # Each object, its fields as they were, and how to read them again to compare.
        self._remembered: list[tuple[Any, dict[str, Any] | tuple, Callable[[Any], Any]]] = []
        self._take(world)

    def unchanged(self, world: Any) -> bool:
        if world is not self.world:
            return False
        for obj, state, read in self._remembered:
            if read(obj) != state:
                return False
        return True

    def _take(self, obj: Any) -> None:
        read, copies = _plan(type(obj))
        state = read(obj)
        children: list[Any] = []
        if copies[1]:
            state = list(state) if isinstance(state, tuple) else dict(state)
            for place, how in copies[1]:
                state[place] = how(state[place], children)
            if isinstance(read, operator.attrgetter):
                state = tuple(state)
        self._remembered.append((obj, state, read))
        for child in children:
            self._take(child)


def _items(value, children: list) -> Any:
    """A collection of records: its items are remembered on their own."""
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
def _plan(cls: type) -> tuple[Callable[[Any], Any], tuple[tuple[str, ...], tuple[tuple[Any, Callable], ...]]]:
    """How to read the saved fields of a class at once, and (the names of its saved fields,
    how each field that holds more than a scalar is copied, by its place in what is read).
    Every record is a Struct (slots, no __dict__): read by one attrgetter, as a tuple; one
    of a single field by name."""
    names, copies = [], []
    for f, hint in codec._fields(cls):
        names.append(f.name)
        how = _how(hint)
        if how is not None:
            copies.append((f.name, how))
    if len(names) > 1:
        place = {name: i for i, name in enumerate(names)}
        return operator.attrgetter(*names), (tuple(names), tuple((place[n], how) for n, how in copies))
    return _by_name(tuple(names)), (tuple(names), tuple(copies))


def _by_name(names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    return lambda obj: {name: getattr(obj, name) for name in names}


def _how(hint: Any) -> Callable | None:
    hint = _optional(hint)
    origin = typing.get_origin(hint)
    if codec.is_record(hint):
        return _one
    if origin in (list, dict):
        inner = _optional(typing.get_args(hint)[-1])
        if codec.is_record(inner):
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
