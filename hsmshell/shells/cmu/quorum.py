"""Quorum commands of cloudhsm_mgmt_util: registerQuorumPubKey, setMValue, getMValue, and the
token flow getToken, approveToken, listTokens (quorum-authentication-crypto-officers.md).

delToken is left out: the docs list it for key_mgmt_util's help only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ... import files
from ...cloudhsm import quorum
from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import answers
from ..engine import USER_NAME
from .shell import CloudHsmMgmtUtil, command
from .syntax import DIGITS, Arg


def _per_server(shell: CloudHsmMgmtUtil, action) -> list:
    with shell.store.transaction() as world:
        return [(server, action(world, hsm)) for server, _, hsm in shell.targets(world)]


@command("registerQuorumPubKey", "Registers a crypto officer's quorum public key",
         Arg("user_type", "user-type", known=("CO",)), Arg("user_name", "user-name", known=USER_NAME),
         Arg("token", "registration-token"), Arg("signature", "signed-registration-token"),
         Arg("public_key", "public-key"))
def register_quorum_pub_key(shell: CloudHsmMgmtUtil, args: dict) -> None:
    user_type, name = args["user_type"], args["user_name"]
    names = [args["token"], args["signature"], args["public_key"]]
    try:
        token, signature, public_pem = (files.read_bytes(name) for name in names)
    except (OSError, ValueError) as exc:
        shell.file_error("read", " ".join(names), exc)
        return
    if not quorum.check_registration(token, signature, public_pem):
        # GAP: undocumented; the token must be signed (SHA256, PKCS#1) by an RSA-2048 key.
        shell.error("The signed registration token does not verify with the public key.")
        return
    if not shell.caution(blank_before=True):
        return
    shell.report("registerQuorumPubKey", _per_server(shell, lambda world, hsm: quorum.register_public_key(
        world, hsm, shell.session_id, user_type, name, public_pem.decode("ascii", "replace"))))


SERVICE = Arg("service", "service", DIGITS, known=tuple(map(str, quorum.SERVICES)))


@command("setMValue", "Sets the quorum minimum for a service (3 USER_MGMT, 4 MISC_CO)",
         SERVICE, Arg("m", "m value", DIGITS), invalid="Invalid arguments.")
def set_m_value(shell: CloudHsmMgmtUtil, args: dict) -> None:
    if not shell.caution(blank_before=False):
        return
    service, m = args["service"], args["m"]
    servers = shell.nodes(shell.store.read())[1]
    shell.line(f"Setting M Value({m}) for {service} on {len(servers)} nodes")
    results = _per_server(shell, lambda world, hsm: quorum.set_m_value(world, hsm, shell.session_id, service, m))
    shell.report("setMValue", [(server, code) for server, code in results if code])


@command("getMValue", "Gets the quorum minimum for a service", SERVICE, invalid="Invalid arguments.")
def get_m_value(shell: CloudHsmMgmtUtil, args: dict) -> None:
    service = args["service"]
    if service not in quorum.SERVICES:
        shell.error(f"Invalid service {service}.")  # GAP: undocumented
        return
    for server, _, hsm in shell.targets(shell.store.read()):
        if not answers(hsm):
            shell.report("getMValue", [(server, rc.SERVER_UNAVAILABLE)])
            continue
        shell.line(f"MValue of service {service}[{quorum.SERVICES[service]}] on server {server.index} "
                   f": [{quorum.m_value(hsm, service)}]")


@command("getToken", "Initiates an MxN service and gets a token", SERVICE, Arg("user", "user", known=USER_NAME),
         Arg("token_file", "token file"), invalid="Invalid arguments.")
def get_token(shell: CloudHsmMgmtUtil, args: dict) -> None:
    service, user, token_file = args["service"], args["user"], args["token_file"]
    if service not in quorum.SERVICES:
        shell.error(f"Invalid service {service}.")  # GAP: undocumented, as for getMValue
        return
    try:
        with shell.store.transaction() as world:
            issued = []
            for server, cluster, hsm in shell.targets(world):
                code, token = quorum.issue_token(world, cluster, hsm, shell.session_id, service, user)
                issued.append((server, code, token and quorum.token_fields(token),
                               token and quorum.token_text(hsm, token)))
            # The approvers sign one file holding every HSM's token; written before the world
            # is, so a file that cannot be written issues no tokens.
            if any(text for *_, text in issued):
                files.write(token_file, "".join(text for *_, text in issued if text))
    except (OSError, ValueError) as exc:
        shell.file_error("write", token_file, exc)
        return
    for server, code, fields, _ in issued:
        shell.report("getToken", [(server, code)])
        for field in fields or ():
            shell.line(field)


@command("approveToken", "Approves an MxN service with the approvers' signatures", Arg("file", "approval file"))
def approve_token(shell: CloudHsmMgmtUtil, args: dict) -> None:
    try:
        approval = read_approval_file(args["file"])
        token_file = files.read_bytes(approval.token_file)
        signatures = [(kind, name, files.read_bytes(path)) for kind, name, path in approval.approvers]
    except ApprovalFileError as exc:
        shell.error(f"{args['file']}: {exc}")
        return
    except (OSError, ValueError) as exc:
        shell.file_error("read", args["file"], exc)
        return
    shell.report("approveToken", _per_server(shell, lambda world, hsm: quorum.approve_token(
        world, hsm, shell.session_id, token_file, signatures)))


@command("listTokens", "Lists all tokens of the HSMs", lenient=True)
def list_tokens(shell: CloudHsmMgmtUtil, args: dict) -> None:
    # GAP: who may list tokens is undocumented; like listUsers, no login is needed.
    world = shell.store.read()
    failed = False
    for server, _, hsm in shell.targets(world):
        shell.line()
        shell.line("=====================")
        shell.line(f"    Server {server.index}({server.hostname})")
        shell.line("=====================")
        if not answers(hsm):
            shell.report("listTokens", [(server, rc.SERVER_UNAVAILABLE)])
            failed = True
            continue
        for number, token in enumerate(hsm.tokens):
            shell.line(f"-------- Token - {number} ----------")
            for field in quorum.token_fields(token):
                shell.line(field)
            shell.line(f"Token Validity: {quorum.validity(world, token)} sec")
            shell.line(f"Required num of approvers : {quorum.m_value(hsm, token.service)}")
            shell.line(f"Current num of approvals : {len(token.approvers)}")
            for index, name in enumerate(token.approvers):
                shell.line(f"Approver-{index}: {name}")
        shell.line(f"Num of tokens = {len(hsm.tokens)}")
    shell.line()
    shell.line("listTokens failed" if failed else "listTokens success")


class ApprovalFileError(ValueError):
    pass


@dataclass
class Approval:
    token_file: str
    approvers: list[tuple[int, str, str]]  # (approver type, name, signature file)


def read_approval_file(path: str) -> Approval:
    """The token approval file: `Key = value;` statements, `#` comments
    (quorum-authentication-crypto-officers.md).  GAP: relative paths in it are taken from the
    current directory, as CMU's own file arguments are."""
    statements: list[tuple[str, str]] = []
    for number, raw in enumerate(files.read_text(path, errors="replace").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        key, equals, value = text.partition("=")
        if not equals or not value.strip().endswith(";"):
            raise ApprovalFileError(f"line {number}: expected `Name = value;`")
        statements.append((key.strip(), value.strip()[:-1].strip()))
    keys = [key for key, _ in statements]
    for required in ("Multi Token File Path", "Token File Path", "Number of Approvals"):
        if required not in keys:
            raise ApprovalFileError(f"missing `{required} = ...;`")
    values = dict(statements)
    token_file = values["Multi Token File Path"] or values["Token File Path"]
    if not token_file:
        raise ApprovalFileError("no token file: give `Multi Token File Path = <file>;`")
    approvers, current = [], {}
    for key, value in statements:
        if key in ("Approver Type", "Approver Name", "Approval File"):
            if key in current:
                raise ApprovalFileError(f"`{key}` given twice for one approver")
            current[key] = value
            if len(current) == 3:
                if not current["Approver Type"].isdigit():
                    raise ApprovalFileError(f"Approver Type {current['Approver Type']!r} is not 2 (CO) or 1 (CU)")
                approvers.append((int(current["Approver Type"]), current["Approver Name"], current["Approval File"]))
                current = {}
    if current:
        raise ApprovalFileError("an approver needs Approver Type, Approver Name and Approval File")
    count = values["Number of Approvals"]
    if not count.isdigit() or int(count) != len(approvers) or not approvers:
        raise ApprovalFileError(f"Number of Approvals = {count}; but {len(approvers)} approvers are given")
    return Approval(token_file, approvers)
