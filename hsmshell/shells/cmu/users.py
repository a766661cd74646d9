"""The user commands of cloudhsm_mgmt_util: loginHSM, logoutHSM, changePswd, createUser,
deleteUser, listUsers and (server mode) syncUser."""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from ...cloudhsm import sync, two_factor, users
from ...cloudhsm.nodes import answers
from ...cloudhsm.two_factor import SecondFactor
from ...cloudhsm.users import BadPassword, BadUserName
from . import authdata
from .shell import TABLE, CloudHsmMgmtUtil

LOGIN_TYPES = ("CO", "CU", "PRECO", "PCO", "AU")
PASSWORD_TYPES = ("CO", "CU", "PCO", "PRECO")
CREATE_TYPES = ("CO", "CU", "PCO", "PRECO", "preCO")
DELETE_TYPES = ("CO", "CU")
USER_TABLE_HEADER = ("    User Id             User Type       User Name                          "
                     "MofnPubKey    LoginFailureCnt         2FA")


def _password_given(args: list[str]) -> bool:
    return len(args) >= 3 and args[2] != "-hpswd"


def _user_type(shell: CloudHsmMgmtUtil, user_type: str, types: tuple[str, ...]) -> bool:
    if user_type in types:
        return True
    shell.error(f"Invalid user type {user_type}. Valid user types are {', '.join(types)}.")
    return False


def _parse_credentials(shell: CloudHsmMgmtUtil, command: str, args: list[str], types: tuple[str, ...]):
    """<user-type> <user-name> <password |-hpswd> [-2fa <file>] -> (type, name, password,
    authdata file or None).  Prints the problem and returns None on bad input."""
    if len(args) not in (3, 5) or (len(args) == 5 and args[3] != "-2fa"):
        shell.syntax_error(command, "Invalid number of arguments.")
        return None
    user_type, name, password = args[:3]
    if not _user_type(shell, user_type, types):
        return None
    if password == "-hpswd":
        password = shell.console.read_secret("Enter password:")
        if password is None:
            return None
        shell.line()
    return user_type, name, password, args[4] if len(args) == 5 else None


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


@TABLE.command("loginHSM", usage="loginHSM <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
               summary="Login to the HSMs", carries_password=_password_given)
def login_hsm(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _parse_credentials(shell, "loginHSM", args, LOGIN_TYPES)
    if parsed is None:
        return
    user_type, name, password, authdata_file = parsed
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


@TABLE.command("logoutHSM", usage="logoutHSM", summary="Logout from the HSMs")
def logout_hsm(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    with shell.store.transaction() as world:
        targets = shell.targets(world)
        results = users.logout(world, [hsm for _, _, hsm in targets], shell.session_id)
    shell.line()
    shell.report("logoutHSM", [(server, code) for (server, _, _), (_, code) in zip(targets, results)])


@TABLE.command("changePswd", usage="changePswd <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
               summary="Changes the password of an HSM user", carries_password=_password_given)
def change_pswd(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _parse_credentials(shell, "changePswd", args, PASSWORD_TYPES)
    if parsed is None:
        return
    user_type, name, password, authdata_file = parsed
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
    failed = [(server, code) for (server, _), (_, code) in zip(nodes, results) if code]
    # GAP: per-server failures of changePswd follow createUser's documented shape, without
    # its question: the change is already made on the other nodes, so the operator repeats it.
    for server, code in failed:
        shell.line(f"changePswd failed: {code.ret_name}")
        shell.line(f"changing password on {server.label} failed")
        shell.line()


@TABLE.command("createUser", usage="createUser <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
               summary="Creates a new user on the HSMs", carries_password=_password_given)
def create_user(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _parse_credentials(shell, "createUser", args, CREATE_TYPES)
    if parsed is None:
        return
    user_type, name, password, authdata_file = parsed
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
                break
            shell.line(f"createUser failed: {code.ret_name}")
            shell.line(f"creating user on {server.label} failed")
            shell.line()
            answer = shell.choose("Retry/Ignore/Abort?(R/I/A):", "ria")
            if answer == "r":
                continue
            if answer == "i":
                break
            return


@TABLE.command("deleteUser", usage="deleteUser <user-type> <user-name>", summary="Deletes a user from the HSMs")
def delete_user(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) != 2:
        shell.syntax_error("deleteUser", "Invalid number of arguments.")
        return
    user_type, name = args
    if not _user_type(shell, user_type, DELETE_TYPES):
        return
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
            shell.line(f"deleteUser failed: {code.ret_name}")
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


@TABLE.command("listUsers", usage="listUsers", summary="Lists all users of the HSMs")
def list_users(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
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


@TABLE.command("syncUser", usage="syncUser <user ID> <server ID>",
               summary="Copies a user from this server to another (server mode)")
def sync_user(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = sync_arguments(shell, "syncUser", args)
    if parsed is None:
        return
    uid, destination = parsed
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


def sync_arguments(shell: CloudHsmMgmtUtil, command: str, args: list[str]):
    """`<number> <server ID>` in server mode -> (number, destination server), or None."""
    if shell.server_mode is None:
        shell.error(f"{command} is supported only in server mode. Use 'server <server ID>' first.")
        return None
    if len(args) != 2:
        shell.syntax_error(command, "Invalid number of arguments.")
        return None
    try:
        number, index = int(args[0]), int(args[1])
    except ValueError:
        shell.syntax_error(command, "Invalid argument: a number is expected.")
        return None
    destination = next((s for s in shell.servers if s.index == index), None)
    if destination is None or destination is shell.server_mode:
        shell.error(f"Invalid server ID {args[1]}.")
        return None
    return number, destination
