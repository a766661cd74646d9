"""The world file's text, written for the world's own schema rather than by PyYAML's dumper.

The layout is the one PyYAML's block style gives (so the file reads as it always has): block
mappings, sequences not indented under their key, `|` literal blocks for multi-line text such
as certificates, plain scalars where a YAML reader cannot mistake them for anything but a
string, and double-quoted strings (JSON-style escapes) everywhere else.  Anything that is not
plain data (str, int, float, bool, None, list, dict) raises ValueError: it could not be read back.

`Emitter` writes again only the items of the world's collections (each key, each user, each
fault ...) and the fields whose value changed since the text it wrote last, and copies the rest
from that text, so a commit costs in proportion to what it changed rather than to the world
(a full hsm2m.medium holds 16,666 keys).  What changed is told by the world packed as the
derived cache holds it (`cache.pack`, MessagePack): the store packs every world it commits
anyway, and decoded with every item left as its raw bytes (`msgspec.Raw`) it tells each item's
old value from its new one by one comparison of bytes, in C.  Where each item's text lies in
the old text is the emitter's `Layout`, which the derived cache keeps beside the packed world:
a new process reuses the world file's own bytes, verified by the cache's hash of them.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
import types
import typing
from typing import Any, Union

import msgspec

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
    """How a field holds items that get their own place in the text: "keyed" (dict of
    records by id), "listed" (list of records or of mappings) or "record" (one
    record holding such a collection).  None for a value written whole."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [o for o in typing.get_args(tp) if o is not type(None)]
        return _nested(inner[0]) if len(inner) == 1 else None
    if codec._is_keyed(tp):
        return "keyed"
    if origin is list:
        (inner,) = typing.get_args(tp)
        if codec.is_record(inner) or typing.get_origin(inner) is dict or typing.is_typeddict(inner):
            return "listed"
    if codec.is_record(tp) and not _is_leaf(tp):
        return "record"
    return None


