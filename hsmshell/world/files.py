"""The world's files in a folder other people may share, or edit by hand.

A world folder may be a shared one (`/tmp`, a team's checkout): anyone else who can create
files there can plant one under a name we are about to use.  So every temporary file is new
(`O_EXCL`), private (0600) and named unpredictably; the files kept beside the world (its key,
its CloudTrail log, its lock) are used only when they are regular files of this user that no
one else may read or write; folders are created private (0700); and a lock that someone holds
too long ends the wait with a message naming who holds it, rather than a silent hang.

Everything refused raises WorldError, whose message names the file and says why: the front-ends
print that one line and exit 1.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import os
import pwd
import stat
import time
from pathlib import Path
from typing import Iterator


class WorldError(Exception):
    """The world file is missing, unreadable or malformed.  The message names file and line."""


def make_folder(folder: Path) -> None:
    """`mkdir -p` whose new folders are private whatever the umask (a world's folder holds its
    key; pathlib's mkdir gives only the last folder a mode, and the umask cuts even that)."""
    if folder.is_dir():
        return
    if folder.parent != folder:
        make_folder(folder.parent)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return  # made by another process meanwhile (or a file: the next open says so)
    except OSError as exc:
        raise WorldError(f"{folder}: cannot create the world's folder: {exc.strerror}") from None
    os.chmod(folder, 0o700)  # the umask may have taken bits we did not give, never added any


def new_temporary(target: Path, flags: int = 0) -> tuple[int, Path]:
    """A new private file beside `target` for writing its next version: (descriptor, path).
    The name (`.<target>.<random>.tmp`) cannot be guessed, so no one can plant it."""
    while True:
        path = target.with_name(f".{target.name}.{os.urandom(8).hex()}.tmp")
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC | flags,
                           0o600), path
        except FileExistsError:  # pragma: no cover - 2**64 names
            continue


