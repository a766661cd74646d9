"""The world's sealer: a secret opens only with the key that sealed it, and only as sealed."""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import re

import pytest

from hsmshell.services import open_store
from hsmshell.world import credentials
from hsmshell.world.credentials import SealError, Sealer
from hsmshell.world.files import WorldError

from ..conftest import STORE_ID

CLUSTER = "cluster-1a23b4cdefg"


def tampered(sealed: str) -> str:
    prefix, _, body = sealed.rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    return f"{prefix}:{base64.b64encode(bytes(raw)).decode()}"


def test_a_secret_opened_before_does_not_open_a_tampered_copy_or_under_another_key():
    sealer = Sealer(os.urandom(32))
    sealed = sealer.seal(b"backing key material")
    assert sealer.unseal(sealed) == sealer.unseal(sealed) == b"backing key material"
    with pytest.raises(SealError):
        sealer.unseal(tampered(sealed))
    with pytest.raises(SealError):
        Sealer(os.urandom(32)).unseal(sealed)


# -- the key file ----------------------------------------------------------------------------

def key_file(world_path):
    return world_path.with_name(world_path.name + ".key")


def refused(world_path) -> str:
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    return str(caught.value)


@pytest.mark.parametrize("size", [16, 31, 33, 48])
def test_a_key_file_holding_a_key_of_another_size_is_refused(world_path, size):
    key_file(world_path).write_text(base64.b64encode(os.urandom(size)).decode() + "\n")
    assert refused(world_path) == (f"{key_file(world_path)}: the world's key file is malformed: it holds {size} "
                                   "bytes, not 32")


def test_a_key_file_wrapped_over_two_lines_is_refused(world_path):
    """One line of base64: anything else in it (a line break, a comment) is not skipped."""
    text = key_file(world_path).read_text().strip()
    key_file(world_path).write_text(text[:20] + "\n" + text[20:] + "\n")
    assert "the world's key file is malformed: expected one line of base64" in refused(world_path)


@pytest.mark.parametrize("blanks, read", [(4096 - 44, True), (4097 - 44, False)])
def test_a_key_file_is_read_to_its_4096th_byte(world_path, blanks, read):
    """Blank lines around the key are taken, but only the file's first 4,096 bytes are read:
    a key (44 characters) ending at the 4,096th byte opens the world, one ending a byte later
    is cut short."""
    text = key_file(world_path).read_text()
    assert len(text) == 45
    key_file(world_path).write_text("\n" * blanks + text)
    if read:
        world = open_store(world_path).read()
        assert world.sealer.unseal(world.custom_key_stores[STORE_ID].key_store_password)
    else:
        assert "the world's key file is malformed" in refused(world_path)


def test_a_key_file_that_cannot_be_read_is_named(world_path, monkeypatch):
    real = os.read

    def failing(fd, size):
        if os.path.samefile(f"/proc/self/fd/{fd}", key_file(world_path)):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(fd, size)

    monkeypatch.setattr(credentials.os, "read", failing)
    assert refused(world_path) == f"{key_file(world_path)}: cannot read the world's key file: Input/output error"


def test_a_key_file_made_meanwhile_by_another_process_is_never_overwritten(tmp_path, monkeypatch):
    """Two processes seal a new world's first secret at once: the one that finds no key file
    and then finds one made meanwhile is refused, and the other's key stays as it was."""
    path = tmp_path / "world.yaml.key"
    theirs = base64.b64encode(os.urandom(32)) + b"\n"
    real = credentials.open_private

    def raced(*args, **kwargs):
        found = real(*args, **kwargs)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, theirs)
        os.close(fd)
        return found

    monkeypatch.setattr(credentials, "open_private", raced)
    with pytest.raises(WorldError, match=f"^{re.escape(str(path))}: cannot create the world's key file: File exists"):
        Sealer(None, path).seal(b"secret")
    assert path.read_bytes() == theirs


def test_a_running_tool_finds_the_key_file_restored_and_keeps_the_key_it_read(world_path):
    """A tool that read the world while its key file was missing opens its secrets once the
    file is back (and the world has changed since); one that read the key keeps it."""
    moved = world_path.with_name("kept.key")
    key_file(world_path).rename(moved)
    told = []
    looking = open_store(world_path, notify=told.append)
    with pytest.raises(SealError):
        world = looking.read()
        world.sealer.unseal(world.custom_key_stores[STORE_ID].key_store_password)
    assert len(told) == 1
    moved.rename(key_file(world_path))
    with open_store(world_path).transaction() as world:
        world.settings.lockout_threshold = 7
    world = looking.read()
    assert world.sealer.unseal(world.custom_key_stores[STORE_ID].key_store_password)

    key_file(world_path).rename(moved)
    with open_store(world_path).transaction() as world:
        world.settings.lockout_threshold = 8
    world = looking.read()
    assert world.settings.lockout_threshold == 8 and len(told) == 1
    assert world.sealer.unseal(world.custom_key_stores[STORE_ID].key_store_password)


# -- password hashes -------------------------------------------------------------------------

def set_admin_hash(store, stored: str) -> None:
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            next(u for u in hsm.users if u.name == "admin").password_hash = stored


def scrypt_hash(password: str, salt: bytes, cost: int) -> str:
    """scrypt as any implementation computes it (r=8, p=1, 32 bytes): how a world file holds a
    password, whatever wrote it."""
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**cost, r=8, p=1, dklen=32)
    return f"scrypt${cost}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_a_hash_scrypt_made_elsewhere_logs_in_and_a_new_one_is_made_alike(doors, store):
    set_admin_hash(store, scrypt_hash("elsewhere1", b"0123456789abcdef", 4))
    out = doors.cmu("loginHSM CO admin elsewhere1\nchangePswd CO admin co12345\ny\nquit\n")
    assert "loginHSM success on server 0(10.0.2.9)" in out and "Changing password for admin(CO) on 3 nodes" in out, out
    (stored,) = {next(u for u in h.users if u.name == "admin").password_hash
                 for h in store.read().clusters[CLUSTER].hsms}
    _, cost, salt, _ = stored.split("$")
    assert len(base64.b64decode(salt)) == 16
    assert stored == scrypt_hash("co12345", base64.b64decode(salt), int(cost))


@pytest.mark.parametrize("stored", ["scrypt$4$", "scrypt$4$c2FsdA==$not base64!", "scrypt$four$c2FsdA==$ZGlnZXN0",
                                    "scrypt$4$c2FsdA==$ZGlnZXN0$more"])
def test_a_malformed_hash_matches_no_password(doors, store, stored):
    set_admin_hash(store, stored)
    out = doors.cmu("loginHSM CO admin co12345\nloginHSM CO admin \"\"\nquit\n")
    assert out.count("loginHSM failed: RET_USER_LOGIN_FAILURE") == 6 and "success" not in out, out
    assert "internal error" not in out and "Traceback" not in out


def test_a_store_says_its_key_is_lost_while_the_key_file_is_missing(world_path):
    """What the TUI's status pane asks (Store.key_lost): true from a read of a world whose
    secrets are sealed under a key file that is gone, false again once the file is back."""
    store = open_store(world_path)
    store.read()
    assert not store.key_lost
    moved = world_path.with_name("kept.key")
    key_file(world_path).rename(moved)
    looking = open_store(world_path)
    looking.read()
    assert looking.key_lost
    moved.rename(key_file(world_path))
    with open_store(world_path).transaction() as world:
        world.settings.lockout_threshold = 7
    looking.read()
    assert not looking.key_lost
