"""Logging in and out, changing passwords, listing users: one HSM node at a time.

Users are not synchronised between HSMs, so every rule is applied per node and every result
is per node; the shells render those results as the real tools do.
"""

from __future__ import annotations

import re

import msgspec

from ..world import credentials
from ..world.model import Cluster, Hsm, Session, User, World
from . import quorum, quotas, two_factor
from . import returncodes as rc
from .nodes import answers, find_user, type_matches
from .sessions import close_session, holders, open_session
from .two_factor import SecondFactor

NodeResults = list[tuple[Hsm, rc.ReturnCode]]
SecondFactors = dict[str, SecondFactor]  # HSM id -> that HSM's part of a -2fa exchange

# Passwords: 7-32 characters (createUser.md, changePswd.md, limits.md).
_PASSWORD_LEN = (7, 32)
# GAP: the docs call some characters forbidden without listing them; whitespace cannot be typed
# as one argument, so only printable ASCII without spaces is accepted.
_PASSWORD_CHARS = re.compile(r"[\x21-\x7e]+")


# User names: at most 31 characters, `_` the only special character (createUser.md, limits.md).
_USER_NAME = re.compile(r"[A-Za-z0-9_]{1,31}")
OFFICERS = ("CO", "PCO")


class BadPassword(ValueError):
    pass


class BadUserName(ValueError):
    pass


def check_user_name(name: str) -> None:
    if len(name) > 31:
        raise BadUserName("User name length should be less than 32")
    if not _USER_NAME.fullmatch(name):
        raise BadUserName("User name contains invalid characters")


def check_password(password: str) -> None:
    low, high = _PASSWORD_LEN
    if not low <= len(password) <= high:
        raise BadPassword(f"Password length should be between {low} and {high}")
    if not _PASSWORD_CHARS.fullmatch(password):
        raise BadPassword("Password contains invalid characters")


class Login(msgspec.Struct):
    session: Session | None
    results: NodeResults


def login(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str, tool: str,
          pid: int | None, user_type: str, user_name: str, password: str,
          second_factors: SecondFactors | None = None) -> Login:
    """Log in on each given HSM.  A wrong password counts against the user on that HSM and
    locks the user at the world's threshold; a locked user cannot log in even with the right
    password until a crypto officer changes it.  A user with 2FA also needs the digest of
    each HSM signed with their key; for anyone else a second factor is ignored."""
    existing = world.sessions.get(session_id)
    verify = credentials.Verifier(password)
    results: NodeResults = []
    for hsm in hsms:
        user = find_user(hsm, user_name)
        if not answers(hsm):
            code = rc.SERVER_UNAVAILABLE
        elif existing and hsm.hsm_id in existing.hsms:
            code = rc.ALREADY_LOGGED_IN
        elif user is None or not type_matches(user_type, user.user_type):
            code = rc.USER_NOT_FOUND
        elif any(s.tool == "kms" for s in holders(world, hsm.hsm_id, user.name)):
            # While a key store is connected KMS holds kmsuser with a password only it knows.
            code = rc.LOGIN_FAILURE
        elif user.locked:
            code = rc.LOGIN_FAILURE
        elif not verify(user.password_hash):
            record_failed_login(world, user)
            code = rc.LOGIN_FAILURE
        elif user.two_factor and not two_factor.proves(user.quorum_pub_key,
                                                       (second_factors or {}).get(hsm.hsm_id)):
            # GAP: the refusal is undocumented; the password was right, so it is not counted.
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
    # A node that stopped answering drops the login on its side anyway.
    results = [
        (hsm, rc.NOT_LOGGED_IN if not session or hsm.hsm_id not in session.hsms
         else rc.SUCCESS if answers(hsm) else rc.SERVER_UNAVAILABLE)
        for hsm in hsms
    ]
    if session:
        close_session(world, session_id)
    return results


def change_password(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str,
                    user_type: str, user_name: str, new_password: str,
                    second_factors: SecondFactors | None = None) -> NodeResults:
    """Any user may change their own password; a crypto officer may change any CO's or CU's
    without knowing it (under a quorum, with an approved token, which this spends).  Nobody
    can change the password of a user another session has logged in (which is why kmsuser's
    cannot be changed while its key store is connected).  With a second factor the user gets
    (or keeps) 2FA with the new key that signed it; without one a 2FA user loses 2FA."""
    check_password(new_password)
    caller = world.sessions.get(session_id)
    new_hash = credentials.hash_password(new_password, world.settings.password_cost)
    results: NodeResults = []
    activating = False
    for hsm in hsms:
        target = find_user(hsm, user_name)
        if not answers(hsm):
            code = rc.SERVER_UNAVAILABLE
        elif caller is None or hsm.hsm_id not in caller.hsms:
            code = rc.NOT_LOGGED_IN
        elif target is None or not type_matches(user_type, target.user_type):
            code = rc.USER_NOT_FOUND
        elif not _may_change(caller, target):
            code = rc.PERMISSION_DENIED
        elif not _own(caller, target) and not quorum.approved(world, hsm, session_id, quorum.USER_MGMT):
            code = rc.MXN_AUTH_FAILED
        elif any(s.session_id != session_id
                 for s in holders(world, hsm.hsm_id, target.name)):
            code = rc.USER_IN_SESSION
        elif second_factors is not None and not two_factor.allowed(target.user_type):
            code = rc.INVALID_USER_TYPE
        elif second_factors is not None and not _new_key_proven(second_factors.get(hsm.hsm_id)):
            code = rc.INVALID_SIGNATURE
        else:
            if not _own(caller, target):
                quorum.spend(hsm, session_id, quorum.USER_MGMT)
            target.password_hash = new_hash
            target.failed_logins = 0
            target.locked = False
            if second_factors is not None:
                two_factor.enrol(target, second_factors[hsm.hsm_id].public_key)
            else:
                two_factor.withdraw(target)
            activating = activating or target.user_type == "PRECO"
            code = rc.SUCCESS
        results.append((hsm, code))
    if activating:
        from . import activation  # activation checks passwords with this module's rules

        activation.by_precrypto_officer(world, cluster, new_hash)
    return results


