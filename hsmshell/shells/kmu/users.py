"""loginHSM, logoutHSM and listUsers in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from ...cloudhsm import users
from ...cloudhsm.keys import Refused
from ..engine import USER_NAME
from .shell import KeyMgmtUtil, command
from .syntax import SWITCH, Flag

USER_TYPES = ("CO", "CU", "AU", "PRECO", "PO")  # what the tool parses; only CU may use it


@command("loginHSM", summary="Login to the HSM",
         description="Login to the HSM providing the user type and password.",
         syntax="loginHSM -h -u <user type> { -p | -hpswd } <password> -s <username>",
         flags=(Flag("-u", "User type", required=True, choices=USER_TYPES, invalid="Invalid user type specified."),
                Flag("-p", "Password", required=True, unless="-hpswd", secret=True),
                Flag("-s", "Username", required=True, known=USER_NAME),
                Flag("-hpswd", kind=SWITCH)),
         where=("-h  displays this information", '-u  specifies the user type as "CU"',
                "-s  specifies the user name", "-p  specifies the user password",
                "-hpswd  prompts for the password without echoing it"),
         lookup=True)
def login_hsm(shell: KeyMgmtUtil, options: dict) -> bool | None:
    """True when every node logged the user in (single-command mode goes on only then)."""
    user_type, name, password = options["-u"], options["-s"], options["-p"]
    if "-hpswd" in options:
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


@command("logoutHSM", summary="Logout from the HSM", ignored=True)
def logout_hsm(shell: KeyMgmtUtil, options: dict) -> None:
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


@command("listUsers", summary="Lists all users of a partition", ignored=True)
def list_users(shell: KeyMgmtUtil, options: dict) -> None:
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
