"""Logins held open in the world, so that every process sees them.

A shell's sessions carry its process id and are removed when it exits; the sessions of a
process that died without saying so are swept by the next transaction.  KMS's own kmsuser
session belongs to no process and lives as long as its key store stays connected.
"""

from __future__ import annotations

import os

from ..world.clock import now
from ..world.model import Session, World


def process_start(pid: int) -> int | None:
    """The kernel's start time of a process, which tells a reused pid from the original."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def alive(session: Session) -> bool:
    if session.pid is None:
        return True
    try:
        os.kill(session.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return session.pid_start is None or process_start(session.pid) in (None, session.pid_start)


def open_session(world: World, session_id: str, tool: str, cluster_id: str, user_name: str,
                 user_type: str, hsms: list[str], pid: int | None) -> Session:
    session = Session(
        session_id=session_id, tool=tool, cluster_id=cluster_id, user_name=user_name,
        user_type=user_type, hsms=list(hsms), started=now(world), pid=pid,
        pid_start=process_start(pid) if pid else None,
    )
    world.sessions[session_id] = session
    return session


def close_session(world: World, session_id: str) -> None:
    """End a login: its session keys and its quorum tokens vanish with it, as on a real HSM."""
    session = world.sessions.pop(session_id, None)
    if session is None:
        return
    cluster = world.clusters.get(session.cluster_id)
    if cluster:
        for handle in [h for h, k in cluster.keys.items() if k.session_id == session_id]:
            del cluster.keys[handle]
    for other in world.clusters.values():  # a CMU login may span a cloned cluster too
        for hsm in other.hsms:
            hsm.tokens = [t for t in hsm.tokens if t.session_id != session_id]


def sweep(world: World) -> bool:
    """Close the sessions of processes that no longer exist.  True if any were closed."""
    dead = [s.session_id for s in world.sessions.values() if not alive(s)]
    for session_id in dead:
        close_session(world, session_id)
    return bool(dead)


def holders(world: World, hsm_id: str, user_name: str) -> list[Session]:
    """The sessions logged in as a user on one HSM, whichever cluster their login began on: a CMU
    login spanning a cloned cluster (syncUser, syncKey) holds its user on the clone's HSMs too,
    and an HSM's ID names it in one cluster only (AWS's hsm IDs are unique)."""
    wanted = user_name.lower()
    return [s for s in world.sessions.values() if hsm_id in s.hsms and s.user_name.lower() == wanted]
