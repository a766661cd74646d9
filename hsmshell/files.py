"""Files the client host's programs name: where each lands, and which they may reach.

At a person's terminal a file name means what it means to the real tools: relative to the
current directory, `~` the home folder.  A transcript's replay, a recording and a lab's runs
work in a scratch folder of their own instead: relative names land there, and a name that
leads outside it (`~/.bashrc`, `/etc/hostname`, `../x`, a link out) is refused as a file the
tool cannot open, so a transcript or a lab someone hands you cannot write or read anything
else.  A lab's own folder may be read (`fileb://<lab>/invoice.bin`), never written.

The confinement is set by the host for the program it runs (`confined`), in the thread that
runs it, so the programs need no argument for it: they open files through `place`.
"""

from __future__ import annotations

import contextvars
import errno
import os
from contextlib import contextmanager
from pathlib import Path

import msgspec


class _Confinement(msgspec.Struct, frozen=True):
    folder: Path
    readable: tuple[Path, ...]


_confinement: contextvars.ContextVar[_Confinement | None] = contextvars.ContextVar("confinement", default=None)


class OutsideFolder(PermissionError):
    """A file outside the folder a replay works in: the program reports it as any file it
    cannot open (each tool's own `Cannot write ...` / `Error reading ...` texts)."""

    def __init__(self, name: str, folder: Path):
        super().__init__(errno.EACCES, f"Permission denied (outside the folder {folder} a replay works in)", name)


@contextmanager
def confined(folder: Path | None, readable: tuple[Path, ...] = ()):
    """Within this block, in this thread, file names resolve in `folder` (None: no change)."""
    if folder is None:
        yield
        return
    token = _confinement.set(_Confinement(folder.resolve(), tuple(p.resolve() for p in readable)))
    try:
        yield
    finally:
        _confinement.reset(token)


def place(name: str | os.PathLike, *, reading: bool = False) -> Path:
    """The path a program means by `name`; OutsideFolder (a PermissionError) when it is
    confined and the name leads outside its folder (or, for reading, a readable one)."""
    if isinstance(name, str) and "\0" in name:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), name)  # what the system says of it
    where = _confinement.get()
    path = Path(name).expanduser()
    if where is None:
        return path
    full = (where.folder / path).resolve()  # links resolved: a link cannot lead out
    roots = (where.folder, *where.readable) if reading else (where.folder,)
    if not any(full == root or root in full.parents for root in roots):
        raise OutsideFolder(str(name), where.folder)
    return full


def read_bytes(name: str | os.PathLike) -> bytes:
    return place(name, reading=True).read_bytes()


def read_text(name: str | os.PathLike, errors: str | None = None) -> str:
    return place(name, reading=True).read_text(errors=errors)


def is_file(name: str | os.PathLike) -> bool:
    try:
        return place(name, reading=True).is_file()
    except OSError:
        return False


def write(name: str | os.PathLike, data: bytes | str, *, private: bool = False) -> None:
    """Write a file a program names; `private` (key material, or a file about a key) creates
    it 0600 whatever the umask: under the usual 022 a key written with the default mode could
    be read by every user of the machine."""
    path = place(name)
    raw = data.encode() if isinstance(data, str) else data
    if not private:
        path.write_bytes(raw)
        return
    # A file that already exists keeps its mode, as its owner chose it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
