"""Logging in and out, changing passwords, listing users: one HSM node at a time.

Users are not synchronised between HSMs, so every rule is applied per node and every result
is per node; the shells render those results as the real tools do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..world import credentials
from ..world.model import Cluster, Hsm, Session, User, World
from . import returncodes as rc
from .nodes import find_user, type_matches
from .sessions import close_session, holders, open_session

NodeResults = list[tuple[Hsm, rc.ReturnCode]]

# Passwords: 7-32 characters (createUser.md, changePswd.md, limits.md).
_PASSWORD_LEN = (7, 32)
# GAP: the docs call some characters forbidden without listing them; whitespace cannot be typed
# as one argument, so only printable ASCII without spaces is accepted.
_PASSWORD_CHARS = re.compile(r"[\x21-\x7e]+")


class BadPassword(ValueError):
    pass


def check_password(password: str) -> None:
    low, high = _PASSWORD_LEN
    if not low <= len(password) <= high:
        raise BadPassword(f"Password length should be between {low} and {high}")
    if not _PASSWORD_CHARS.fullmatch(password):
        raise BadPassword("Password contains invalid characters")


@dataclass
class Login:
    session: Session | None
    results: NodeResults


class _Verifier:
    """Checks one password against several nodes' hashes; nodes that share a hash (the
    usual case: the password was set on all of them at once) cost one scrypt."""

    def __init__(self, password: str):
        self.password = password
        self._seen: dict[str, bool] = {}

    def __call__(self, stored: str) -> bool:
        if stored not in self._seen:
            self._seen[stored] = credentials.verify_password(self.password, stored)
        return self._seen[stored]


def login(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str, tool: str,
          pid: int | None, user_type: str, user_name: str, password: str) -> Login:
    """Log in on each given HSM.  A wrong password counts against the user on that HSM and
    locks the user at the world's threshold; a locked user cannot log in even with the right
    password until a crypto officer changes it."""
    existing = world.sessions.get(session_id)
    verify = _Verifier(password)
    results: NodeResults = []
    for hsm in hsms:
        user = find_user(hsm, user_name)
        if existing and hsm.hsm_id in existing.hsms:
            code = rc.ALREADY_LOGGED_IN
        elif user is None or not type_matches(user_type, user.user_type):
            code = rc.USER_NOT_FOUND
        elif any(s.tool == "kms" for s in holders(world, cluster.cluster_id, hsm.hsm_id, user.name)):
            # While a key store is connected KMS holds kmsuser with a password only it knows.
            code = rc.LOGIN_FAILURE
        elif user.locked:
            code = rc.LOGIN_FAILURE
        elif not verify(user.password_hash):
            record_failed_login(world, user)
            code = rc.LOGIN_FAILURE
        else:
            user.failed_logins = 0
            code = rc.SUCCESS
        results.append((hsm, code))
    joined = [hsm.hsm_id for hsm, code in results if not code]
    session = existing
    if joined:
        if existing:
            existing.hsms.extend(joined)
        else:
            user = find_user(next(h for h, c in results if not c), user_name)
            session = open_session(world, session_id, tool, cluster.cluster_id, user.name,
                                   user.user_type, joined, pid)
    return Login(session, results)


def record_failed_login(world: World, user: User) -> None:
    user.failed_logins += 1
    if user.failed_logins >= world.settings.lockout_threshold:
        user.locked = True


def logout(world: World, hsms: list[Hsm], session_id: str) -> NodeResults:
    session = world.sessions.get(session_id)
    results = [
        (hsm, rc.SUCCESS if session and hsm.hsm_id in session.hsms else rc.NOT_LOGGED_IN)
        for hsm in hsms
    ]
    if session:
        close_session(world, session_id)
    return results


def change_password(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str,
                    user_type: str, user_name: str, new_password: str) -> NodeResults:
    """Any user may change their own password; a crypto officer may change any CO's or CU's
    without knowing it.  Nobody can change the password of a user another session has logged
    in (which is why kmsuser's cannot be changed while its key store is connected)."""
    check_password(new_password)
    caller = world.sessions.get(session_id)
    new_hash = credentials.hash_password(new_password, world.settings.password_cost)
    results: NodeResults = []
    for hsm in hsms:
        target = find_user(hsm, user_name)
        if caller is None or hsm.hsm_id not in caller.hsms:
            code = rc.NOT_LOGGED_IN
        elif target is None or not type_matches(user_type, target.user_type):
            code = rc.USER_NOT_FOUND
        elif not _may_change(caller, target):
            code = rc.PERMISSION_DENIED
        elif any(s.session_id != session_id
                 for s in holders(world, cluster.cluster_id, hsm.hsm_id, target.name)):
            code = rc.USER_IN_SESSION
        else:
            target.password_hash = new_hash
            target.failed_logins = 0
            target.locked = False
            code = rc.SUCCESS
        results.append((hsm, code))
    return results


def _may_change(caller: Session, target: User) -> bool:
    if caller.user_name.lower() == target.name.lower():
        return True
    return caller.user_type in ("CO", "PCO") and target.user_type in ("CO", "CU", "PCO", "PRECO")


def list_users(hsm: Hsm) -> list[User]:
    return sorted(hsm.users, key=lambda u: u.user_id)
