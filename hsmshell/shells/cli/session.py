"""login (and `login mfa-token-sign`), logout: one login to every HSM of the cluster."""

from __future__ import annotations

from typing import Any

from ...cloudhsm import returncodes as rc
from ...cloudhsm import roles
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import PASSWORD, command, role, username

LOGIN_OPTIONS = (username("Username to access the Cluster"), role("Role the user has in the Cluster"), PASSWORD)
TOKEN = Opt("token", "Filepath where the unsigned token file will be written", "TOKEN", required=True)


def _login(cli: CloudHsmCli, values: dict[str, Any], name: str, role_name: str, password: str,
           token_path: str | None = None) -> dict:
    from ...cloudhsm import users  # with cryptography: not needed before a login

    factors = None
    if token_path is not None:
        # The HSMs' challenges are signed outside the world's lock, between two transactions.
        from . import tokens

        with cli.store.transaction() as world:
            hsms = _not_logged_in(cli, world, values)
            factors = tokens.challenges(world, hsms)
        factors = tokens.exchange(cli, token_path, factors)
    with cli.store.transaction() as world:
        hsms = _not_logged_in(cli, world, values)
        cluster = cli.cluster(world, values)
        user_type = roles.user_type_for(role_name, hsms, name)
        result = users.login(world, cluster, hsms, session_id=cli.session_id, tool="cloudhsm-cli",
                             pid=cli.pid, user_type=user_type, user_name=name, password=password,
                             second_factors=factors)
        cli.has_logged_in = cli.has_logged_in or result.session is not None
        from ...cloudhsm.nodes import find_user

        locked = any((u := find_user(h, name)) is not None and u.locked for h in hsms)
    # Refused after the transaction: a failed login still counts against the user.
    if result.session is None:
        if rc.ALREADY_LOGGED_IN in {code for _, code in result.results}:
            raise Failure(texts.ALREADY_LOGGED_IN)
        raise Failure(texts.USER_LOCKED if locked else texts.LOGIN_FAILED)
    # Names are shown in lower case (user create: "always displayed in lowercase").
    return {"username": name.lower(), "role": role_name}


def _not_logged_in(cli: CloudHsmCli, world, values: dict[str, Any]):
    """The HSMs a login reaches, refused for a console already logged in."""
    hsms = cli.hsms(cli.cluster(world, values))
    if cli.session(world) is not None:
        raise Failure(texts.ALREADY_LOGGED_IN)
    return hsms


@command("login", "Login to your cluster", *LOGIN_OPTIONS)
def login(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    return _login(cli, values, values["username"], values["role"], cli.password(values, confirm=False))


@command("login mfa-token-sign", "Login with token-sign mfa", *LOGIN_OPTIONS, TOKEN)
def login_mfa_token_sign(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    password = cli.password(values, confirm=False)
    return _login(cli, values, values["username"], values["role"], password, values["token"])


def login_from_environment(cli: CloudHsmCli, values: dict[str, Any]) -> None:
    """Single-command mode: CLOUDHSM_ROLE and CLOUDHSM_PIN=<username>:<password>."""
    role_name = cli.environ["CLOUDHSM_ROLE"]
    name, _, password = cli.environ["CLOUDHSM_PIN"].partition(":")
    if role_name not in roles.TYPES_OF_ROLE:
        raise Failure(texts.LOGIN_FAILED)
    _login(cli, {"cluster-id": values.get("cluster-id")}, name, role_name, password)


@command("logout", "Logout of your cluster")
def logout(cli: CloudHsmCli, values: dict[str, Any]) -> str:
    from ...cloudhsm import users

    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        if cli.session(world) is None:
            raise Failure(texts.NOT_LOGGED_IN_LOGOUT)
        users.logout(world, cluster.hsms, cli.session_id)
    return texts.LOGOUT_SUCCESSFUL
