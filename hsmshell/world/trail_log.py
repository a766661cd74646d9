"""CloudTrail's events, kept in an append-only log beside the world file (`world.yaml.trail`).

Why not in the YAML: nearly every call records an event, and for Encrypt and Decrypt the
event is all that changes.  Kept in the world, each such call rewrote and fsynced it; kept
here, a call that changes nothing else leaves the world file alone and appends one line.
CloudTrail itself delivers events minutes after the call, so the log is appended without
fsync, after the world is committed and under the same lock: a machine that stops may lose the
newest events, never the world or its order.

The format is JSON Lines: a header line saying what the file is, then one CloudTrail event per
line, oldest first (what `jq` reads).  A line cut short (a full disk) is skipped.  When the log
holds twice `trail_limit` events it is rewritten with the newest `trail_limit`, by a temporary
file and a rename.

Each process remembers what it has read and reads only what was appended since: seeing the
events of another process costs a stat and a read of the new lines.  A line is parsed when an
event is looked at, so a shell that never looks at CloudTrail does not parse a thousand.  It keeps the file open,
so that no replacement can be given its inode number: a changed inode means a new log.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from . import files

_HEADER = b'{"hsmshellTrailLog": 1}\n'


class TrailLog:
    def __init__(self, path: Path):
        self.path = path
        # What this process has read, oldest first: each event parsed (a dict) or not yet (its
        # line), or None for a line that is not an event.
        self._events: list[dict[str, Any] | bytes | None] = []
        self._is_log = False  # the file read so far starts with the header
        self._offset = 0  # bytes of that file read so far
        self._cut = False  # the file ends in a line cut short, which no one will finish
        # The lines this process wrote for the events of `_events` it appended, by id (with the
        # event, so that the id stays its own): a rotation rewrites them without encoding them
        # again, which for the endpoint was one more encoding per call.
        self._written: dict[int, tuple[dict[str, Any], bytes]] = {}
        # That file, held open for reading and appending: while it is open its inode number
        # cannot be given to another file, so (device, inode) tells it from a replacement.
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._close = None

    def view(self, limit: int) -> Trail:
        """The newest `limit` events, as a transaction sees them.  Call under the world's lock."""
        self._catch_up()
        return Trail(self._events, limit)

    def append(self, events: list[dict[str, Any]], lines: list[bytes], limit: int) -> None:
        """Add events, and their `line()`s, at the end of the log.  Call under the world's
        lock, after `view` in the same locked section, so that nobody appended in between."""
        if not events:
            return
        self._written.update((id(e), (e, l)) for e, l in zip(events, lines))
        if self._fd is None or not self._is_log:
            return self.replace(self._events + events, limit)
        data = (b"\n" if self._cut else b"") + b"".join(lines)  # not glued to a cut line
        written = os.write(self._fd, data)
        if written != len(data):  # a full disk: the next reader skips the cut line
            raise OSError(f"{self.path}: only {written} of {len(data)} bytes written")
        self._offset += len(data)
        self._events += [None] + events if self._cut else events  # the line it ended is no event
        self._cut = False
        if len(self._events) > 2 * limit:
            self.replace(self._events[-limit:], limit)

    def replace(self, events: list[dict[str, Any] | bytes | None], limit: int) -> None:
        """A new log holding `events` (a new world from a fixture, or a rotation)."""
        events = [e for e in events if e is not None]
        events = events[-limit:] if limit else []
        data = _HEADER + b"".join(e + b"\n" if isinstance(e, bytes) else self._line(e) for e in events)
        fd, tmp = files.new_temporary(self.path, os.O_APPEND)
        try:
            files.write_all(fd, data)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        self._hold(fd)
        self._events, self._is_log, self._offset, self._cut = list(events), True, len(data), False
        kept = {id(e) for e in events}
        self._written = {k: w for k, w in self._written.items() if k in kept}

    def _line(self, event: dict[str, Any]) -> bytes:
        written = self._written.get(id(event))
        return written[1] if written is not None and written[0] is event else line(event)

    def _hold(self, fd: int | None) -> None:
        if self._close is not None:
            self._close()
        self._fd, self._close = fd, (weakref.finalize(self, os.close, fd) if fd is not None else None)
        self._identity = None if fd is None else _identity(os.fstat(fd))

    def _catch_up(self) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            info = None
        if info is None or _identity(info) != self._identity:
            self._hold(None)  # replaced, removed or not yet opened: read it all
            self._events, self._is_log, self._offset, self._written = [], False, 0, {}
            if info is None:
                return
            # Another user's log, or one others may write, could feed this user's tools
            # events they never made: refused, as is a link or a FIFO in its place.
            fd = files.open_private(self.path, "the CloudTrail log", os.O_RDWR | os.O_APPEND)
            if fd is None:
                return
            self._hold(fd)
            info = os.fstat(self._fd)
        elif info.st_size < self._offset:  # cut back by hand: read it again
            self._events, self._is_log, self._offset, self._written = [], False, 0, {}
        if info.st_size == self._offset:  # nothing new (a cut line read before stays cut)
            return
        try:
            data = os.pread(self._fd, info.st_size - self._offset, self._offset)
        except OSError as exc:
            raise files.WorldError(f"{self.path}: cannot read the CloudTrail log: {exc.strerror}") from None
        end = data.rfind(b"\n") + 1  # a last line without its newline is cut short: not yet
        lines = data[:end].split(b"\n")[:-1]
        if not self._is_log:
            if not lines or lines[0] + b"\n" != _HEADER:
                return  # not a trail log (or an empty one): no events
            self._is_log = True
            lines = lines[1:]
        self._events += lines
        # A line cut short counts as read: whoever appends next ends it ("\n"), and each process
        # then holds it as a line that is no event (the byte after it starts the next read).
        self._offset += len(data)
        self._cut = end < len(data)


