"""What the status pane shows, taken from a world in one go.

The watcher builds a Snapshot in its own thread and the app hands it to the views, so no
widget ever holds a World (which belongs to the thread that loaded it).  Derived facts, such
as a KMS key's displayed state, come from the services, where the rules live.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hsmshell.cloudhsm.cluster_users import cluster_users
from hsmshell.cloudhsmv2.clusters import mode_of
from hsmshell.kms.keys import key_state
from hsmshell.world.clock import now
from hsmshell.world.model import User, World

TRAIL_SHOWN = 6


@dataclass(frozen=True)
class KeyStoreRow:
    name: str
    store_id: str
    cluster_id: str
    state: str
    error_code: str | None


@dataclass(frozen=True)
class KmsKeyRow:
    key_id: str
    store_name: str
    state: str
    handle: int


@dataclass(frozen=True)
class HsmRow:
    hsm_id: str
    zone: str
    ip: str
    state: str
    reachable: bool


@dataclass(frozen=True)
class UserCell:
    present: bool
    failed_logins: int = 0
    locked: bool = False


@dataclass(frozen=True)
class UserRow:
    user_id: int
    name: str
    user_type: str
    cells: tuple[UserCell, ...]  # one per HSM, in cluster order
    coverage: str  # `user list`'s cluster-coverage: "full", or "inconsistent" where HSMs lack it
    out_of_sync: bool  # missing on a node, or a different password or type there (a change
    # made while an HSM did not answer); passwords set together share one salted hash


@dataclass(frozen=True)
class ClusterBlock:
    cluster_id: str
    state: str
    hsm_type: str  # hsm1.medium (the SDK 3 tools reach it) or hsm2m.medium (the CloudHSM CLI only)
    mode: str  # FIPS / NON_FIPS, as describe-clusters shows it
    hsms: tuple[HsmRow, ...]
    users: tuple[UserRow, ...]
    key_count: int


@dataclass(frozen=True)
class SessionRow:
    tool: str
    user: str
    user_type: str
    hsm_count: int
    owner: str  # "pid 1234" or "AWS KMS"


@dataclass(frozen=True)
class TrailRow:
    time: str
    event: str
    detail: str


@dataclass(frozen=True)
class Progress:
    """The trainee's ledger, in short."""
    trainee: str
    labs_done: int
    labs_attempted: int
    problem: str | None = None  # the ledger could not be read


@dataclass(frozen=True)
class LabBlock:
    name: str
    title: str  # "" in an exam, whose causes are what it asks
    objectives: tuple[tuple[str, bool], ...]  # (title, holds); in an exam, ("Cause 1 of 2", repaired)
    broken_guards: tuple[str, ...]
    problem: str | None = None  # the lab's definition or state could not be read
    exam: bool = False
    started: float = 0.0  # wall clock; 0 for a lab started before ledgers
    deadline: float | None = None  # an exam's
    progress: Progress | None = None
    ledger: str = ""  # the ledger's file, which the watcher watches too


@dataclass(frozen=True)
class Snapshot:
    path: str
    revision: int
    clock: str
    frozen: bool
    key_stores: tuple[KeyStoreRow, ...]
    kms_keys: tuple[KmsKeyRow, ...]
    clusters: tuple[ClusterBlock, ...]
    sessions: tuple[SessionRow, ...]
    trail: tuple[TrailRow, ...]
    problem: str | None = None  # the world file cannot be read (the rest is the last good view), or its key is missing
    lab: LabBlock | None = None  # the lab under way on this world, if any


def build(world: World, path: str, shown: dict | None = None) -> Snapshot:
    """What the status pane shows of `world`.  `shown` (a dict the caller keeps) remembers each
    cluster's block by the cluster object: for worlds from Store.read(), which share the objects
    of one state of the file and never change them, a cluster seen before is not walked again.
    A full hsm2m.medium's 3,072 users took a walk at every tick of the watcher, unchanged or not."""
    stores = world.custom_key_stores
    return Snapshot(
        path=path,
        revision=world.revision,
        clock=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(now(world))),
        frozen=world.clock.frozen_at is not None,
        key_stores=tuple(
            KeyStoreRow(s.custom_key_store_name, s.custom_key_store_id, s.cloud_hsm_cluster_id,
                        s.connection_state, s.connection_error_code)
            for s in stores.values()
        ),
        kms_keys=tuple(
            KmsKeyRow(k.key_id, stores[k.custom_key_store_id].custom_key_store_name
                      if k.custom_key_store_id in stores else "?", key_state(world, k), k.backing_key_handle)
            for k in world.kms_keys.values()
        ),
        clusters=tuple(_cluster(c) if shown is None else _remembered(shown, c) for c in world.clusters.values()),
        sessions=tuple(
            SessionRow(s.tool, s.user_name, s.user_type, len(s.hsms),
                       f"pid {s.pid}" if s.pid else "AWS KMS")
            for s in world.sessions.values()
        ),
        trail=tuple(_trail_row(e) for e in world.trail[-TRAIL_SHOWN:][::-1]),
    )


