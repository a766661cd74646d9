"""The world file's text, written for the world's own schema rather than by PyYAML's dumper.

The layout is the one PyYAML's block style gives (so the file reads as it always has): block
mappings, sequences not indented under their key, `|` literal blocks for multi-line text such
as certificates, plain scalars where a YAML reader cannot mistake them for anything but a
string, and double-quoted strings (JSON-style escapes) everywhere else.  Anything that is not
plain data (str, int, float, bool, None, list, dict) raises ValueError: it could not be read back.

`Emitter` remembers the text of every item of the world's collections (each key, each user,
each fault ...) with a copy of the value it was written from, and writes again only the
items whose value changed since, so a commit costs in proportion to what it changed.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import types
import typing
from typing import Any


from . import codec

# -- scalars ------------------------------------------------------------------------------------

# What may stand unquoted: a conservative subset of YAML's plain scalars.  Nothing that starts
# with an indicator, no `: ` or ` #`, no leading or trailing space, ASCII only (YAML 1.1 reads
# U+0085, U+2028 and U+2029 as line breaks).
_PLAIN = re.compile(r"[A-Za-z0-9_./$+][A-Za-z0-9_./$+=@%() -]*(?::[A-Za-z0-9_./$+=@%()-]+)*")
# Read as numbers or booleans by YAML 1.2 readers (or by YAML 1.1 readers other than PyYAML),
# though PyYAML would read them as strings: quoted too, so that no reader is surprised.
_OTHER_READERS = re.compile(
    r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|[yYnN]"
)
_STR_TAG = "tag:yaml.org,2002:str"


@functools.cache
def _reads_as_string():
    """PyYAML's own test of how a plain scalar reads back, imported at the first write: a
    shell that only reads its world at start-up does without PyYAML."""
    import yaml.resolver

    resolver = yaml.resolver.Resolver()
    return lambda text: resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG

# In double quotes: the quote and backslash, anything outside YAML's printable set, line
# breaks (including YAML 1.1's NEL, LS and PS), tab and the byte-order mark.
# (Written as the complement of the printable set: a class of the printable ranges themselves
# takes regex compilation ten milliseconds, on every shell's start-up.)
_UNSAFE_IN_QUOTES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\"\\\\]")
_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
            "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L",
            "\u2029": "\\P"}
# A literal block keeps its text exactly only when every character stands for itself.
_UNSAFE_IN_LITERAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"a lone surrogate (U+{code:04X}) cannot be written as UTF-8")
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def quoted(text: str) -> str:
    return '"' + _UNSAFE_IN_QUOTES.sub(_escape, text) + '"'


@functools.lru_cache(maxsize=8192)  # ids, regions, event names ... recur on every commit
def _string(text: str) -> str:
    if (_PLAIN.fullmatch(text) and not text.endswith(" ") and not _OTHER_READERS.fullmatch(text)
            and _reads_as_string()(text)):
        return text
    return quoted(text)


def scalar(value: Any) -> str:
    """One scalar on one line, as YAML that reads back as exactly `value`."""
    if isinstance(value, str):
        return _string(str(value))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(float(value)).lower()
        # PyYAML reads a float only with a dot and a signed exponent: 1e+16 must be 1.0e+16.
        return text.replace("e", ".0e") if "." not in text and "e" in text else text
    raise ValueError(f"a {type(value).__name__} cannot be written to the world file")


def _key(key: Any) -> str:
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise ValueError(f"a mapping key must be a string or an integer, not {type(key).__name__}")
    text = scalar(key)
    if len(text) > 1000:  # readers refuse an implicit key longer than 1024 characters
        raise ValueError("a mapping key is too long for the world file")
    return text


def _literal(text: str, indent: int) -> str | None:
    """`|` block lines for multi-line text, or None when a literal block would not keep it."""
    if "\n" not in text or " \n" in text or text.endswith(" ") or _UNSAFE_IN_LITERAL.search(text):
        return None
    hints = "2" if text[0] in " \n" else ""  # the content's indentation, when its start hides it
    if not text.endswith("\n"):
        hints += "-"
        body = text
    else:
        if len(text) == 1 or text[-2] == "\n":
            hints += "+"
        body = text[:-1]
    pad = " " * indent
    return " |" + hints + "\n" + "".join((pad + line if line else "") + "\n" for line in body.split("\n"))


# -- block structure ----------------------------------------------------------------------------

def node(out: list[str], head: str, value: Any, col: int, dash: bool) -> None:
    """Write `value` after `head` ("  name:" or "  -", whose name or dash is at column `col`)."""
    if isinstance(value, dict):
        if not value:
            out.append(head + " {}\n")
        elif dash:  # "- a: 1" with the rest of the mapping under "a"
            mapping(out, value, col + 2, head + " ")
        else:
            out.append(head + "\n")
            mapping(out, value, col + 2, " " * (col + 2))
    elif isinstance(value, list):
        if not value:
            out.append(head + " []\n")
        elif dash:
            sequence(out, value, col + 2, head + " ")
        else:  # PyYAML's layout: a mapping's sequence is not indented under its key
            out.append(head + "\n")
            sequence(out, value, col, " " * col)
    elif isinstance(value, str) and "\n" in value and (block := _literal(value, col + 2)) is not None:
        out.append(head + block)
    else:
        out.append(head + " " + scalar(value) + "\n")


def mapping(out: list[str], value: dict, col: int, first: str) -> None:
    lead, pad = first, " " * col
    for key, item in value.items():
        node(out, lead + _key(key) + ":", item, col, False)
        lead = pad


def sequence(out: list[str], value: list, col: int, first: str) -> None:
    lead, pad = first, " " * col
    for item in value:
        node(out, lead + "-", item, col, True)
        lead = pad


# -- the world, item by item --------------------------------------------------------------------

def copy_plain(value: Any) -> Any:
    """A copy of plain data that shares nothing a command could change in place."""
    if isinstance(value, dict):
        return {k: copy_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_plain(v) for v in value]
    return value


@functools.cache
def _nested(tp: Any) -> str | None:
    """How a field holds items that get their own remembered text: "keyed" (dict of
    dataclasses by id), "listed" (list of dataclasses or of mappings) or "dataclass" (one
    dataclass holding such a collection).  None for a value written whole."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [o for o in typing.get_args(tp) if o is not type(None)]
        return _nested(inner[0]) if len(inner) == 1 else None
    if codec._is_keyed(tp):
        return "keyed"
    if origin is list:
        (inner,) = typing.get_args(tp)
        if dataclasses.is_dataclass(inner) or typing.get_origin(inner) is dict or typing.is_typeddict(inner):
            return "listed"
    if dataclasses.is_dataclass(tp) and not _is_leaf(tp):
        return "dataclass"
    return None


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, str | None], ...]:
    """Each field of a dataclass and how it is written (see `_nested`)."""
    return tuple((f.name, _nested(tp)) for f, tp in codec._fields(cls))


