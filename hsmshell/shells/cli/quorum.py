"""quorum token-sign generate | list | delete | list-quorum-values | set-quorum-value
(cloudhsm-cli-spec §4.8).

The quorum values and tokens are the HSMs' own, the same ones cloudhsm_mgmt_util's getMValue,
setMValue, getToken and listTokens show: the CLI's `user` service is SDK 3's USER_MGMT, its
`quorum` service the officers' MISC_CO (GAP: the mapping is inferred).  A token file holds the
tokens of every HSM; each approver adds a signature over `token` with their registered quorum
key (SHA-256, PKCS #1 v1.5); `--approval <file>` hands the signatures to the HSMs.  As on the
HSM, a token belongs to the login that generated it (GAP: so approvals work within one
interactive session; each single-command process is a new login).
"""

from __future__ import annotations

import base64
from typing import Any

from ... import files
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import command

USER_MGMT, MISC_CO = 3, 4  # cloudhsm/quorum.py's services, without importing it at start-up
SERVICES = {"user": USER_MGMT, "quorum": MISC_CO}
SERVICE_NAMES = {v: k for k, v in SERVICES.items()}
SERVICE = Opt("service", "Service the token will be used for", "SERVICE", required=True,
              choices=(("user", "User management service is used for executing admin user management commands"),
                       ("quorum", "Quorum management service is used for setting admin quorum values for any "
                                  "quorum service"),
                       ("registration", "Registration service is used for registering a public key for quorum "
                                        "authentication")))


@command("quorum token-sign list-quorum-values", "List the quorum values for all quorum services")
def list_quorum_values(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    cluster = cli.cluster(cli.store.read(), values)
    hsms = cli.hsms(cluster)
    out = {}
    for name, service in SERVICES.items():
        found = {h.m_values.get(service, 1) for h in hsms}
        out[name] = found.pop() if len(found) == 1 else "inconsistent"
    return out


def approve(cli: CloudHsmCli, world, hsms, path: str | None) -> None:
    """`--approval <file>`: the signatures of a token file, handed to every HSM."""
    if path is None:
        return
    import json  # only for a token file: `user list` and its like import this module too

    from ...cloudhsm import quorum

    try:
        body = json.loads(files.read_text(path))
        token = base64.b64decode(body["token"])
        approvals = [(quorum.CO_APPROVER, s["username"], base64.b64decode(s["signature"]))
                     for s in body.get("signatures", [])]
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(path, exc.strerror or exc)) from None
    except (ValueError, KeyError, TypeError):
        raise Failure(texts.BAD_QUORUM_TOKEN) from None
    for hsm in hsms:
        if quorum.approve_token(world, hsm, cli.session_id, token, approvals):
            raise Failure(texts.BAD_QUORUM_TOKEN)


@command("quorum token-sign set-quorum-value", "Set a quorum value",
         Opt("service", "Service the quorum value will be set for", "SERVICE", required=True,
             choices=tuple((n, "") for n in SERVICES)),
         Opt("value", "Value to set for service", "VALUE", required=True, kind=int),
         Opt("approval", "Filepath of signed quorum token file to approve operation", "APPROVAL"))
def set_quorum_value(cli: CloudHsmCli, values: dict[str, Any]) -> str:
    from ...cloudhsm import quorum
    from ...cloudhsm import returncodes as rc

    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        _, hsms = cli.logged_in(world, cluster)
        approve(cli, world, hsms, values.get("approval"))
        codes = [quorum.set_m_value(world, h, cli.session_id, SERVICES[values["service"]], values["value"])
                 for h in hsms]
        if rc.MXN_AUTH_FAILED in codes:
            raise Failure(texts.QUORUM_REQUIRED)
        if rc.INVALID_M_VALUE in codes:
            raise Failure(texts.INVALID_PARAMETER.format("value"))
        if any(codes):
            raise Failure(texts.PERMISSION_DENIED)
    return texts.SET_QUORUM_VALUE_SUCCESSFUL


@command("quorum token-sign generate", "Generate a token", SERVICE,
         Opt("token", "Filepath where the unsigned token file will be written", "TOKEN", required=True))
def generate(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import quorum

    service = values["service"]
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, hsms = cli.logged_in(world, cluster)
        if service == "registration":
            from . import tokens

            tokens.write(values["token"], tokens.challenges(world, hsms))
            return {"filepath": values["token"]}
        texts_of = []
        for hsm in hsms:
            if any(t.session_id == cli.session_id and t.service == SERVICES[service] for t in hsm.tokens):
                raise Failure(texts.QUORUM_TOKEN_EXISTS)  # "one active token per user per service"
            code, token = quorum.issue_token(world, cluster, hsm, cli.session_id, SERVICES[service],
                                             session.user_name)
            if code:
                raise Failure(texts.PERMISSION_DENIED)
            texts_of.append(quorum.token_text(hsm, token))
    body = {"version": "2.0", "service": service,
            "approval_data": base64.b64encode(f"{session.user_name}:{service}".encode()).decode(),
            "token": base64.b64encode("".join(texts_of).encode()).decode(), "signatures": []}
    import json

    try:
        files.write(values["token"], json.dumps(body, indent=2) + "\n")
    except OSError as exc:
        raise Failure(texts.FILE_UNWRITABLE.format(values["token"], exc.strerror or exc)) from None
    return {"filepath": values["token"]}


@command("quorum token-sign list", "List all token-sign tokens within your CloudHSM cluster")
def list_tokens(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import quorum

    world = cli.store.read()
    cluster = cli.cluster(world, values)
    hsms = cli.hsms(cluster)
    grouped: dict[tuple[str, int, str], list] = {}
    for hsm in hsms:
        for token in hsm.tokens:
            grouped.setdefault((token.user, token.service, token.session_id), []).append((hsm, token))
    out = []
    for (user, service, _), held in grouped.items():
        hsm, token = held[0]
        out.append({"username": user.lower(), "service": SERVICE_NAMES.get(service, str(service)),
                    "approvals-required": quorum.m_value(hsm, service),
                    "number-of-approvals": len(token.approvers),
                    "token-timeout-seconds": quorum.validity(world, token),
                    "cluster-coverage": "full" if len(held) == len(hsms) else "inconsistent"})
    return {"tokens": out}


@command("quorum token-sign delete", "Delete one or more Quorum Tokens",
         Opt("scope", "Scope of which token(s) will be deleted", "SCOPE", required=True,
             choices=(("user", "Deletes all token(s) of currently logged in user"),
                      ("all", "Deletes all token(s) on the HSM"))))
def delete(cli: CloudHsmCli, values: dict[str, Any]) -> str:
    from ...cloudhsm import roles

    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, hsms = cli.logged_in(world, cluster)
        everyone = values["scope"] == "all"
        if everyone and not roles.is_admin(session.user_type):
            raise Failure(texts.PERMISSION_DENIED)
        for hsm in hsms:
            hsm.tokens = [t for t in hsm.tokens
                          if not (everyone or t.user.lower() == session.user_name.lower())]
    return texts.QUORUM_TOKENS_DELETED
