"""The derived cache beside the world (`world.yaml.cache`): the decoded world and where each part
of its text lies in the world file (the emitter's layout), so that a new process neither parses
the YAML (seconds for a full HSM) nor writes its whole text afresh at its first commit.

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

    header   MAGIC, the schema's hash, the YAML's hash, the payload's hash
    payload  the world's revision and the packed world's length, the world (msgpack), then the
             emitter's layout (msgpack)

The world is packed without its revision, which travels beside it: a commit changes the
revision and nothing else may, so the store tells a transaction that changed nothing by
comparing two packed worlds, and the emitter tells each changed item by its packed bytes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import stat
import struct
import typing
from pathlib import Path
from typing import Any

import msgspec
import xxhash

from ..lazy import lazy
from . import codec, files
from .model import World

emitter = lazy("hsmshell.world.emitter")  # its layout's type, only when a write needs the layout

MAGIC = b"hsmshell derived world cache v4 (msgpack, xxh3)\n"
_HASH = 16  # xxh3_128
_SIZES = struct.Struct(">qQ")  # the revision, the packed world's length
_HEADER = len(MAGIC) + 3 * _HASH


# -- the world ----------------------------------------------------------------------------------

def pack(world: World) -> bytes:
    """The world as MessagePack, without its revision and what is not saved (the sealer,
    CloudTrail's events, a transaction's mark).  Raises ValueError for a value MessagePack cannot hold."""
    revision, sealer, trail, made = world.revision, world.sealer, world.trail, world.made_on_first_use
    world.revision, world.sealer, world.trail, world.made_on_first_use = 0, None, [], False
    try:
        return _encode(world)
    finally:
        world.revision, world.sealer, world.trail, world.made_on_first_use = revision, sealer, trail, made


def unpack(packed: bytes, revision: int) -> World:
    """A new world from `pack`'s bytes and its revision, sharing nothing with any other.
    Raises ValueError (msgspec's DecodeError or ValidationError) for bytes that are not such a world."""
    with _collector_paused():
        world = _decoder(World).decode(packed)
    world.revision = revision
    return world


def copy(world: World) -> World:
    """A world to change freely, equal to `world` and sharing nothing with it, with its own
    CloudTrail view (a lab's check asks its question of one): a tenth of copy.deepcopy's cost."""
    twin = unpack(pack(world), world.revision)
    twin.sealer, twin.trail = world.sealer, world.trail.twin()
    return twin


@contextlib.contextmanager
def _collector_paused():
    """Decoding makes tens of thousands of objects (a hundred thousand for a full hsm2m.medium),
    none of them garbage: the collector's passes over them while they are made were a third of
    the time, and its first pass after them another sixth.  So it pauses while they are made,
    and they then join the oldest generation at once (gc.freeze, then gc.unfreeze: two list
    splices, no pass), where a full collection still visits them.  Other young objects of the
    process move there with them, as if they had survived two passes: harmless.  A process
    that froze objects of its own keeps them frozen: the move is skipped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# -- the emitter's layout ------------------------------------------------------------------------

def pack_layout(layout: emitter.Layout) -> bytes:
    return _encode(layout)


def unpack_layout(blob: bytes) -> emitter.Layout:
    """The emitter's layout from `pack_layout`'s bytes.  Raises ValueError for bytes that are not one."""
    return _decoder(emitter.Layout).decode(blob)


def _encode(value: Any) -> bytes:
    try:
        return _encoder().encode(value)
    except (TypeError, OverflowError, msgspec.EncodeError) as exc:
        raise ValueError(f"the derived cache cannot hold a value: {exc}") from None


# -- the file -----------------------------------------------------------------------------------

def digest_of(data: bytes | memoryview) -> bytes:
    """What ties a cache to the YAML it was made from, and tells a torn cache: xxh3's 128 bits.
    Not a cryptographic hash, and it need not be one: whoever can write the cache can write the
    YAML too, and a cache is only ever trusted to say what a YAML could (see above).  A full
    hsm2m.medium's world file is about 6 MB: sha256 took 9 ms of each read and 36 of each
    write here, xxh3 takes under half a millisecond."""
    return xxhash.xxh3_128_digest(data)


class Derived(msgspec.Struct):
    """What a matching cache file holds, still packed: the layout is unpacked only when a
    commit needs it, so a command that only looks never pays for it."""

    world: bytes
    revision: int
    layout: bytes


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
    if digest_of(payload) != blob[head + 2 * _HASH:head + 3 * _HASH]:
        return None  # torn: written but not flushed when the machine stopped
    if len(payload) < _SIZES.size:
        return None
    revision, length = _SIZES.unpack_from(payload)
    if length > len(payload) - _SIZES.size:
        return None
    end = _SIZES.size + length
    return Derived(bytes(payload[_SIZES.size:end]), revision, bytes(payload[end:]))


def write(path: Path, digest: bytes, packed: bytes, revision: int, layout: bytes) -> None:
    """The cache for the YAML whose hash is `digest`: the world `pack` gave and its revision,
    and the emitter's layout of that YAML (b"" for none).  Not fsynced: it is only a shortcut,
    and a torn or lost one is detected and rebuilt from the YAML.  A folder that refuses the
    file is no error: the YAML alone still serves."""
    payload = _SIZES.pack(revision, len(packed)) + packed + layout
    header = MAGIC + schema() + digest + digest_of(payload)
    with contextlib.suppress(OSError):  # a folder we may not write to: the YAML alone still serves
        files.replace(path, header + payload, sync=False)


# -- the schema ---------------------------------------------------------------------------------

@functools.cache
def schema() -> bytes:
    """A hash of every field of every type in the world, so that a cache made before the model
    gained, lost or retyped a field is not used after.  Read from what each class declares
    (its annotations and defaults as written, not resolved by typing.get_type_hints): every
    process that opens a world computes it, and resolving the hints of every class cost a
    single command 10 ms."""
    seen: dict[type, list[str]] = {}

    def walk(tp) -> None:
        for inner in typing.get_args(tp):
            walk(inner)
        if not isinstance(tp, type) or tp in seen:
            return
        if codec.is_record(tp):
            declared = _declared(tp)
            seen[tp] = [f"{name}: {hint!r} = {default}" for name, hint, default in declared]
            for _, hint, _ in declared:
                walk(hint)
        elif typing.is_typeddict(tp):
            seen[tp] = [f"{name}: {hint!r}{' (required)' if name in tp.__required_keys__ else ''}"
                        for name, hint in _annotations(tp).items()]
            for hint in _annotations(tp).values():
                walk(hint)

    walk(World)
    text = repr(sorted((f"{cls.__module__}.{cls.__qualname__}", fields) for cls, fields in seen.items()))
    return digest_of(text.encode())


_FACTORY = type(msgspec.field(default_factory=list))


def _declared(cls: type) -> list[tuple[str, Any, str]]:
    """A record class's saved fields: name, annotation, and its default as text."""
    hints, left_out = _annotations(cls), getattr(cls, "not_saved", ())
    names, defaults = cls.__struct_fields__, cls.__struct_defaults__
    defaults = (msgspec.NODEFAULT,) * (len(names) - len(defaults)) + defaults
    return [(name, hints[name], _default_text(value)) for name, value in zip(names, defaults) if name not in left_out]


def _default_text(value: Any) -> str:
    if isinstance(value, _FACTORY):
        return f"{value.factory.__module__}.{value.factory.__qualname__}()"
    return "required" if value is msgspec.NODEFAULT else repr(value)


def _annotations(cls: type) -> dict[str, Any]:
    """The annotations of a class and its bases (model.py's are objects, not strings)."""
    found: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        found.update(vars(base).get("__annotations__", {}))
    return found


def _refuse_extension(code: int, data: memoryview) -> Any:
    raise ValueError(f"an extension type ({code}) has no place in a world")


@functools.cache
def _encoder() -> msgspec.msgpack.Encoder:
    return msgspec.msgpack.Encoder()


@functools.cache
def _decoder(tp: Any) -> msgspec.msgpack.Decoder:
    return msgspec.msgpack.Decoder(tp, ext_hook=_refuse_extension)