@functools.cache
def _is_leaf(cls: type) -> bool:
    """A dataclass remembered whole: none of its fields holds a dataclass."""
    return not any(_holds_dataclass(tp) for _, tp in codec._fields(cls))


def _holds_dataclass(tp: Any) -> bool:
    return dataclasses.is_dataclass(tp) or any(_holds_dataclass(t) for t in typing.get_args(tp))


class Emitter:
    """Writes a world's text, reusing the remembered text of every item that did not change.

    Remembered per collection (by its path in the world): for a keyed collection, id -> entry;
    for a list, the entries in order; and per field written whole, (type, head, copy, text).  An entry is (type, a copy of the item's value, text).
    An item is unchanged when its value equals the copy (dataclass items compare their field
    dicts), which costs one comparison in C.  Values equal under `==` but of another type (1,
    1.0, True) count as unchanged; the model's typed fields never swap one for another.
    """

    def __init__(self, remembered: dict | None = None):
        self.remembered: dict[tuple, Any] = remembered or {}

    def emit(self, world: Any) -> str:
        out: list[str] = []
        fresh: dict[tuple, Any] = {}
        self._fields(out, world, 0, "", (), fresh)
        self.remembered = fresh  # only once the whole text was made: a failure changes nothing
        return "".join(out)

    def _fields(self, out: list[str], obj: Any, col: int, first: str, path: tuple, fresh: dict) -> None:
        lead, pad = first, " " * col
        start = len(out)
        for name, how in _plan(type(obj)):
            value = getattr(obj, name)
            if value is None:
                continue
            head = lead + name + ":"
            lead = pad
            if how is None:
                out.append(self._field(value, head, col, path + (name,), fresh))
            elif how == "dataclass":
                out.append(head + "\n")
                self._fields(out, value, col + 2, pad + "  ", path + (name,), fresh)
            elif not value:
                out.append(head + " []\n")
            else:
                out.append(head + "\n")
                where = path + (name,)
                if how == "keyed":
                    self._keyed(out, value, col, where, fresh)
                else:
                    self._listed(out, value, col, where, fresh)
        if len(out) == start:
            out.append(first + "{}\n")

    def _field(self, value: Any, head: str, col: int, path: tuple, fresh: dict) -> str:
        """A field written whole (a scalar, a mapping, a dataclass of scalars), reusing its
        text while its value and its head are unchanged: most fields of an HSM, a cluster or
        the world never change, and writing them afresh was most of an unchanged world's cost."""
        state = vars(value) if hasattr(type(value), "__dataclass_fields__") else value
        entry = self.remembered.get(path)
        if entry is None or entry[0] is not type(value) or entry[1] != head or entry[2] != state:
            piece: list[str] = []
            node(piece, head, codec.encode(value), col, False)
            entry = (type(value), head, copy_plain(state), "".join(piece))
        fresh[path] = entry
        return entry[3]

    def _item(self, value: Any, col: int, path: tuple, fresh: dict) -> tuple[Any, str]:
        """The entry for one item written afresh."""
        out: list[str] = []
        head = " " * col + "-"
        if dataclasses.is_dataclass(value) and not _is_leaf(type(value)):
            self._fields(out, value, col + 2, head + " ", path, fresh)
            return None, None, "".join(out)  # holds collections of its own: never reused whole
        node(out, head, codec.encode(value), col, True)
        return type(value), copy_plain(vars(value) if dataclasses.is_dataclass(value) else value), "".join(out)

    def _keyed(self, out: list[str], items: dict, col: int, path: tuple, fresh: dict) -> None:
        old = self.remembered.get(path, {})
        new = fresh[path] = {}
        for ident, value in items.items():
            entry = old.get(ident)
            # Inline rather than _same(): this runs once per key of a full HSM on every commit.
            if entry is None or type(value) is not entry[0] or vars(value) != entry[1]:
                entry = self._item(value, col, path + (ident,), fresh)
            new[ident] = entry
            out.append(entry[2])

    def _listed(self, out: list[str], items: list, col: int, path: tuple, fresh: dict) -> None:
        old = self.remembered.get(path, [])
        # Lists grow at the end and lose their oldest items (faults, due transitions): line the old entries up
        # with the new list by where its first item was.
        shift = next((i for i, entry in enumerate(old) if _same(entry, items[0])), 0)
        new = fresh[path] = []
        start = 0
        kept = old[shift:shift + len(items)]
        # Mappings (faults) are compared all at once, in C, as one list.
        if all(entry[0] is dict for entry in kept) and items[:len(kept)] == [entry[1] for entry in kept]:
            new.extend(kept)
            out.extend(entry[2] for entry in kept)
            start = len(kept)
        for index in range(start, len(items)):
            value = items[index]
            entry = old[index + shift] if index + shift < len(old) else None
            if entry is None or not _same(entry, value):
                entry = self._item(value, col, path + (index,), fresh)
            new.append(entry)
            out.append(entry[2])


def _same(entry: tuple, value: Any) -> bool:
    if type(value) is not entry[0]:
        return False
    return (vars(value) if dataclasses.is_dataclass(value) else value) == entry[1]
