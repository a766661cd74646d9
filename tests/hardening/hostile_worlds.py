"""A corpus of broken and hostile world folders, as small recipes any front-end can replay.

Each recipe takes the path of a fresh, healthy world (`world.yaml` with its key and CloudTrail
log beside it) and breaks it the way a clumsy hand edit or another user of a shared folder
would.  `says` is what the one line every front-end prints must contain; `run_as` is who must
run the front-end for the case to be real: "owner" (the world's owner, the usual case) or
"other" (a second user, for what root would otherwise see through).  The world's owner is
whoever runs the recipe; a case marked `needs_non_root` means permission bits, which root
ignores, so the world must belong to (and be run by) an ordinary user.

    from tests.hardening.hostile_worlds import RECIPES
    for case in RECIPES: case.make(world_path); ...  # then run your front-end on it
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

OTHER_UID = 65534  # nobody: the other user of a shared folder


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    says: str  # a fragment of the line each front-end prints (after the file's name)
    names: str = ""  # the file the line must name, relative to the world's folder ("" = world.yaml)
    needs_non_root: bool = False  # permission bits: real only for an ordinary user
    needs_root: bool = False  # chown to another user: only root can set it up

    def file(self, world: Path) -> Path:
        return world.parent / (self.names or world.name)


def _key(world: Path) -> Path:
    return world.with_name(world.name + ".key")


def _trail(world: Path) -> Path:
    return world.with_name(world.name + ".trail")


def _lock(world: Path) -> Path:
    return world.with_name(world.name + ".lock")


# -- the key file ---------------------------------------------------------------------------

def key_not_base64(world: Path) -> None:
    _key(world).write_text("this is not a key\n")


def key_too_short(world: Path) -> None:
    _key(world).write_text(base64.b64encode(os.urandom(16)).decode() + "\n")


def key_empty(world: Path) -> None:
    _key(world).write_bytes(b"")


def key_unreadable(world: Path) -> None:
    os.chmod(_key(world), 0o000)


def key_open_to_others(world: Path) -> None:
    os.chmod(_key(world), 0o644)


def key_of_another_user(world: Path) -> None:
    os.chown(_key(world), OTHER_UID, OTHER_UID)


def key_is_a_link(world: Path) -> None:
    """A link planted where the key was, to a key of the same user elsewhere."""
    elsewhere = world.with_name("elsewhere.key")
    os.rename(_key(world), elsewhere)
    os.symlink(elsewhere.name, _key(world))


# -- the CloudTrail log and the lock -----------------------------------------------------------

def trail_unreadable(world: Path) -> None:
    os.chmod(_trail(world), 0o000)


def trail_of_another_user(world: Path) -> None:
    os.chown(_trail(world), OTHER_UID, OTHER_UID)


def trail_open_to_others(world: Path) -> None:
    os.chmod(_trail(world), 0o666)


def trail_is_a_fifo(world: Path) -> None:
    os.unlink(_trail(world))
    os.mkfifo(_trail(world), 0o600)


def lock_of_another_user(world: Path) -> None:
    """A lock file planted by another user of a shared folder (who could hold it forever)."""
    _lock(world).touch(0o600)
    os.chown(_lock(world), OTHER_UID, OTHER_UID)


def lock_open_to_others(world: Path) -> None:
    _lock(world).touch()
    os.chmod(_lock(world), 0o666)


def lock_is_a_link(world: Path) -> None:
    os.symlink("/etc/passwd", _lock(world))


# -- the folder and the world file itself ------------------------------------------------------

def folder_read_only_without_lock(world: Path) -> None:
    _lock(world).unlink(missing_ok=True)
    os.chmod(world.parent, 0o500)


def world_is_a_fifo(world: Path) -> None:
    world.unlink()
    os.mkfifo(world, 0o600)


def world_links_to_a_device(world: Path) -> None:
    world.unlink()
    os.symlink("/dev/zero", world)


def world_links_to_nothing(world: Path) -> None:
    world.unlink()
    os.symlink("gone/world.yaml", world)


def world_is_a_folder(world: Path) -> None:
    world.unlink()
    world.mkdir()


RECIPES = [
    Case("key-not-base64", key_not_base64, "the world's key file is malformed", "world.yaml.key"),
    Case("key-too-short", key_too_short, "holds 16 bytes, not 32", "world.yaml.key"),
    Case("key-empty", key_empty, "holds 0 bytes, not 32", "world.yaml.key"),
    Case("key-unreadable", key_unreadable, "cannot open the world's key file: Permission denied",
         "world.yaml.key", needs_non_root=True),
    Case("key-open-to-others", key_open_to_others, "open to group or others (mode 0644)", "world.yaml.key"),
    Case("key-of-another-user", key_of_another_user, "belongs to nobody (uid 65534), not to you",
         "world.yaml.key", needs_root=True),
    Case("key-is-a-link", key_is_a_link, "the world's key file is a symbolic link", "world.yaml.key"),
    Case("trail-unreadable", trail_unreadable, "cannot open the CloudTrail log: Permission denied",
         "world.yaml.trail", needs_non_root=True),
    Case("trail-of-another-user", trail_of_another_user, "belongs to nobody (uid 65534)", "world.yaml.trail",
         needs_root=True),
    Case("trail-open-to-others", trail_open_to_others, "open to group or others (mode 0666)", "world.yaml.trail"),
    Case("trail-is-a-fifo", trail_is_a_fifo, "the CloudTrail log is a FIFO", "world.yaml.trail"),
    Case("lock-of-another-user", lock_of_another_user, "the lock file belongs to nobody (uid 65534)",
         "world.yaml.lock", needs_root=True),
    Case("lock-open-to-others", lock_open_to_others, "open to group or others (mode 0666)", "world.yaml.lock"),
    Case("lock-is-a-link", lock_is_a_link, "the lock file is a symbolic link", "world.yaml.lock"),
    Case("folder-read-only-without-lock", folder_read_only_without_lock,
         "cannot create the lock file: Permission denied", "world.yaml.lock", needs_non_root=True),
    Case("world-is-a-fifo", world_is_a_fifo, "cannot read the world: it is a FIFO"),
    Case("world-links-to-a-device", world_links_to_a_device, "a symbolic link to /dev/zero, which is a character device"),
    Case("world-links-to-nothing", world_links_to_nothing, "a symbolic link to gone/world.yaml, which does not exist"),
    Case("world-is-a-folder", world_is_a_folder, "cannot read the world: it is a folder"),
]
