"""The middle floor's front door: a store that settles what the services say falls due.

Front-ends open the world through here, so every transaction first sweeps the sessions of
dead processes, runs the due transitions with the rules that own them, and then applies the
backup retention policy (after the due transitions, so a daily backup taken by a clock jump
already counts as its cluster's newest).
"""

from __future__ import annotations

import os
from typing import Callable

from .cloudhsm import sessions
from .cloudhsmv2 import backups, clusters
from .kms import custom_key_stores, keys, rotation
from .world import due
from .world.model import World
from .world.store import Store, resolve_path

DUE_TRANSITIONS = {**custom_key_stores.DUE_TRANSITIONS, **keys.DUE_TRANSITIONS, **rotation.DUE_TRANSITIONS,
                   **clusters.DUE_TRANSITIONS, **backups.DUE_TRANSITIONS}


def settle(world: World) -> bool:
    swept = sessions.sweep(world)
    settled = due.settle(world, DUE_TRANSITIONS)
    return backups.apply_retention(world) or settled or swept


def open_store(path: str | os.PathLike | None = None, *, notify: Callable[[str], None] | None = None) -> Store:
    """The world at `path`, else $HSMSHELL_WORLD, else the default location.  Only the default
    is made on first use: a path someone named that holds no world is a mistake to report, not
    a fresh world to hand them.  `notify` hears what the store says besides errors."""
    named = path or os.environ.get("HSMSHELL_WORLD")
    return Store(resolve_path(path), settle=settle, transitions=DUE_TRANSITIONS, create_missing=not named,
                 notify=notify)
