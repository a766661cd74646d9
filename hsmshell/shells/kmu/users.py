"""loginHSM, logoutHSM and listUsers in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from ...cloudhsm import users
from ...cloudhsm.keys import Refused
from .shell import TABLE, KeyMgmtUtil, flag_value

LOGIN_USAGE = "loginHSM -u <user type> { -p | -hpswd } <password> -s <username>"
USER_TYPES = ("CO", "CU", "AU", "PRECO", "PO")  # what the tool parses; only CU may use it


def _login_help(shell: KeyMgmtUtil, error: str | None) -> None:
    if error:
        shell.line()
        shell.line(f"\tError: {error}")
    shell.line()
    shell.line()
    shell.line("Description")
    shell.line("===========")
    shell.line("Login to the HSM providing the user type and password.")
    shell.line()
    shell.line(f"Syntax: loginHSM -h -u <user type> {{ -p | -hpswd }} <password> -s <username>")
    shell.line()
    shell.line()
    shell.line("Where: -h  displays this information")
    shell.line('       -u  specifies the user type as "CU"')
    shell.line("       -s  specifies the user name")
    shell.line("       -p  specifies the user password")
    shell.line("       -hpswd  prompts for the password without echoing it")
    shell.line()


@TABLE.command("loginHSM", usage=LOGIN_USAGE, summary="Login to the HSM",
               carries_password=lambda args: "-p" in args[:-1])
def login_hsm(shell: KeyMgmtUtil, args: list[str]) -> bool | None:
    """True when every node logged the user in (single-command mode goes on only then)."""
    if "-h" in args:
        return _login_help(shell, None)
    user_type, name, password = flag_value(args, "-u"), flag_value(args, "-s"), flag_value(args, "-p")
    hidden = "-hpswd" in args
    if user_type is None:
        return _login_help(shell, "User type (-u) is missing.")
    if password is None and not hidden:
        return _login_help(shell, "Password (-p) is missing.")
    if user_type not in USER_TYPES:
        return _login_help(shell, "Invalid user type specified.")
    if name is None:
        return _login_help(shell, "Username (-s) is missing.")
    if hidden:
        password = shell.console.read_secret("Enter password: ")
        if password is None:
            return
        shell.line()
    try:
        with shell.store.transaction() as world:
            cluster, nodes = shell.reached(world, "Cfm3LoginHSM")
            if user_type != "CU":
                # key_mgmt_util is for crypto users only (cloudhsm-shells-spec §3.4, Error2String 0xdb).
                results = [(node, rc.INVALID_USER_TYPE) for node, _ in nodes]
            else:
                login = users.login(world, cluster, [hsm for _, hsm in nodes], session_id=shell.session_id,
                                    tool=shell.tool, pid=shell.pid, user_type="CU", user_name=name,
                                    password=password)
                results = [(node, code) for (node, _), (_, code) in zip(nodes, login.results)]
    except Refused as refusal:
        return _failed(shell, refusal)
    overall = next((code for _, code in results if code), rc.SUCCESS)
    shell.returned("Cfm3LoginHSM", overall, message_apart=True)
    shell.status(results)
    shell.line()
    return not overall


def _failed(shell: KeyMgmtUtil, refusal: Refused) -> None:
    """A call no node took: its return line alone, as the client prints a failure that came
    with no cluster status."""
    shell.returned(refusal.call, refusal.code, message_apart=True)
    shell.line()


@TABLE.command("logoutHSM", usage="logoutHSM", summary="Logout from the HSM")
def logout_hsm(shell: KeyMgmtUtil, args: list[str]) -> None:
    try:
        with shell.store.transaction() as world:
            _, nodes = shell.reached(world, "Cfm3LogoutHSM")
            logged_out = users.logout(world, [hsm for _, hsm in nodes], shell.session_id)
    except Refused as refusal:
        return _failed(shell, refusal)
    results = [(node, code) for (node, _), (_, code) in zip(nodes, logged_out)]
    overall = next((code for _, code in results if code), rc.SUCCESS)
    shell.returned("Cfm3LogoutHSM", overall, message_apart=True)
    shell.status(results)
    shell.line()


@TABLE.command("listUsers", usage="listUsers", summary="Lists all users of a partition")
def list_users(shell: KeyMgmtUtil, args: list[str]) -> None:
    """One table for the whole cluster, even when the HSMs disagree (listUsers.md): each user
    as the first HSM that knows it reports it."""
    world = shell.store.read()
    try:
        _, nodes = shell.reached(world, "Cfm3ListUsers")
    except Refused as refusal:
        return _failed(shell, refusal)
    merged: dict[int, object] = {}
    for _, hsm in nodes:
        for user in users.list_users(hsm):
            merged.setdefault(user.user_id, user)
    shell.line()
    shell.line(f"\tNumber Of Users found {len(merged)}")
    shell.line()
    shell.line("\tIndex       User ID     User Type       User Name           MofnPubKey    "
               "LoginFailureCnt         2FA")
    for index, uid in enumerate(sorted(merged), start=1):
        user = merged[uid]
        shell.line(f"        {index:<9d}{uid:9d}      {user.user_type:<16}{user.name:<26}"
                   f"{'YES' if user.mofn_pub_key else 'NO':<3}{user.failed_logins:15d}"
                   f"{'YES' if user.two_factor else 'NO':>17}")
    shell.returned("Cfm3ListUsers", rc.SUCCESS)
    shell.line()
