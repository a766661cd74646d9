"""Passwords checked lately, so that a script's every command does not pay scrypt again.

CloudHSM CLI's single-command mode logs in for each command (CLOUDHSM_PIN), and a runbook's
script runs dozens: each login cost a scrypt (about 40 ms, near half of a `key list` against a
full-size world).  A password that matched a stored hash once matches it for ever (the hash
holds its salt and cost), so a check that succeeded is remembered for a while, as a keyed
BLAKE2b of the hash and the password under a secret of this user's, in a private file of this
user's state (`$XDG_STATE_HOME/hsmshell/checked-passwords`): never beside a world, which may be
shared or committed.  Whoever can read that file could try passwords at BLAKE2b's speed rather
than scrypt's; that is this user, who can read the world's key (and so the kmsuser password
KMS keeps) anyway.

A remembered check lasts 15 minutes (sudo's remembered password does as long on many systems);
a failed check is never remembered.  The file is only a shortcut: any trouble with it (missing,
malformed, someone else's, a folder that cannot be written) costs a scrypt, never a login.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import files

try:
    # hashlib's own BLAKE2, without the start of OpenSSL that importing hashlib pays (4 ms):
    # a remembered login needs no OpenSSL at all.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

LIFETIME = 15 * 60.0  # seconds a successful check is remembered
KEEP = 64  # checks remembered at most: the newest
_WHAT = "the file of passwords checked lately"


def path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "hsmshell" / "checked-passwords"


def recalls(stored: str, password: str) -> bool:
    """Whether `password` was found to match `stored` in the last LIFETIME seconds."""
    memo = _read(path())
    if memo is None:
        return False
    secret, entries = memo
    # Membership, not a comparison byte by byte: what a caller could learn from its timing is
    # whether a password was checked lately, which a scrypt tells them as well.
    return _mark(secret, stored, password) in {mark for mark, _ in _current(entries)}


def remember(stored: str, password: str) -> None:
    """Note that `password` was just found to match `stored`."""
    where = path()
    secret, entries = _read(where) or (os.urandom(32), [])
    kept = _current(entries)[-(KEEP - 1):]
    kept.append((_mark(secret, stored, password), time.time()))
    text = secret.hex() + "\n" + "".join(f"{mark.hex()} {at:.0f}\n" for mark, at in kept)
    try:
        files.make_folder(where.parent)
        files.replace(where, text.encode(), sync=False)
    except (OSError, files.WorldError):
        pass  # a shortcut only: the next login checks the password again


def _mark(secret: bytes, stored: str, password: str) -> bytes:
    return blake2b(stored.encode() + b"\0" + password.encode("utf-8", "surrogatepass"),
                   key=secret, digest_size=32).digest()


def _current(entries: list[tuple[bytes, float]]) -> list[tuple[bytes, float]]:
    now = time.time()
    # One noted in the future (the wall clock was set back) is not trusted to be recent.
    return [(mark, at) for mark, at in entries if now - LIFETIME < at <= now + 1]


def _read(where: Path) -> tuple[bytes, list[tuple[bytes, float]]] | None:
    try:
        fd = files.open_private(where, _WHAT, os.O_RDONLY)
    except files.WorldError:
        return None  # someone else's, a link, open to others: not trusted, and rewritten
    if fd is None:
        return None
    try:
        data = os.read(fd, 1 << 16)
        first, *rest = data.decode("ascii").splitlines()
        secret = bytes.fromhex(first)
        entries = []
        for line in rest:
            mark, at = line.split(" ")
            entries.append((bytes.fromhex(mark), float(at)))
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return (secret, entries) if len(secret) == 32 else None
