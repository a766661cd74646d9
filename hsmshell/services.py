"""The middle floor's front door: a store that settles what the services say falls due.

Front-ends open the world through here, so every transaction first sweeps the sessions of
dead processes, runs the due transitions with the rules that own them, and then applies the
backup retention policy (after the due transitions, so a daily backup taken by a clock jump
already counts as its cluster's newest).

The services that declare due transitions, and the backups' retention, are imported when a
world first has something for them (an entry due, a backup): a command on a world with
neither does not import KMS's rules to settle nothing.  A single CloudHSM CLI command's
start-up is a budget of 150 ms, and these imports were a sixth of it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Mapping
from typing import Callable

from .cloudhsm import sessions
from .lazy import lazy
from .world import due
from .world.model import World
from .world.store import Store, resolve_path

backups = lazy("hsmshell.cloudhsmv2.backups")  # loaded by the first world that has a backup

# The modules whose DUE_TRANSITIONS the store settles: kind -> due.Transition.
DECLARING = ("hsmshell.kms.custom_key_stores", "hsmshell.kms.keys", "hsmshell.kms.rotation",
             "hsmshell.cloudhsmv2.clusters", "hsmshell.cloudhsmv2.backups")


class _Transitions(Mapping):
    """Every service's due transitions, gathered from DECLARING at the first look."""

    def __init__(self) -> None:
        self._all: dict[str, due.Transition] | None = None

    def _gathered(self) -> dict[str, due.Transition]:
        if self._all is None:
            self._all = {kind: transition for name in DECLARING
                         for kind, transition in importlib.import_module(name).DUE_TRANSITIONS.items()}
        return self._all

    def __getitem__(self, kind: str) -> due.Transition:
        return self._gathered()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._gathered())

    def __len__(self) -> int:
        return len(self._gathered())


DUE_TRANSITIONS: Mapping[str, due.Transition] = _Transitions()


def settle(world: World) -> bool:
    swept = sessions.sweep(world)
    settled = bool(world.due) and due.settle(world, DUE_TRANSITIONS)
    if not world.backups:
        return settled or swept
    return backups.apply_retention(world) or settled or swept


def open_store(path: str | os.PathLike | None = None, *, notify: Callable[[str], None] | None = None) -> Store:
    """The world at `path`, else $HSMSHELL_WORLD, else the default location.  Only the default
    is made on first use: a path someone named that holds no world is a mistake to report, not
    a fresh world to hand them.  `notify` hears what the store says besides errors."""
    named = path or os.environ.get("HSMSHELL_WORLD")
    return Store(resolve_path(path), settle=settle, transitions=DUE_TRANSITIONS, create_missing=not named,
                 notify=notify)
