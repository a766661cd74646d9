"""user list | create | delete | change-password | change-mfa token-sign |
change-quorum token-sign register | replicate.

Users live on each HSM (they are not synchronised server-side): each command applies the
rule on every HSM the client reaches and reports one result; divergence shows later as
`"inconsistent"` in `user list` (cloudhsm-cli-spec §1.4, §4).
"""

from __future__ import annotations

from typing import Any

from ... import files
from ...cloudhsm import cluster_users, roles
from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import find_user
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .quorum import approve
from .tree import APPROVAL, PASSWORD, command, role, username

# The texts of the HSM refusals a user command can meet, most telling first.
REFUSALS = [
    (rc.NOT_LOGGED_IN, texts.NOT_LOGGED_IN),
    (rc.PERMISSION_DENIED, texts.PERMISSION_DENIED),
    (rc.MXN_AUTH_FAILED, texts.QUORUM_REQUIRED),
    (rc.USER_IN_SESSION, texts.USER_LOGGED_IN),
    (rc.USER_OWNS_KEYS, texts.USER_OWNS_KEYS),
    (rc.USER_NOT_FOUND, texts.USER_DOES_NOT_EXIST),
    (rc.USER_ALREADY_EXISTS, texts.USER_ALREADY_EXISTS),
    (rc.INVALID_SIGNATURE, texts.BAD_QUORUM_TOKEN),
    (rc.SERVER_UNAVAILABLE, texts.SERVER_UNAVAILABLE),
    (rc.USER_LIMIT, texts.USER_LIMIT),
]


def refusal(codes: list[rc.ReturnCode]) -> None:
    """Raise the failure for the first refusal among the HSMs' answers, if any."""
    for code, text in REFUSALS:
        if code in codes:
            raise Failure(text)
    if any(codes):
        raise Failure(next(c for c in codes if c).ret_name)


def _checked_name(name: str) -> str:
    from ...cloudhsm import users

    try:
        users.check_user_name(name)
    except users.BadUserName:
        raise Failure(texts.BAD_USERNAME) from None
    return name.lower()


def _checked_password(password: str) -> str:
    from ...cloudhsm import users

    try:
        users.check_password(password)
    except users.BadPassword:
        raise Failure(texts.BAD_PASSWORD) from None
    return password


