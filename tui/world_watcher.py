"""Watches the world file from a thread and tells the app when what it shows has changed.

Every tick it reads the world through the store: an unchanged file costs a read and a compare,
a changed one (a commit by any process) is parsed, and reading settles what has fallen due, so
CONNECTING turns into CONNECTED on screen without anyone typing.
"""

from __future__ import annotations

import threading
from pathlib import Path

from hsmshell.services import open_store
from hsmshell.world.store import WorldError

from .messages import WorldChanged, WorldUnreadable
from .snapshot import Snapshot, build

TICK = 0.05  # seconds: a change shows within a tick and a render, well inside 250 ms


class WorldWatcher:
    def __init__(self, path: Path, post) -> None:
        self.path = path
        self.post = post  # thread-safe: App.post_message
        self.stopped = threading.Event()
        self._store = open_store(path)
        self._last: Snapshot | None = None
        self._problem: str | None = None

    def snapshot(self) -> Snapshot:
        return build(self._store.read(), str(self.path))

    def run(self) -> None:
        while not self.stopped.is_set():
            self.poll()
            self.stopped.wait(TICK)

    def poll(self) -> None:
        try:
            snapshot = self.snapshot()
        except WorldError as exc:
            if str(exc) != self._problem:
                self._problem = str(exc)
                self.post(WorldUnreadable(str(exc)))
            return
        self._problem = None
        if snapshot != self._last:
            self._last = snapshot
            self.post(WorldChanged(snapshot))

    def stop(self) -> None:
        self.stopped.set()
