"""The user commands of cloudhsm_mgmt_util: loginHSM, logoutHSM, changePswd, createUser,
deleteUser, listUsers and (server mode) syncUser."""

from __future__ import annotations

from ...cloudhsm import client_versions
from ...cloudhsm import returncodes as rc
from ...cloudhsm import sync, two_factor, users
from ...cloudhsm.nodes import answers
from ...cloudhsm.two_factor import SecondFactor
from ...cloudhsm.users import BadPassword, BadUserName
from ..engine import USER_ID, USER_NAME
from . import authdata
from .shell import CloudHsmMgmtUtil, command
from .syntax import NUMBER, Arg, Option

LOGIN_TYPES = ("CO", "CU", "PRECO", "PCO", "AU")
PASSWORD_TYPES = ("CO", "CU", "PCO", "PRECO")
CREATE_TYPES = ("CO", "CU", "PCO", "PRECO", "preCO")
DELETE_TYPES = ("CO", "CU")
USER_TABLE_HEADER = ("    User Id             User Type       User Name                          "
                     "MofnPubKey    LoginFailureCnt         2FA")


def user_type(types: tuple[str, ...]) -> Arg:
    return Arg("user_type", "user-type", choices=types,
               refused="Invalid user type {value}. Valid user types are {choices}.")


USER_NAME_ARG = Arg("user_name", "user-name", known=USER_NAME)
# The password stands third, or -hpswd to be asked for it without echo.
PASSWORD = Arg("password", "password", instead="-hpswd", secret=True)
TWO_FACTOR = (Option("authdata", "-2fa", "/path/to/authdata"),)


def credentials(types: tuple[str, ...]) -> tuple[Arg, ...]:
    """<user-type> <user-name> <password |-hpswd>, then [-2fa </path/to/authdata>]."""
    return user_type(types), USER_NAME_ARG, PASSWORD


# What -hpswd asks, hidden: loginHSM asks once (cloudhsm-shells-spec §2, loginHSM); a new
# password is asked twice, as real sessions show (createUser's and changePswd's own words).
ASK_PASSWORD = ("Enter password:",)
ASK_CREATED_PASSWORD = ("Enter password: ", "Re-enter password: ")
ASK_NEW_PASSWORD = ("Enter new password: ", "Re-enter new password: ")
MISMATCH = "Passwords do not match."  # GAP: the real tool's text for two different entries is undocumented


def _password(shell: CloudHsmMgmtUtil, args: dict, asks: tuple[str, ...] = ASK_PASSWORD) -> str | None:
    """The password typed on the line, or asked for (-hpswd); None at end of input or when
    the two entries of a new password differ."""
    if args["password"] is not None:
        return args["password"]
    entries = []
    for prompt in asks:
        entry = shell.console.read_secret(prompt)
        if entry is None:
            return None
        entries.append(entry)
    if len(set(entries)) > 1:
        shell.line(MISMATCH)
        return None
    shell.line()
    return entries[0]


def _officer_only(shell: CloudHsmMgmtUtil, user_type: str) -> bool:
    """createUser and changePswd give 2FA to crypto officers only (manage-2fa.md)."""
    if two_factor.allowed(user_type):
        return True
    shell.error("Two-factor authentication (-2fa) is only for crypto officers (CO).")  # GAP: undocumented text
    return False


def _check_new_password(shell: CloudHsmMgmtUtil, password: str) -> bool:
    try:
        users.check_password(password)
    except BadPassword as exc:
        shell.error(str(exc))
        return False
    return True


@command("loginHSM", "Login to the HSMs", *credentials(LOGIN_TYPES), options=TWO_FACTOR)
def login_hsm(shell: CloudHsmMgmtUtil, args: dict) -> None:
    password = _password(shell, args)
    if password is None:
        return
    user_type, name, authdata_file = args["user_type"], args["user_name"], args["authdata"]
    # With -2fa CMU always asks for the signed digests; the HSMs ignore them for a user
    # without 2FA (manage-2fa.md).
    factors = authdata.exchange(shell, authdata_file, with_public_key=False) if authdata_file else None
    if authdata_file and factors is None:
        return
    results = {}
    with shell.store.transaction() as world:
        targets = shell.targets(world)
        # A configuration may list HSMs of a cloned cluster too (syncUser, syncKey): one
        # login, joined on each cluster in turn.
        for cluster_id in dict.fromkeys(c.cluster_id for _, c, _ in targets):
            cluster = world.clusters[cluster_id]
            servers = [(s, h) for s, c, h in targets if c is cluster]
            login = users.login(world, cluster, [h for _, h in servers], session_id=shell.session_id,
                                tool=shell.tool, pid=shell.pid, user_type=user_type, user_name=name,
                                password=password, second_factors=factors)
            results.update((id(s), code) for (s, _), (_, code) in zip(servers, login.results))
    shell.line()
    shell.report("loginHSM", [(server, results[id(server)]) for server, _, _ in targets])


