"""CloudTrail's events, kept in an append-only log beside the world file (`world.yaml.trail`).

Why not in the YAML: nearly every call records an event, and for Encrypt and Decrypt the
event is all that changes.  Kept in the world, each such call rewrote and fsynced it; kept
here, a call that changes nothing else leaves the world file alone and appends one line.
CloudTrail itself delivers events minutes after the call, so the log is appended without
fsync, after the world is committed and under the same lock: a machine that stops may lose the
newest events, never the world or its order.

The format is JSON Lines: a header line naming the log's generation, then one CloudTrail event
per line, oldest first (what `jq` reads).  A line cut short (a full disk) is skipped.  When
the log holds twice `trail_limit` events it is rewritten with the newest `trail_limit` under
a new generation, by a temporary file and a rename.

Each process remembers what it has read and reads only what was appended since: seeing the
events of another process costs a stat and a read of the new lines.  The generation tells a
log that was rotated or replaced from the same log grown, even when the new file got the old
one's inode number back.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_HEADER = b'{"hsmshellTrailLog":1,"generation":"'


class TrailLog:
    def __init__(self, path: Path):
        self.path = path
        self._events: list[dict[str, Any]] = []  # what this process has read, oldest first
        self._head = b""  # the header line of the file those events came from
        self._offset = 0  # bytes of that file read so far
        self._cut = False  # the file ends in a line cut short, which no one will finish

    def view(self, limit: int) -> Trail:
        """The newest `limit` events, as a transaction sees them.  Call under the world's lock."""
        self._catch_up()
        return Trail(self._events[-limit:] if limit else [], limit)

    def append(self, events: list[bytes], limit: int) -> None:
        """Add events (each already `line()`d) at the end of the log.  Call under the world's
        lock, after `view` in the same locked section, so that nobody appended in between."""
        if not events:
            return
        if not self._head:
            return self.replace([json.loads(e) for e in events], limit)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            data = (b"\n" if self._cut else b"") + b"".join(events)  # not glued to a cut line
            written = os.write(fd, data)
            if written != len(data):  # a full disk: the next reader skips the cut line
                raise OSError(f"{self.path}: only {written} of {len(data)} bytes written")
        finally:
            os.close(fd)
        self._offset += len(data)
        self._cut = False
        self._events += (json.loads(e) for e in events)
        if len(self._events) > 2 * limit:
            self.replace(self._events[-limit:], limit)

    def replace(self, events: list[dict[str, Any]], limit: int) -> None:
        """A new log holding `events` (a new world from a fixture, or a rotation)."""
        events = events[-limit:] if limit else []
        head = _HEADER + secrets.token_hex(8).encode() + b'"}\n'
        data = head + b"".join(line(e) for e in events)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._events, self._head, self._offset, self._cut = list(events), head, len(data), False

    def _catch_up(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._events, self._head, self._offset, self._cut = [], b"", 0, False
            return
        try:
            size = os.fstat(fd).st_size
            if not self._head or size < self._offset or os.pread(fd, len(self._head), 0) != self._head:
                self._events, self._head, self._offset = [], b"", 0  # rotated or replaced: read it all
            self._cut = False
            if size == self._offset:
                return
            data = os.pread(fd, size - self._offset, self._offset)
        finally:
            os.close(fd)
        end = data.rfind(b"\n") + 1  # a last line without its newline is cut short: not yet
        lines = data[:end].split(b"\n")[:-1]
        if not self._head:
            if not lines or not lines[0].startswith(_HEADER):
                return  # not a trail log (or an empty one): no events
            self._head = lines[0] + b"\n"
            lines = lines[1:]
        for text in lines:
            try:
                event = json.loads(text)
            except ValueError:
                continue  # a line cut short by a full disk, then appended after
            if isinstance(event, dict):
                self._events.append(event)
        self._offset += end
        self._cut = end < len(data)


def line(event: dict[str, Any]) -> bytes:
    """An event as its line of the log.  Raises ValueError for what JSON cannot hold."""
    try:
        return json.dumps(event, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n"
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a CloudTrail event cannot be written: {exc}") from None


class Trail(Sequence):
    """The events one transaction sees, oldest first: the newest `limit` of the log followed
    by those recorded in this transaction, which the store appends when the transaction
    commits (and forgets when it fails)."""

    def __init__(self, logged: list[dict[str, Any]], limit: int):
        self._events = logged
        self.limit = limit
        self.recorded: list[dict[str, Any]] = []

    def append(self, event: dict[str, Any]) -> None:
        self.recorded.append(event)
        self._events.append(event)
        if len(self._events) > self.limit:
            del self._events[0]

    def last_event_id(self) -> str:
        return self._events[-1].get("eventID", "") if self._events else ""

    def __getitem__(self, index):
        return self._events[index]

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self):
        return iter(self._events)

    def __reversed__(self):
        return reversed(self._events)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (Trail, list)) else NotImplemented

    __hash__ = None
