"""Watches the world file from a thread and tells the app when what it shows has changed.

Every tick it reads the world through the store: an unchanged file costs a read and a compare,
a changed one (a commit by any process) is parsed, and reading settles what has fallen due, so
CONNECTING turns into CONNECTED on screen without anyone typing.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from hsmshell.services import open_store
from hsmshell.world.store import WorldError

from .messages import WorldChanged, WorldUnreadable
from .snapshot import Snapshot, build, lab_block

TICK = 0.05  # seconds: a change shows within a tick and a render, well inside 250 ms


def _changed(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


class WorldWatcher:
    def __init__(self, path: Path, post) -> None:
        self.path = path
        self.post = post  # thread-safe: App.post_message
        self.stopped = threading.Event()
        self._warning: str | None = None  # what the store last said besides errors
        self._store = open_store(path, notify=self._heard)
        self._last: Snapshot | None = None
        self._problem: str | None = None
        self._lab_key = None
        self._lab = None
        self._shown: dict = {}  # snapshot.build's memory of the clusters it walked

    def _heard(self, text: str) -> None:
        self._warning = text

    def snapshot(self) -> Snapshot:
        world = self._store.read()
        problem = self._warning if self._store.key_lost else None  # shown until the key is back
        return replace(build(world, str(self.path), self._shown), lab=self._lab_status(world), problem=problem)

    def _lab_status(self, world):
        """Objectives are evaluated again only when the world (its file or its CloudTrail log),
        the lab's state or the trainee's ledger changed."""
        from hsmshell.labs.session import state_path

        stamp = _changed(state_path(self._store))
        key = (world.revision, world.trail.last_event_id(), stamp, world.clock.frozen_at,
               _changed(Path(self._lab.ledger)) if self._lab and self._lab.ledger else None)
        if key != self._lab_key:
            self._lab_key, self._lab = key, (lab_block(self._store) if stamp else None)
        return self._lab

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
        # A world mended back to what was shown before the problem is a change to show too.
        mended, self._problem = self._problem is not None, None
        if snapshot != self._last or mended:
            self._last = snapshot
            self.post(WorldChanged(snapshot))

    def stop(self) -> None:
        self.stopped.set()