def lab_block(store) -> LabBlock | None:
    """The lab under way and how its objectives stand, evaluated as `hsmshell lab status` does
    (the guard against a re-made or tampered world included), and the trainee's progress."""
    from hsmshell.labs import session
    from hsmshell.labs.definition import LabError
    from hsmshell.labs.exam import Exam

    try:
        state = session.active(store)
        if state is None:
            return None
        lab, objectives, guards = session.check(store)
    except LabError as exc:
        return LabBlock("?", "lab", (), (), problem=str(exc))
    broken = tuple(g.check.title for g in guards if not g.holds)
    common = dict(started=state.started, deadline=state.deadline, ledger=state.ledger,
                  progress=_progress(state.trainee, state.ledger) if state.trainee else None)
    if isinstance(lab, Exam):
        holds = {id(o.check): o.holds for o in objectives}
        causes = tuple((f"Cause {n} of {len(lab.causes)}", all(holds[id(c)] for c in cause.objectives))
                       for n, cause in enumerate(lab.causes, 1))
        return LabBlock(lab.name, "", causes, broken, exam=True, **common)
    return LabBlock(lab.name, lab.title, tuple((o.check.title, o.holds) for o in objectives), broken, **common)


def _progress(trainee: str, path: str) -> Progress:
    from pathlib import Path

    from hsmshell.labs import ledger
    from hsmshell.labs.definition import LabError

    try:
        book = ledger.load(trainee, Path(path))
    except LabError as exc:
        return Progress(trainee, 0, 0, problem=str(exc))
    labs = [a for a in book.attempts if not a.exam]
    return Progress(trainee, len({a.lab for a in labs if a.finished}), len({a.lab for a in labs}))


def _remembered(shown: dict, cluster) -> ClusterBlock:
    seen = shown.get(cluster.cluster_id)
    if seen is None or seen[0] is not cluster:
        seen = shown[cluster.cluster_id] = (cluster, _cluster(cluster))
    return seen[1]


def _cluster(cluster) -> ClusterBlock:
    # Each HSM's users by name (case-insensitive, the first of a name as the shells find it),
    # gathered once: a full hsm2m.medium has 1,024 users on each HSM, and this runs at every
    # change the TUI shows.
    by_name: list[dict[str, User]] = []
    for hsm in cluster.hsms:
        users: dict[str, User] = {}
        for user in hsm.users:
            users.setdefault(user.name.lower(), user)
        by_name.append(users)
    names: dict[str, int] = {}
    for users in by_name:
        for lowered, user in users.items():
            names.setdefault(lowered, user.user_id)
    coverage = {u.username: u.coverage for u in cluster_users(cluster)}
    rows = []
    for lowered, user_id in sorted(names.items(), key=lambda item: item[1]):
        copies = [users.get(lowered) for users in by_name]
        present = [u for u in copies if u is not None]
        first = present[0]
        rows.append(UserRow(
            user_id=first.user_id, name=first.name, user_type=first.user_type,
            cells=tuple(UserCell(True, u.failed_logins, u.locked) if u else UserCell(False) for u in copies),
            # A user only on HSMs that do not answer is not in `user list` at all.
            coverage=coverage.get(lowered, "inconsistent"),
            out_of_sync=len(present) != len(copies)
            or len({(u.password_hash, u.user_type) for u in present}) > 1,
        ))
    return ClusterBlock(
        cluster_id=cluster.cluster_id, state=cluster.state, hsm_type=cluster.hsm_type,
        mode=mode_of(cluster),
        hsms=tuple(HsmRow(h.hsm_id, h.availability_zone, h.eni_ip, h.state, h.reachable) for h in cluster.hsms),
        users=tuple(rows), key_count=len(cluster.keys),
    )


def _trail_row(event: dict) -> TrailRow:
    request = event.get("requestParameters") or {}
    detail = ", ".join(f"{k}={v}" for k, v in request.items())
    return TrailRow(event.get("eventTime", "")[11:19], event.get("eventName", "?"), detail)
