"""The derived cache beside the world (`world.yaml.cache`): the decoded world and the emitter's
remembered text, so that a new process neither parses the YAML (seconds for a full HSM) nor
writes its whole text again at its first commit.

Worlds and their folders are handed around as tarballs and repositories, and whoever made one
made its cache too: loading a cache must never run code.  So it is data only, MessagePack
decoded by msgspec into the model's own types (a value of the wrong type, an extension type or
an unknown field is refused), and it is trusted only when its header names the hash of the
YAML's bytes beside it and the hash of the model's schema, and its payload has the hash the
header gives.  A cache that fails any check is ignored, and the YAML wins.  A cache crafted to
pass them can only say what a crafted YAML could say, and its world is validated like one.

The same bytes make fresh worlds fast (a decode costs a tenth of `copy.deepcopy`): once
`Store.read()` hands a transaction's world to the readers, the next transaction works on one
decoded from them, and `copy` gives a world to change freely (a lab's check asks of one).

    header   MAGIC, the schema's hash, the YAML's hash, the payload's hash, the world's length
    payload  the world (msgpack), then the emitter's remembered text (msgpack)
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import stat
import struct
import typing
from copy import deepcopy
from pathlib import Path
from typing import Any

import msgspec

from . import codec, files, model
from .model import World

MAGIC = b"hsmshell derived world cache v2 (msgpack)\n"
_HASH = hashlib.sha256().digest_size
_LENGTH = struct.Struct(">Q")
_HEADER = len(MAGIC) + 3 * _HASH + _LENGTH.size


# -- the world ----------------------------------------------------------------------------------

def pack(world: World) -> bytes:
    """The world as MessagePack, without what is not saved (the sealer, CloudTrail's events).
    Raises ValueError for a value MessagePack cannot hold."""
    sealer, trail, world.sealer, world.trail = world.sealer, world.trail, None, []
    try:
        return _encode(world)
    finally:
        world.sealer, world.trail = sealer, trail


def unpack(packed: bytes) -> World:
    """A new world from `pack`'s bytes, sharing nothing with any other.  Raises ValueError
    (msgspec's DecodeError or ValidationError) for bytes that are not such a world."""
    with _collector_paused():
        return _decoder(World).decode(packed)


def copy(world: World) -> World:
    """A world to change freely, equal to `world` and sharing nothing with it, with its own
    CloudTrail view (a lab's check asks its question of one): a tenth of copy.deepcopy's cost."""
    twin = unpack(pack(world))
    twin.sealer, twin.trail = world.sealer, deepcopy(world.trail)
    return twin


@contextlib.contextmanager
def _collector_paused():
    """Decoding makes tens of thousands of objects, none of them garbage: the collector's
    passes over them while they are made are a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the emitter's remembered text ----------------------------------------------------------------

# The emitter remembers, by path in the world: for a keyed collection, id -> entry; for a list,
# its entries; for a field written whole, (type, head, copy, text); an entry is (type, copy,
# text), its type None for an item that holds collections of its own (emitter.Emitter).  Types
# travel as names from the model's own list, so a cache names no code.

class _Entry(msgspec.Struct, array_like=True):
    kind: str | None
    copy: Any
    text: str


class _Field(msgspec.Struct, array_like=True):
    kind: str
    head: str
    copy: Any
    text: str


_Path = tuple[str | int, ...]


class _Remembered(msgspec.Struct, array_like=True):
    keyed: list[tuple[_Path, dict[str | int, _Entry]]]
    listed: list[tuple[_Path, list[_Entry]]]
    fields: list[tuple[_Path, _Field]]


def pack_remembered(remembered: dict[tuple, Any]) -> bytes:
    keyed, listed, fields = [], [], []
    for path, value in remembered.items():
        (keyed if isinstance(value, dict) else listed if isinstance(value, list) else fields).append((path, value))
    return _encode((keyed, listed, fields))


def _encode(value: Any) -> bytes:
    try:
        return _encoder().encode(value)
    except (TypeError, OverflowError, msgspec.EncodeError) as exc:
        raise ValueError(f"the derived cache cannot hold a value: {exc}") from None


def unpack_remembered(blob: bytes) -> dict[tuple, Any]:
    """The emitter's remembered text from `pack_remembered`'s bytes.  Raises ValueError for
    bytes that are not that, or that name a type the model does not have."""
    with _collector_paused():
        data = _decoder(_Remembered).decode(blob)
    names = _types()
    try:
        remembered: dict[tuple, Any] = {}
        for path, items in data.keyed:
            remembered[path] = {ident: (names[e.kind], e.copy, e.text) for ident, e in items.items()}
        for path, entries in data.listed:
            remembered[path] = [(names[e.kind], e.copy, e.text) for e in entries]
        for path, f in data.fields:
            remembered[path] = (names[f.kind], f.head, f.copy, f.text)
    except KeyError as exc:
        raise ValueError(f"no type {exc.args[0]!r} in the model") from None
    return remembered


# -- the file -----------------------------------------------------------------------------------

@dataclasses.dataclass
class Derived:
    """What a matching cache file holds, still packed: the emitter's part is unpacked only
    when a commit needs it, so a command that only looks never pays for it."""

    world: bytes
    remembered: bytes


def read(path: Path, digest: bytes) -> Derived | None:
    """The cache at `path`, if it was made from the YAML whose hash is `digest` by this
    version of the model and arrived whole; else None.  Only a regular file of this user
    that no one else may write is read: a cache others could change could show them a world
    other than the file's."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not hang us
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            return None
        with os.fdopen(os.dup(fd), "rb") as source:
            blob = source.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    head = len(MAGIC)
    if (len(blob) < _HEADER or blob[:head] != MAGIC or blob[head:head + _HASH] != schema()
            or blob[head + _HASH:head + 2 * _HASH] != digest):
        return None
    payload = memoryview(blob)[_HEADER:]
    if hashlib.sha256(payload).digest() != blob[head + 2 * _HASH:head + 3 * _HASH]:
        return None  # torn: written but not flushed when the machine stopped
    (length,) = _LENGTH.unpack_from(blob, head + 3 * _HASH)
    if length > len(payload):
        return None
    return Derived(bytes(payload[:length]), bytes(payload[length:]))


def write(path: Path, digest: bytes, packed: bytes, remembered: bytes) -> None:
    """The cache for the YAML whose hash is `digest`.  Not fsynced: it is only a shortcut,
    and a torn or lost one is detected and rebuilt from the YAML.  A folder that refuses the
    file is no error: the YAML alone still serves."""
    payload = packed + remembered
    header = MAGIC + schema() + digest + hashlib.sha256(payload).digest() + _LENGTH.pack(len(packed))
    with contextlib.suppress(OSError):  # a folder we may not write to: the YAML alone still serves
        files.replace(path, header + payload, sync=False)


# -- the schema ---------------------------------------------------------------------------------

@functools.cache
def schema() -> bytes:
    """A hash of every field of every type in the world, so that a cache made before the model
    gained, lost or retyped a field is not used after."""
    seen: dict[type, list[str]] = {}

    def walk(tp) -> None:
        for inner in typing.get_args(tp):
            walk(inner)
        if dataclasses.is_dataclass(tp) and tp not in seen:
            seen[tp] = []
            for f, hint in codec._fields(tp):
                default = "required" if f.default is dataclasses.MISSING else repr(f.default)
                if f.default_factory is not dataclasses.MISSING:
                    default = f"{f.default_factory.__module__}.{f.default_factory.__qualname__}()"
                seen[tp].append(f"{f.name}: {hint!r} = {default}")
                walk(hint)
        elif typing.is_typeddict(tp) and tp not in seen:
            hints, required = codec._keys(tp)
            seen[tp] = [f"{name}: {hint!r}{' (required)' if name in required else ''}"
                        for name, hint in hints.items()]

    walk(World)
    text = repr(sorted((f"{cls.__module__}.{cls.__qualname__}", fields) for cls, fields in seen.items()))
    return hashlib.sha256(text.encode()).digest()


@functools.cache
def _types() -> dict[str | None, type | None]:
    """The types the emitter remembers its entries by, by name: the model's and plain data's."""
    names: dict[str | None, type | None] = {None: None}
    for tp in (str, int, float, bool, list, dict):
        names[tp.__name__] = tp
    for value in vars(model).values():
        if dataclasses.is_dataclass(value) and isinstance(value, type):
            names[value.__name__] = value
    return names


def _type_name(obj: Any) -> str:
    """msgspec's hook for what it cannot encode itself: the types in the emitter's entries
    (called once for each entry: a dict lookup)."""
    try:
        return _names()[obj]
    except (KeyError, TypeError):
        raise TypeError(f"{obj!r} cannot be written to the derived cache") from None


@functools.cache
def _names() -> dict[type, str]:
    return {tp: name for name, tp in _types().items() if tp is not None}


def _refuse_extension(code: int, data: memoryview) -> Any:
    raise ValueError(f"an extension type ({code}) has no place in a world")


@functools.cache
def _encoder() -> msgspec.msgpack.Encoder:
    return msgspec.msgpack.Encoder(enc_hook=_type_name)


@functools.cache
def _decoder(tp: Any) -> msgspec.msgpack.Decoder:
    return msgspec.msgpack.Decoder(tp, ext_hook=_refuse_extension)