def replace(target: Path, data: bytes, *, sync: bool) -> None:
    """Write `target` anew: a new temporary file, written whole (and fsynced if asked), then
    renamed over it, so a reader sees the old file or the new one, never a mixture."""
    fd, tmp = new_temporary(target)
    try:
        write_all(fd, data)
        if sync:
            os.fsync(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def remove_stale_temporaries(target: Path) -> None:
    """Remove the temporary files a writer that died holding the lock left beside `target`
    (of the world, its cache and its log: they share the prefix).  Only this user's: another
    user's file in a shared folder is not ours to remove, nor in our way (our names are new)."""
    me = os.geteuid()
    with os.scandir(target.parent) as entries:
        for entry in entries:
            if entry.name.startswith(f".{target.name}.") and entry.name.endswith(".tmp"):
                try:
                    if entry.stat(follow_symlinks=False).st_uid == me:
                        os.unlink(entry.path)
                except OSError:
                    pass  # gone already, or not removable: it is never read either way


# -- the files beside the world ---------------------------------------------------------------

def open_private(path: Path, what: str, flags: int, *, create: bool = False) -> int | None:
    """Open one of the world's own files (`what` says which, for the message): a regular file
    of this user that no one else may read or write.  None when it does not exist and `create`
    is false.  Never follows a symbolic link, never blocks on a FIFO."""
    flags |= os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileNotFoundError:
        if create:
            raise WorldError(f"{path}: cannot create {what}: the folder does not exist") from None
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WorldError(f"{path}: refused: {what} is a symbolic link") from None
        verb = "create" if create and exc.errno in (errno.EACCES, errno.EROFS) and not os.path.exists(path) else "open"
        raise WorldError(f"{path}: cannot {verb} {what}: {exc.strerror}") from None
    try:
        check_private(fd, path, what)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_private(fd: int, path: Path, what: str) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise WorldError(f"{path}: refused: {what} is {kind(info.st_mode)}, not a regular file")
    if info.st_uid != os.geteuid():
        raise WorldError(f"{path}: refused: {what} belongs to {user(info.st_uid)}, not to you "
                         f"({user(os.geteuid())})")
    if info.st_mode & 0o077:
        raise WorldError(f"{path}: refused: {what} is open to group or others "
                         f"(mode {stat.S_IMODE(info.st_mode):04o}); make it private: chmod 600 {path}")


def kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a file"


def user(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:  # a uid with no name on this machine
        return f"uid {uid}"


# -- the world file itself --------------------------------------------------------------------

def follow(path: Path) -> Path:
    """The file a world path names: a symbolic link's target when it is a regular file, so
    that a world reached by two names is one world (one lock, one key, one log) and a write
    replaces the target, not the link.  Anything else is returned as it is, for `check_world`."""
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode) and stat.S_ISREG(os.stat(path).st_mode):
            return Path(os.path.realpath(path))
    except OSError:
        pass  # missing, or not reachable: `check_world` and the first open say so
    return path


def exists(path: Path) -> bool:
    """Whether the world file is there; a folder we may not look into is an error, not 'no'."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise WorldError(f"{path}: cannot reach the world: {exc.strerror}") from None
    return True


def check_world(path: Path) -> bool:
    """Refuse a world path that is a link to nothing or to something other than a file;
    whether something is there (what `exists` says, without asking again: every transaction
    asks, and each stat is a tenth of an empty transaction)."""
    try:
        if not stat.S_ISLNK(os.lstat(path).st_mode):
            return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise WorldError(f"{path}: cannot reach the world: {exc.strerror}") from None
    try:
        info = os.stat(path)
    except OSError:
        raise WorldError(f"{path}: refused: a symbolic link to {os.readlink(path)}, which does not exist "
                         f"(create the world there, or remove the link)") from None
    if not stat.S_ISREG(info.st_mode):
        raise WorldError(f"{path}: refused: a symbolic link to {os.readlink(path)}, which is "
                         f"{kind(info.st_mode)}, not a world file")
    return True


def read_world(path: Path) -> bytes:
    """The world file's bytes.  A FIFO or a device is refused before a byte is read (reading
    one would wait for a writer forever, or never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise WorldError(f"{path}: cannot read the world: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise WorldError(f"{path}: cannot read the world: it is {kind(info.st_mode)}, not a regular file")
        chunks, size = [], info.st_size
        while True:
            chunk = os.read(fd, max(size, 65536))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError as exc:
        raise WorldError(f"{path}: cannot read the world: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_only(path: Path) -> bool:
    """Whether the user made the world read-only (no write bit for its owner).  The mode, not
    access(2): root may write anything, and a 0400 world is still a statement to respect."""
    try:
        return not os.stat(path).st_mode & stat.S_IWUSR
    except FileNotFoundError:
        return False


# -- the lock -------------------------------------------------------------------------------------

LOCK_TIMEOUT = 10.0  # seconds one holder may keep the lock before a waiter gives up


def lock_timeout() -> float:
    """$HSMSHELL_LOCK_TIMEOUT (seconds) if set to a number, else LOCK_TIMEOUT."""
    try:
        return max(0.0, float(os.environ["HSMSHELL_LOCK_TIMEOUT"]))
    except (KeyError, ValueError):
        return LOCK_TIMEOUT


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock on the world whose lock file is `path`."""
    fd = open_private(path, "the lock file", os.O_RDWR, create=True)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _wait(fd, path)
        _mark(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


_taken = itertools.count(1)
_MARK_SIZE = 40


def _mark(fd: int) -> None:
    """Write who holds the lock into the lock file: this process, and a count that changes
    with every taking, so that a waiter can tell a busy lock from one that is held."""
    with contextlib.suppress(OSError):  # only a hint for waiters
        os.pwrite(fd, f"{os.getpid()} {next(_taken)}".ljust(_MARK_SIZE - 1).encode() + b"\n", 0)


def _wait(fd: int, path: Path) -> None:
    """Wait for the lock while its holders come and go (other commands of other processes);
    give up when one holder has kept it for the timeout without letting go.

    The waiting itself is flock(2)'s, in a thread: woken the moment the lock is free, as a
    plain blocking flock is (polling would lose every race to a process that commits in a
    loop), while this thread watches the clock (an alarm signal is for the main thread only).
    The thread has its own descriptor of the same open lock file: if we give up, it still
    takes the lock when the holder lets go, and releases it by closing the last descriptor."""
    import threading  # only a contended lock waits: not in every command's start-up

    timeout = lock_timeout()
    taken = threading.Event()
    spare = os.dup(fd)

    def take() -> None:
        try:
            fcntl.flock(spare, fcntl.LOCK_EX)
            taken.set()
        except OSError:
            pass
        finally:
            os.close(spare)  # while `fd` is open the lock stays ours; once both are closed, not

    threading.Thread(target=take, name="hsmshell world lock", daemon=True).start()
    mark, since = os.pread(fd, _MARK_SIZE, 0), time.monotonic()
    while not taken.wait(0.05):
        now, seen = time.monotonic(), os.pread(fd, _MARK_SIZE, 0)
        if seen != mark:
            mark, since = seen, now
        elif now - since >= timeout:
            raise WorldError(f"{path}: the world is locked by {_holder(fd, mark)}, which has held it for "
                             f"{timeout:g} s; gave up waiting (HSMSHELL_LOCK_TIMEOUT sets how long to wait)")


def _holder(fd: int, mark: bytes) -> str:
    """Who holds the lock: the process /proc/locks names (any program), else the one the lock
    file names (the last hsmshell process that took it)."""
    info = os.fstat(fd)
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for entry in locks:
                fields = entry.split()
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == where:
                    return _process(int(fields[4]))
    except (OSError, ValueError):
        pass
    written = mark.split()
    if written and written[0].isdigit():
        return _process(int(written[0]))
    return "another process"


def _process(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/comm").read_text().strip()
        owner = os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return f"process {pid}"
    return f"process {pid} ({command}, user {user(owner)})"
