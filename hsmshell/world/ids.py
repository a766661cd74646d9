"""Identifiers, handles and generated secrets.  With a seed in the world they come out the
same on every run (what transcripts and labs need); without one they are random, as in
reality.  The counter lives in the world so the sequence continues across processes."""

from __future__ import annotations

import os
import uuid

from ..lazy import lazy
from .model import World

hashlib = lazy("hashlib")  # OpenSSL's start: not in every command's, nor again in every call

_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # the alphabet of CloudHSM ids
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def draw(world: World, n: int) -> bytes:
    if world.ids.seed is None:
        return os.urandom(n)  # what secrets.token_bytes is
    import hashlib  # OpenSSL's start-up, for a seeded world's draws only (not every command's)

    out = b""
    while len(out) < n:
        world.ids.counter += 1
        out += hashlib.sha256(f"{world.ids.seed}:{world.ids.counter}".encode()).digest()
    return out[:n]


def _pick(world: World, alphabet: str, length: int) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in draw(world, length))


def cloudhsm_id(world: World, prefix: str) -> str:
    """cluster-…, hsm-…, backup-…: 11 characters of [a-z2-7] as in the AWS examples."""
    return f"{prefix}-{_pick(world, _BASE32, 11)}"


def custom_key_store_id(world: World) -> str:
    return "cks-" + draw(world, 9).hex()[:17]


def key_id(world: World) -> str:
    return str(uuid.UUID(bytes=draw(world, 16), version=4))


def derived(world: World, n: int, *parts: bytes) -> bytes:
    """n bytes that a seeded world derives from `parts`, without advancing the counter (so
    without changing the world file); random without a seed.  The caller's parts must differ
    whenever the bytes must."""
    if world.ids.seed is None:
        return os.urandom(n)
    digest = hashlib.sha256(str(world.ids.seed).encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.digest()[:n]


def following(world: World, previous: str, purpose: str) -> str:
    """A request or event ID for the CloudTrail event after the one whose ID is `previous`:
    drawn from the chain of events, since recording an event leaves the world file alone."""
    return uuid4_text(derived(world, 16, purpose.encode(), previous.encode()))


def uuid4_text(raw: bytes) -> str:
    """str(uuid.UUID(bytes=raw, version=4)), at a third of its cost: two per CloudTrail event."""
    digits = bytes((*raw[:6], raw[6] & 0x0F | 0x40, raw[7], raw[8] & 0x3F | 0x80, *raw[9:16])).hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def password(world: World, length: int = 32) -> str:
    """A kmsuser password as KMS would choose it: 7-32 alphanumerics."""
    return _pick(world, _ALNUM, length)


def token(world: World) -> str:
    return draw(world, 8).hex()