@command("logoutHSM", "Logout from the HSMs", lenient=True)
def logout_hsm(shell: CloudHsmMgmtUtil, args: dict) -> None:
    with shell.store.transaction() as world:
        targets = shell.targets(world)
        results = users.logout(world, [hsm for _, _, hsm in targets], shell.session_id)
    shell.line()
    shell.report("logoutHSM", [(server, code) for (server, _, _), (_, code) in zip(targets, results)])


@command("changePswd", "Changes the password of an HSM user", *credentials(PASSWORD_TYPES), options=TWO_FACTOR)
def change_pswd(shell: CloudHsmMgmtUtil, args: dict) -> None:
    password = _password(shell, args, ASK_NEW_PASSWORD)
    if password is None:
        return
    user_type, name, authdata_file = args["user_type"], args["user_name"], args["authdata"]
    if authdata_file and not _officer_only(shell, user_type):
        return
    if not _check_new_password(shell, password) or not shell.caution(blank_before=True):
        return
    # Without -2fa, a user who had 2FA loses it (manage-2fa.md).
    factors = authdata.exchange(shell, authdata_file, with_public_key=True) if authdata_file else None
    if authdata_file and factors is None:
        return
    with shell.store.transaction() as world:
        cluster, nodes = shell.nodes(world)
        shell.line(f"Changing password for {name}({user_type}) on {len(nodes)} nodes")
        if cluster is None:
            return
        results = users.change_password(world, cluster, [hsm for _, hsm in nodes],
                                        session_id=shell.session_id, user_type=user_type,
                                        user_name=name, new_password=password, second_factors=factors)
    per_server = client_versions.prints(shell.store.read().client, client_versions.PER_SERVER_USER_RESULTS)
    # GAP: per-server failures of changePswd follow createUser's documented shape, without
    # its question: the change is already made on the other nodes, so the operator repeats it.
    for (server, _), (_, code) in zip(nodes, results):
        if code:
            shell.line(f"changePswd failed: {shell.failure(code)}")
            shell.line(f"changing password on {server.label} failed")
            shell.line()
        elif per_server:
            shell.line(f"changePswd success on {server.label}")


@command("createUser", "Creates a new user on the HSMs", *credentials(CREATE_TYPES), options=TWO_FACTOR)
def create_user(shell: CloudHsmMgmtUtil, args: dict) -> None:
    password = _password(shell, args, ASK_CREATED_PASSWORD)
    if password is None:
        return
    user_type, name, authdata_file = args["user_type"], args["user_name"], args["authdata"]
    try:
        users.check_user_name(name)
    except BadUserName as exc:
        shell.error(str(exc))
        return
    if authdata_file and not _officer_only(shell, user_type):
        return
    if not _check_new_password(shell, password) or not shell.caution(blank_before=True):
        return
    factors = authdata.exchange(shell, authdata_file, with_public_key=True) if authdata_file else None
    if authdata_file and factors is None:
        return
    servers = [server for server, _ in shell.nodes(shell.store.read())[1]]
    shell.line(f"Creating User {name}({user_type}) on {len(servers)} nodes")
    for server in servers:
        while True:
            # One transaction per server: the operator's answer to a failure must not hold
            # the world's lock.
            with shell.store.transaction() as world:
                target = shell.target_of(world, server)
                # An HSM that was not asked for a digest gets an empty factor, which fails.
                factor = factors.get(target[1].hsm_id, SecondFactor(b"")) if target and factors else None
                code = users.create_user(world, target[1], session_id=shell.session_id,
                                         user_type=user_type, user_name=name, password=password,
                                         second_factor=factor) \
                    if target else rc.SERVER_UNAVAILABLE
            if not code:
                if client_versions.prints(shell.store.read().client, client_versions.PER_SERVER_USER_RESULTS):
                    shell.line(f"createUser success on {server.label}")
                break
            shell.line(f"createUser failed: {shell.failure(code)}")
            shell.line(f"creating user on {server.label} failed")
            shell.line()
            answer = shell.choose("Retry/Ignore/Abort?(R/I/A):", "ria")
            if answer == "r":
                continue
            if answer == "i":
                break
            return


