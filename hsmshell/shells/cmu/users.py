"""loginHSM, logoutHSM, changePswd, listUsers: the user commands of cloudhsm_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import users
from ...cloudhsm.users import BadPassword
from .shell import TABLE, CloudHsmMgmtUtil

CAUTION = {
    # The CloudHSM User Guide's wording, and the older build's that the KMS runbook shows.
    "current": "cluster. AWS does NOT synchronize these changes automatically with the",
    "legacy": "cluster. Cav server does NOT synchronize these changes with the",
}
LOGIN_TYPES = ("CO", "CU", "PRECO", "PCO", "AU")
PASSWORD_TYPES = ("CO", "CU", "PCO", "PRECO")


def _password_given(args: list[str]) -> bool:
    return len(args) >= 3 and args[2] != "-hpswd"


def _parse_credentials(shell: CloudHsmMgmtUtil, command: str, args: list[str], types: tuple[str, ...]):
    """<user-type> <user-name> <password |-hpswd> [-2fa <file>] -> (type, name, password).
    Prints the problem and returns None on bad input."""
    usage = TABLE.commands[command].usage
    if len(args) not in (3, 5) or (len(args) == 5 and args[3] != "-2fa"):
        # GAP: CMU's argument errors are undocumented.
        shell.line()
        shell.line("Error: Invalid number of arguments.")
        shell.line(f"Syntax: {usage}")
        shell.line()
        return None
    user_type, name, password = args[:3]
    if user_type not in types:
        shell.line()
        shell.line(f"Error: Invalid user type {user_type}. Valid user types are {', '.join(types)}.")
        shell.line()
        return None
    if password == "-hpswd":
        password = shell.console.read_secret("Enter password:")
        if password is None:
            return None
        shell.line()
    return user_type, name, password


@TABLE.command("loginHSM", usage="loginHSM <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
               summary="Login to the HSMs", carries_password=_password_given)
def login_hsm(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _parse_credentials(shell, "loginHSM", args, LOGIN_TYPES)
    if parsed is None:
        return
    user_type, name, password = parsed
    with shell.store.transaction() as world:
        cluster, nodes = shell.nodes(world)
        if cluster is None:
            return
        login = users.login(world, cluster, [hsm for _, hsm in nodes], session_id=shell.session_id,
                            tool=shell.tool, pid=shell.pid, user_type=user_type, user_name=name,
                            password=password)
    shell.line()
    shell.report("loginHSM", [(server, code) for (server, _), (_, code) in zip(nodes, login.results)])


@TABLE.command("logoutHSM", usage="logoutHSM", summary="Logout from the HSMs")
def logout_hsm(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    with shell.store.transaction() as world:
        cluster, nodes = shell.nodes(world)
        results = users.logout(world, [hsm for _, hsm in nodes], shell.session_id)
    shell.line()
    shell.report("logoutHSM", [(server, code) for (server, _), (_, code) in zip(nodes, results)])


@TABLE.command("changePswd", usage="changePswd <user-type> <user-name> <password |-hpswd> [-2fa </path/to/authdata>]",
               summary="Changes the password of an HSM user", carries_password=_password_given)
def change_pswd(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _parse_credentials(shell, "changePswd", args, PASSWORD_TYPES)
    if parsed is None:
        return
    user_type, name, password = parsed
    try:
        users.check_password(password)
    except BadPassword as exc:
        shell.line()
        shell.line(f"Error: {exc}")  # GAP: the real text is undocumented
        shell.line()
        return
    banner = shell.store.read().client.cmu_banner
    shell.line()
    shell.line("*************************CAUTION********************************")
    shell.line("This is a CRITICAL operation, should be done on all nodes in the")
    shell.line(CAUTION.get(banner, CAUTION["current"]))
    shell.line("nodes on which this operation is not executed or failed, please")
    shell.line("ensure this operation is executed on all nodes in the cluster.")
    shell.line("****************************************************************")
    shell.line()
    if not shell.confirm():
        return
    with shell.store.transaction() as world:
        cluster, nodes = shell.nodes(world)
        shell.line(f"Changing password for {name}({user_type}) on {len(nodes)} nodes")
        if cluster is None:
            return
        results = users.change_password(world, cluster, [hsm for _, hsm in nodes],
                                        session_id=shell.session_id, user_type=user_type,
                                        user_name=name, new_password=password)
    failed = [(server, code) for (server, _), (_, code) in zip(nodes, results) if code]
    # GAP: per-server failures of changePswd follow createUser's documented shape.
    for server, code in failed:
        shell.line(f"changePswd failed: {code.ret_name}")
        shell.line(f"changing password on {server.label} failed")
        shell.line()


@TABLE.command("listUsers", usage="listUsers", summary="Lists all users of the HSMs")
def list_users(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    world = shell.store.read()
    _, nodes = shell.nodes(world)
    for server, hsm in nodes:
        rows = users.list_users(hsm)
        shell.line(f"Users on {server.label}:")
        shell.line(f"Number of users found:{len(rows)}")
        shell.line()
        shell.line("    User Id             User Type       User Name                          "
                   "MofnPubKey    LoginFailureCnt         2FA")
        for user in rows:
            shell.line("%10d%14s%-16s%-31s%12s%16d%17s" % (
                user.user_id, "", user.user_type, user.name,
                "YES" if user.mofn_pub_key else "NO", user.failed_logins,
                "YES" if user.two_factor else "NO"))