def _new_key_proven(factor: SecondFactor | None) -> bool:
    return factor is not None and two_factor.proves(factor.public_key, factor)


def _own(caller: Session, target: User) -> bool:
    return caller.user_name.lower() == target.name.lower()


def _may_change(caller: Session, target: User) -> bool:
    if _own(caller, target):
        return True
    return caller.user_type in OFFICERS and target.user_type in ("CO", "CU", "PCO", "PRECO")


def list_users(hsm: Hsm) -> list[User]:
    return sorted(hsm.users, key=lambda u: u.user_id)


def _officer_on(world: World, hsm: Hsm, session_id: str) -> rc.ReturnCode:
    """May this session manage users on this HSM?"""
    caller = world.sessions.get(session_id)
    if not answers(hsm):
        return rc.SERVER_UNAVAILABLE
    if caller is None or hsm.hsm_id not in caller.hsms:
        return rc.NOT_LOGGED_IN
    if caller.user_type not in OFFICERS:
        return rc.PERMISSION_DENIED
    if not quorum.approved(world, hsm, session_id, quorum.USER_MGMT):
        return rc.MXN_AUTH_FAILED
    return rc.SUCCESS


def create_user(world: World, hsm: Hsm, *, session_id: str, user_type: str, user_name: str,
                password: str, second_factor: SecondFactor | None = None) -> rc.ReturnCode:
    """Create a user on one HSM with the next id that HSM has never given out.  The shell
    calls this once per server, because a failure on one asks the operator what to do next.
    Under a quorum this spends the login's approved token.  A second factor creates a crypto
    officer with 2FA, with the key that signed the HSM's digest."""
    check_user_name(user_name)
    check_password(password)
    code = _officer_on(world, hsm, session_id)
    if code:
        return code
    if find_user(hsm, user_name):
        return rc.USER_ALREADY_EXISTS
    if second_factor is not None and not two_factor.allowed(user_type):
        return rc.INVALID_USER_TYPE
    if second_factor is not None and not _new_key_proven(second_factor):
        return rc.INVALID_SIGNATURE
    code = quotas.refuses_user(world, hsm)
    if code:
        return code
    quorum.spend(hsm, session_id, quorum.USER_MGMT)
    user_id = max([hsm.next_user_id - 1, *(u.user_id for u in hsm.users)]) + 1
    hsm.next_user_id = user_id + 1
    user = User(user_id=user_id, user_type="PRECO" if user_type == "preCO" else user_type, name=user_name,
                password_hash=credentials.hash_password(password, world.settings.password_cost))
    if second_factor is not None:
        two_factor.enrol(user, second_factor.public_key)
    hsm.users.append(user)
    return rc.SUCCESS


def delete_user(world: World, cluster: Cluster, hsm: Hsm, *, session_id: str, user_type: str,
                user_name: str) -> tuple[rc.ReturnCode, User | None]:
    """Delete a user from one HSM; the deleted record comes back so a rollback can restore it.
    A user who is logged in, or a crypto user who owns keys on this HSM, cannot be deleted."""
    code = _officer_on(world, hsm, session_id)
    if code:
        return code, None
    user = find_user(hsm, user_name)
    if user is None or not type_matches(user_type, user.user_type):
        return rc.USER_NOT_FOUND, None
    if holders(world, hsm.hsm_id, user.name):
        return rc.USER_IN_SESSION, None
    if any(k.owner == user.user_id and hsm.hsm_id in k.hsms for k in cluster.keys.values()):
        return rc.USER_OWNS_KEYS, None
    quorum.spend(hsm, session_id, quorum.USER_MGMT)
    hsm.next_user_id = max(hsm.next_user_id, user.user_id + 1)
    hsm.users.remove(user)
    return rc.SUCCESS, user


def restore_user(hsm: Hsm, user: User) -> None:
    """Put back a user deleted earlier in the same command (deleteUser's rollBack)."""
    if find_user(hsm, user.name) is None:
        hsm.users.append(user)