# msgspec's JSON (the world's codec, loaded already): a tenth of the json module's time per
# event, and every call the endpoint serves logs one.  Text other than ASCII is written as it is.
_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def line(event: dict[str, Any]) -> bytes:
    """An event as its line of the log.  Raises ValueError for what JSON cannot hold."""
    try:
        return _ENCODER.encode(event) + b"\n"
    except (TypeError, ValueError, msgspec.EncodeError) as exc:
        raise ValueError(f"a CloudTrail event cannot be written: {exc}") from None


class Trail(Sequence):
    """The events one transaction sees, oldest first: the newest `limit` of the log followed
    by those recorded in this transaction, which the store appends when the transaction
    commits (and forgets when it fails).

    It holds the log's list as it stood (the log only ever adds to that list's end, or starts
    a new one), and makes its own list only when looked through: a call that just records an
    event does not copy a thousand."""

    def __init__(self, logged: list[dict[str, Any]], limit: int):
        self._logged, self._end = logged, len(logged)
        self.limit = limit
        self.recorded: list[dict[str, Any]] = []
        self._seen: list[dict[str, Any]] | None = None

    def append(self, event: dict[str, Any]) -> None:
        self.recorded.append(event)
        self._seen = None

    def last_event_id(self) -> str:
        if not self.limit:
            return ""
        if self.recorded:
            return self.recorded[-1].get("eventID", "")
        for index in range(self._end - 1, -1, -1):
            event = _parsed(self._logged, index)
            if event is not None:
                return event.get("eventID", "")
        return ""

    def _events(self) -> list[dict[str, Any]]:
        if self._seen is None:
            start = min(max(0, self._end + len(self.recorded) - self.limit), self._end)
            logged = (_parsed(self._logged, i) for i in range(start, self._end))
            events = [e for e in logged if e is not None] + self.recorded
            self._seen = events[-self.limit:] if self.limit else []  # fewer than `limit`: all
        return self._seen

    def twin(self, memo: dict | None = None) -> Trail:
        """A copy (a lab's check asks its question of a copy of the world) that shares the
        logged events, history no one changes, and copies those of this transaction."""
        twin = Trail(self._logged, self.limit)
        twin._end = self._end
        if self.recorded:  # a read has none: it need not import copy
            import copy

            twin.recorded = copy.deepcopy(self.recorded, memo)
        return twin

    def __deepcopy__(self, memo) -> Trail:
        return self.twin(memo)

    def __getitem__(self, index):
        return self._events()[index]

    def __len__(self) -> int:
        return len(self._events())

    def __iter__(self):
        return iter(self._events())

    def __reversed__(self):
        return reversed(self._events())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (Trail, list)) else NotImplemented

    __hash__ = None


def _parsed(events: list, index: int) -> dict[str, Any] | None:
    """The event at `index`, its line parsed now if it was not yet (and kept parsed)."""
    event = events[index]
    if isinstance(event, bytes):
        try:
            event = _DECODER.decode(event)
        except ValueError:  # msgspec.DecodeError is one
            event = None  # a line cut short by a full disk, then appended after
        events[index] = event = event if isinstance(event, dict) else None
    return event
