"""Running the real console scripts as a second user, for what a shared folder lets another
user do (and for permission bits, which root does not see).  The tests run as root here: the
second user is `nobody`, which run_as.py becomes; without root, those tests skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator

import pytest

from tests.hardening.hostile_worlds import OTHER_UID

BIN = Path(sys.executable).parent  # the console scripts of the environment under test
RUN_AS = Path(__file__).with_name("run_as.py")


@cache
def can_switch_user() -> str:
    """'' when this process can run commands as the second user, else why not."""
    if os.geteuid() != 0:
        return "needs root, to act as a second user"
    done = subprocess.run([sys.executable, str(RUN_AS), str(OTHER_UID), "hsmshell", "world", "path"],
                          capture_output=True, text=True, env={**os.environ, "HSMSHELL_WORLD": "/tmp/w.yaml"})
    return "" if done.returncode == 0 else f"cannot run hsmshell as uid {OTHER_UID}: {done.stderr}"


def need_second_user() -> None:
    reason = can_switch_user()
    if reason:
        pytest.skip(reason)


@contextmanager
def shared_folder(mode: int = 0o711, owner: int | None = None) -> Iterator[Path]:
    """A new folder under /tmp (pytest's own are closed to other users), removed after; by
    default others may pass through it to what it holds, not list it."""
    folder = Path(tempfile.mkdtemp(prefix="hsmshell-shared-", dir="/tmp"))
    try:
        os.chmod(folder, mode)
        if owner is not None:
            os.chown(folder, owner, owner)
        yield folder
    finally:
        for root, dirs, _ in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
        os.chmod(folder, 0o700)
        shutil.rmtree(folder)


def give_away(folder: Path, uid: int = OTHER_UID) -> None:
    """Make the folder and everything in it belong to `uid`, as if that user had made it."""
    os.chown(folder, uid, uid)
    for entry in folder.iterdir():
        os.chown(entry, uid, uid, follow_symlinks=False)


def run(argv: list[str], world: Path, *, stdin: str = "", as_other: bool = False,
        env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """A console script of this environment (`argv[0]`), on `world`, as this user or the other."""
    environment = {**os.environ, "HSMSHELL_WORLD": str(world), "HOME": str(world.parent), **(env or {})}
    command = ([sys.executable, str(RUN_AS), str(OTHER_UID), *argv] if as_other else
               [str(BIN / argv[0]), *argv[1:]])
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=environment, timeout=timeout)