@command("user list", "List the users in your cluster")
def user_list(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    world = cli.store.read()
    cluster = cli.cluster(world, values)
    cli.hsms(cluster)
    return {"users": [{"username": u.username, "role": u.role, "locked": u.locked, "mfa": u.mfa,
                       "quorum": u.quorum, "cluster-coverage": u.coverage}
                      for u in cluster_users.cluster_users(cluster)]}


@command("user create", "Create a new user", username(), role(), PASSWORD, APPROVAL)
def user_create(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import users

    name = _checked_name(values["username"])
    password = _checked_password(cli.password(values, confirm=True))
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        cli.logged_in(world, cluster)
        hsms = cli.hsms(cluster)
        approve(cli, world, hsms, values.get("approval"))
        # Re-running a create completes one that reached only some HSMs (S5 FAQ Q5).
        missing = [h for h in hsms if find_user(h, name) is None]
        if not missing:
            raise Failure(texts.USER_ALREADY_EXISTS)
        user_type = roles.TYPE_OF_ROLE[values["role"]]
        codes = [users.create_user(world, h, session_id=cli.session_id, user_type=user_type,
                                   user_name=name, password=password) for h in missing]
        refusal(codes)
    return {"username": name, "role": values["role"]}


def _approved_user(cli: CloudHsmCli, world, values: dict[str, Any], name: str):
    """What deleting or changing a user starts with: the cluster and its HSMs, the login and
    any quorum approval checked, and the user there in the role named: (cluster, hsms, user type)."""
    cluster = cli.cluster(world, values)
    cli.logged_in(world, cluster)
    hsms = cli.hsms(cluster)
    approve(cli, world, hsms, values.get("approval"))
    user_type = roles.user_type_for(values["role"], hsms, name)
    if not roles.matches(values["role"], user_type):
        raise Failure(texts.USER_DOES_NOT_EXIST)
    return cluster, hsms, user_type


@command("user delete", "Delete a user", username(), role(), APPROVAL)
def user_delete(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import users

    name = values["username"].lower()
    with cli.store.transaction() as world:
        cluster, hsms, user_type = _approved_user(cli, world, values, name)
        results = [users.delete_user(world, cluster, h, session_id=cli.session_id, user_type=user_type,
                                     user_name=name) for h in hsms]
        codes = [code for code, _ in results]
        # Gone from the HSMs that had it: a delete that only some HSMs still needed succeeds.
        if any(not c for c in codes) and all(c in (rc.SUCCESS, rc.USER_NOT_FOUND) for c in codes):
            codes = [rc.SUCCESS]
        refusal(codes)
    return {"username": name, "role": values["role"]}


@command("user change-password", "Change a user's password",
         username("Username of the user that will be modified"), role(), PASSWORD, APPROVAL,
         Opt("deregister-mfa", "Deregister the user's mfa public key, if present", "DEREGISTER-MFA"),
         Opt("deregister-quorum", "Deregister the user's quorum public key, if present", "DEREGISTER-QUORUM"))
def user_change_password(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import users

    name = values["username"].lower()
    password = _checked_password(cli.password(values, confirm=True))
    with cli.store.transaction() as world:
        cluster, hsms, user_type = _approved_user(cli, world, values, name)
        holders = [h for h in hsms if find_user(h, name) is not None]
        mfa_keys = {h.hsm_id: find_user(h, name).quorum_pub_key for h in holders if find_user(h, name).two_factor}
        codes = users.change_password(world, cluster, holders or hsms, session_id=cli.session_id,
                                      user_type=user_type, user_name=name, new_password=password)
        refusal([code for _, code in codes])
        # Client SDK 5 keeps a user's MFA key across a password change unless told to drop it
        # (--deregister-mfa); SDK 3's changePswd without -2fa withdraws it, which
        # users.change_password does, so the key is put back here.
        if not values.get("deregister-mfa"):
            from ...cloudhsm import two_factor

            for hsm in holders:
                if mfa_keys.get(hsm.hsm_id):
                    two_factor.enrol(find_user(hsm, name), mfa_keys[hsm.hsm_id])
    return {"username": name, "role": values["role"]}


@command("user change-mfa token-sign", "Register or Deregister a public key using token-sign mfa strategy",
         username(), role(), Opt("change-password", "Change the password while registering the key", "CHANGE_PASSWORD", secret=True),
         Opt("token", "Filepath where the unsigned token file will be written. Required for enabling MFA for a user", "TOKEN"),
         APPROVAL, Opt("deregister", "Deregister the MFA public key, if present"),
         Opt("change-quorum", "Change the Quorum public key along with the MFA key"),
         one_of=(("token", "deregister"),))
def user_change_mfa(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import two_factor

    name = values["username"].lower()
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, hsms = cli.logged_in(world, cluster)
        if session.user_name.lower() != name and not roles.is_admin(session.user_type):
            raise Failure(texts.PERMISSION_DENIED)
        if values.get("deregister"):
            for hsm in hsms:
                user = find_user(hsm, name)
                if user is None:
                    raise Failure(texts.USER_DOES_NOT_EXIST)
                two_factor.withdraw(user)
            return {"username": name, "role": values["role"]}
        from . import tokens

        factors = tokens.challenges(world, hsms)
    factors = tokens.exchange(cli, values["token"], factors)
    pem = _public_key(cli)
    for factor in factors.values():
        factor.public_key = pem
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, hsms = cli.logged_in(world, cluster)
        for hsm in hsms:
            user = find_user(hsm, name)
            if user is None:
                raise Failure(texts.USER_DOES_NOT_EXIST)
            if not two_factor.allowed(user.user_type):
                # GAP: the HSMs keep a second factor for admins only (as SDK 3's 2FA for COs).
                raise Failure(texts.PERMISSION_DENIED)
            if not two_factor.proves(pem, factors.get(hsm.hsm_id)):
                raise Failure(texts.BAD_QUORUM_TOKEN)
            two_factor.enrol(user, pem)
    return {"username": name, "role": values["role"]}


def _public_key(cli: CloudHsmCli) -> str:

    path = (cli.read_line(texts.PUBLIC_KEY_PATH) or "").strip()
    try:
        return files.read_text(path)
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(path, exc.strerror or exc)) from None


@command("user change-quorum token-sign register", "Register a user for quorum authentication with a public key",
         Opt("public-key", "Filepath to public key PEM file", "PUBLIC_KEY", required=True),
         Opt("signed-token", "Filepath with token signed by user private key", "SIGNED_TOKEN", required=True))
def user_change_quorum_register(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    """Registers the logged-in user's quorum key: the signed token is a token file from
    `quorum token-sign generate --service registration`, signed with the key's private half."""

    from ...cloudhsm import quorum
    from . import tokens

    try:
        pem = files.read_bytes(values["public-key"])
        signed = files.read_text(values["signed-token"])
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(exc.filename, exc.strerror or exc)) from None
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, hsms = cli.logged_in(world, cluster)
        if not tokens.signed_registration(signed, pem):
            raise Failure(texts.BAD_QUORUM_TOKEN)
        if quorum.rsa_2048(pem) is None:
            raise Failure(texts.BAD_QUORUM_TOKEN)
        for hsm in hsms:
            user = find_user(hsm, session.user_name)
            user.quorum_pub_key = pem.decode()
            user.mofn_pub_key = True
        return {"username": session.user_name.lower(), "role": roles.role_of(session.user_type)}


@command("user replicate", "Replicate a user from a source to a destination cluster",
         username(), role(), Opt("source-cluster-id", "Source cluster ID", "SOURCE_CLUSTER_ID", required=True),
         Opt("destination-cluster-id", "Destination cluster ID", "DESTINATION_CLUSTER_ID", required=True))
def user_replicate(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    """Copies a user between clusters cloned from one backup (same lineage).  The user must
    be consistent on the source; every destination HSM gets the source's record."""
    import copy

    from ...cloudhsm.nodes import answers

    name = values["username"].lower()
    with cli.store.transaction() as world:
        source = world.clusters.get(values["source-cluster-id"])
        destination = world.clusters.get(values["destination-cluster-id"])
        if source is None or destination is None:
            raise Failure(texts.NO_SUCH_CLUSTER.format(values["source-cluster-id"] if source is None
                                                       else values["destination-cluster-id"]))
        cli.logged_in(world, source)
        entry = cluster_users.find(source, name)
        if entry is None:
            raise Failure(texts.USER_DOES_NOT_EXIST)
        if cluster_users.INCONSISTENT in (entry.role, entry.locked, entry.coverage):
            raise Failure(texts.USER_INCONSISTENT)
        if entry.role != values["role"]:
            raise Failure(texts.USER_DOES_NOT_EXIST)
        record = next(find_user(h, name) for h in source.hsms if answers(h) and find_user(h, name))
        targets = destination.hsms
        failed = [h for h in targets if not answers(h)]
        for hsm in targets:
            if hsm in failed:
                continue
            existing = find_user(hsm, name)
            if existing is not None:
                hsm.users.remove(existing)
            copied = copy.deepcopy(record)
            copied.user_id = max([hsm.next_user_id - 1, *(u.user_id for u in hsm.users)]) + 1 \
                if existing is None else existing.user_id
            hsm.next_user_id = max(hsm.next_user_id, copied.user_id + 1)
            hsm.users.append(copied)
        if failed:
            raise Failure(texts.replicate_failed("User", len(failed), len(targets)))
    return {"user": {"username": name, "role": values["role"]}}
