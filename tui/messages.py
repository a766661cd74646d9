"""The messages the app coordinates through."""

from __future__ import annotations

from textual.message import Message

from .snapshot import Snapshot


class WorldChanged(Message):
    """The watcher saw a new state of the world (another process, a due transition, a tab)."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class WorldUnreadable(Message):
    """The world file cannot be read (a hand edit went wrong); the message says why."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class TabTitleChanged(Message):
    def __init__(self, pane_id: str, title: str) -> None:
        super().__init__()
        self.pane_id = pane_id
        self.title = title


class TabEnded(Message):
    """A tab's session typed `exit` at its `$` prompt: close it, as a terminal would."""

    def __init__(self, pane_id: str) -> None:
        super().__init__()
        self.pane_id = pane_id