def _bare(tp: Any) -> Any:
    """X for X | None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [o for o in typing.get_args(tp) if o is not type(None)]
        return inner[0] if len(inner) == 1 else tp
    return tp


def _branches(item: Any) -> bool:
    """Whether items of this type hold collections of their own (a cluster, an HSM): walked
    field by field rather than written whole."""
    return codec.is_record(item) and not _is_leaf(item)


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, str | None, bool], ...]:
    """Each field of a record, how it is written (see `_nested`), and for a collection
    whether its items are branches."""
    plan = []
    for f, tp in codec._fields(cls):
        how, tp = _nested(tp), _bare(tp)
        item = typing.get_args(tp)[-1] if how in ("keyed", "listed") else None
        plan.append((f.name, how, _branches(item)))
    return tuple(plan)


@functools.cache
def _is_leaf(cls: type) -> bool:
    """A record written whole: none of its fields holds a record."""
    return not any(_holds_record(tp) for _, tp in codec._fields(cls))


def _holds_record(tp: Any) -> bool:
    return codec.is_record(tp) or any(_holds_record(t) for t in typing.get_args(tp))


@functools.cache
def _packed_as(cls: type) -> type:
    """The type a packed `cls` is decoded as to compare it: each field or item written whole
    left as its raw MessagePack bytes, branches and collections of them kept apart."""
    fields = []
    for (_, tp), (name, how, branches) in zip(codec._fields(cls), _plan(cls)):
        tp = _bare(tp)
        if how is None:
            fields.append((name, msgspec.Raw, None))
            continue
        if how == "record":
            packed: Any = _packed_as(tp)
        else:
            item = typing.get_args(tp)[-1]
            item_packed = _packed_as(item) if branches else msgspec.Raw
            packed = dict[typing.get_args(tp)[0], item_packed] if how == "keyed" else list[item_packed]
        fields.append((name, Union[packed, None], None))
    return msgspec.defstruct(f"Packed{cls.__name__}", fields)


@functools.cache
def _unpacker(cls: type) -> msgspec.msgpack.Decoder:
    return msgspec.msgpack.Decoder(_packed_as(cls))


# Where the text of each part of the world lies in the text last written: the derived cache
# keeps it (data only, like the rest of the cache), so a new process can reuse the world file's
# own bytes.  Positions are byte offsets in the whole file.

class Whole(msgspec.Struct, array_like=True, tag=0):
    """A field written whole."""

    start: int
    end: int


class Leaves(msgspec.Struct, array_like=True, tag=1):
    """A collection of items written whole (keys, users, faults): item i is bounds[i]:bounds[i+1]."""

    bounds: list[int]


class Branches(msgspec.Struct, array_like=True, tag=2):
    """A collection of items walked field by field (clusters, HSMs), in their order."""

    items: list[Layout]


class Layout(msgspec.Struct, array_like=True, tag=3):
    """A record walked field by field: where each of its fields lies, by name."""

    fields: dict[str, Union[Whole, Leaves, Branches, Layout]]


class Emitter:
    """Writes a world's text, copying from the text it wrote last every field and item whose
    packed value did not change.

    Given by the derived cache, the last text (the world file's bytes), its layout and the
    world it was written from (packed) may be forged: they are data only, and a part of the old
    text is reused only where its layout points at whole lines that start as that part must
    (at its column, with its name or dash).  A forged layout can make the written text say only
    what a forged world file could.
    """

    def __init__(self, text: bytes = b"", layout: Layout | None = None, packed: bytes | None = None):
        self.text, self.layout = text, layout
        self._packed = packed
        self._unpacked: Any = None  # self._packed decoded for comparing, once needed

    def emit(self, world: Any, packed: bytes, prefix: bytes = b"") -> bytes:
        """The text of `world`, after `prefix`; `packed` is the world as cache.pack gives it."""
        was = None
        if self.layout is not None and self._packed is not None:
            if self._unpacked is None:
                try:
                    self._unpacked = _unpacker(type(world)).decode(self._packed)
                except (msgspec.DecodeError, msgspec.ValidationError):
                    self.layout = None  # not what it claims: everything is written afresh
            was = self._unpacked
        now = _unpacker(type(world)).decode(packed)
        writing = _Writing(self, self.text if was is not None else b"", prefix)
        layout = writing.fields(world, now, was, self.layout if was is not None else None, 0, "", True)
        text = b"".join(writing.out)
        self.text, self.layout, self._packed, self._unpacked = text, layout, packed, now
        return text

    # A method of its own: the tests count the items written afresh.
    def _item(self, value: Any, col: int) -> bytes:
        out: list[str] = []
        node(out, " " * col + "-", codec.encode(value), col, True)
        return "".join(out).encode("utf-8")


class _Writing:
    """One emission: the pieces of the new text, and where the old text lies."""

    def __init__(self, emitter: Emitter, old: bytes, prefix: bytes):
        self.emitter, self.old = emitter, old
        self.view = memoryview(old)
        self.out: list[bytes | memoryview] = [prefix]
        self.at = len(prefix)

    def put(self, piece: bytes | memoryview) -> None:
        self.out.append(piece)
        self.at += len(piece)

    def lines(self, start: int, end: int, head: bytes) -> bool:
        """Whether old[start:end] is whole lines, the first starting with `head` then a space,
        a colon or a line break: the text of one part of the world, at its column."""
        old = self.old
        return (0 <= start < end <= len(old) and (start == 0 or old[start - 1] == 10) and old[end - 1] == 10
                and old.startswith(head, start) and old[start + len(head):start + len(head) + 1] in (b" ", b"\n", b":"))

    def fields(self, obj: Any, now: Any, was: Any, layout: Layout | None, col: int, first: str,
               top: bool = False) -> Layout:
        """The fields of a record, the first after `first`.  The top's own fields written
        whole (the revision, which the packed world leaves out, the clock ...) are always
        written afresh: they are few and short."""
        lead, pad = first, " " * col
        parts: dict[str, Any] = {}
        start = len(self.out)
        for name, how, branches in _plan(type(obj)):
            value = getattr(obj, name)
            if value is None:
                continue
            head = lead + name + ":"
            lead = pad
            part = layout.fields.get(name) if layout is not None else None
            if how is None:
                begin = self.at
                if (not top and was is not None and type(part) is Whole and getattr(now, name) == getattr(was, name)
                        and self.lines(part.start, part.end, head.encode())):
                    self.put(self.view[part.start:part.end])
                else:
                    piece: list[str] = []
                    node(piece, head, codec.encode(value), col, False)
                    self.put("".join(piece).encode("utf-8"))
                parts[name] = Whole(begin, self.at)
            elif how == "record":
                self.put((head + "\n").encode())
                parts[name] = self.fields(value, getattr(now, name), getattr(was, name, None),
                                          part if type(part) is Layout else None, col + 2, pad + "  ")
            elif not value:
                self.put((head + " []\n").encode())
            else:
                self.put((head + "\n").encode())
                old = getattr(was, name, None)
                keyed = how == "keyed"
                items = list(value.values()) if keyed else value
                new_items = list(getattr(now, name).values()) if keyed else getattr(now, name)
                old_items = (list(old.values()) if keyed else old) if old is not None else []
                matches = _matches(value, old, new_items, old_items, keyed)
                if branches:
                    parts[name] = self.branches(items, new_items, old_items, matches,
                                                part if type(part) is Branches else None, col)
                else:
                    parts[name] = self.leaves(items, new_items, old_items, matches,
                                              part if type(part) is Leaves else None, col)
        if len(self.out) == start:
            self.put((first + "{}\n").encode())
        return Layout(parts)

    def leaves(self, items: list, now: list, was: list, matches: list | range, layout: Leaves | None,
               col: int) -> Leaves:
        """Items written whole: each run of unchanged items that stood together is copied at once."""
        bounds = [self.at]
        old = layout.bounds if layout is not None and len(layout.bounds) == len(was) + 1 else None
        n = len(items)
        if old is None:
            runs: list[tuple[int, int, int | None]] = [(i, i + 1, None) for i in range(n)]
        elif type(matches) is range:
            # The usual case (the same ids, or some added at the end): the items compared in C,
            # and only the changed ones looked at one by one.
            same = list(map(operator.eq, now, was[matches.start:matches.start + n]))
            changed = list(itertools.compress(range(n), map(operator.not_, same)))
            changed += range(len(same), n)
            runs, begin = [], 0
            for i in changed + [n]:
                if begin < i:
                    runs.append((begin, i, matches.start + begin))
                if i < n:
                    runs.append((i, i + 1, None))
                begin = i + 1
        else:
            runs = []
            for i, m in enumerate(matches):
                if m is None or now[i] != was[m]:
                    runs.append((i, i + 1, None))
                elif runs and runs[-1][2] is not None and runs[-1][2] + i - runs[-1][0] == m:
                    runs[-1] = (runs[-1][0], i + 1, runs[-1][2])
                else:
                    runs.append((i, i + 1, m))
        head = (" " * col + "-").encode()
        for begin, end, m in runs:
            if m is not None:
                reused = old[m:m + end - begin + 1]
                start, stop = reused[0], reused[-1]
                if reused == sorted(reused) and self.lines(start, stop, head):
                    shift = self.at - start
                    self.put(self.view[start:stop])
                    bounds += [b + shift for b in reused[1:]]
                    continue
            for i in range(begin, end):
                self.put(self.emitter._item(items[i], col))
                bounds.append(self.at)
        return Leaves(bounds)

    def branches(self, items: list, now: list, was: list, matches: list, layout: Branches | None,
                 col: int) -> Branches:
        old = layout.items if layout is not None and len(layout.items) == len(was) else None
        first = " " * col + "- "
        walked = []
        for i, item in enumerate(items):
            m = matches[i] if old is not None else None
            if m is not None and m >= len(was):
                m = None
            walked.append(self.fields(item, now[i], was[m] if m is not None else None,
                                      old[m] if m is not None else None, col + 2, first))
        return Branches(walked)


def _matches(value: Any, old: Any, new_items: list, old_items: list, keyed: bool) -> list | range:
    """For each new item, the index of the old item it may be the same as (or None): by id in a
    keyed collection; by place in a list, which grows at its end and loses its oldest items
    (faults, due transitions), lined up by where its first item was.  A range where they line
    up in order."""
    if not old_items:
        return [None] * len(new_items)
    if keyed:
        ids, new_ids = list(old), list(value)
        if new_ids[:len(ids)] == ids:  # unchanged, or items added at the end
            return range(len(new_ids))
        index = {ident: i for i, ident in enumerate(ids)}
        return [index.get(ident) for ident in new_ids]
    shift = next((i for i, raw in enumerate(old_items) if raw == new_items[0]), 0)
    return range(shift, shift + len(new_items))