@command("deleteUser", "Deletes a user from the HSMs", user_type(DELETE_TYPES), USER_NAME_ARG)
def delete_user(shell: CloudHsmMgmtUtil, args: dict) -> None:
    user_type, name = args["user_type"], args["user_name"]
    servers = [server for server, _ in shell.nodes(shell.store.read())[1]]
    shell.line(f"Deleting user {name}({user_type}) on {len(servers)} nodes")
    deleted = []  # (server, the user record) for a rollback
    for server in servers:
        while True:
            with shell.store.transaction() as world:
                target = shell.target_of(world, server)
                code, user = users.delete_user(world, *target, session_id=shell.session_id,
                                               user_type=user_type, user_name=name) \
                    if target else (rc.SERVER_UNAVAILABLE, None)
            if not code:
                deleted.append((server, user))
                shell.line(f"deleteUser success on {server.label}")
                break
            shell.line(f"deleteUser failed: {shell.failure(code)}")
            shell.line(f"deleteUser failed on {server.label}")
            shell.line()
            answer = shell.choose("Retry/rollBack/Ignore?(R/B/I):", "rbi")
            if answer == "r":
                continue
            if answer == "i":
                break
            # GAP: rollBack is undocumented; it puts the user back where it was deleted.
            with shell.store.transaction() as world:
                for done, record in deleted:
                    target = shell.target_of(world, done)
                    if target:
                        users.restore_user(target[1], record)
            return


@command("listUsers", "Lists all users of the HSMs", lenient=True)
def list_users(shell: CloudHsmMgmtUtil, args: dict) -> None:
    world = shell.store.read()
    for server, _, hsm in shell.targets(world):
        if not answers(hsm):
            shell.report("listUsers", [(server, rc.SERVER_UNAVAILABLE)])
            continue
        rows = users.list_users(hsm)
        shell.line(f"Users on {server.label}:")
        shell.line(f"Number of users found:{len(rows)}")
        shell.line()
        shell.line(USER_TABLE_HEADER)
        for user in rows:
            shell.line("%10d%14s%-16s%-31s%12s%16d%17s" % (
                user.user_id, "", user.user_type, user.name,
                "YES" if user.mofn_pub_key else "NO", user.failed_logins,
                "YES" if user.two_factor else "NO"))


@command("syncUser", "Copies a user from this server to another (server mode)",
         Arg("user_id", "user ID", NUMBER, known=USER_ID), Arg("destination", "server ID", NUMBER), server_mode=True)
def sync_user(shell: CloudHsmMgmtUtil, args: dict) -> None:
    uid, destination = args["user_id"], sync_destination(shell, args["destination"])
    if destination is None:
        return
    with shell.store.transaction() as world:
        source, target = shell.target_of(world, shell.server_mode), shell.target_of(world, destination)
        copied = sync.sync_user(world, source, target, session_id=shell.session_id, uid=uid) \
            if source and target else sync.Copy(rc.SERVER_UNAVAILABLE, rc.SERVER_UNAVAILABLE)
    shell.line(f"ExtractMaskedObject: 0x{copied.extracted.code:x} !")
    if copied.extracted:
        shell.line("syncUser failed")  # GAP: the failure text is undocumented
        return
    shell.line(f"InsertMaskedObject: 0x{copied.inserted.code:x} !")
    shell.line("syncUser failed" if copied.inserted else "syncUser success")


def sync_destination(shell: CloudHsmMgmtUtil, index: int):
    """The server a sync copies to: another of this session's servers, or None (printed)."""
    destination = next((s for s in shell.servers if s.index == index), None)
    if destination is None or destination is shell.server_mode:
        shell.error(f"Invalid server ID {index}.")
        return None
    return destination
