"""Quorum commands of cloudhsm_mgmt_util: registerQuorumPubKey, setMValue, getMValue."""

from __future__ import annotations

from pathlib import Path

from ...cloudhsm import quorum
from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import answers
from .shell import TABLE, CloudHsmMgmtUtil


def _per_server(shell: CloudHsmMgmtUtil, action) -> list:
    with shell.store.transaction() as world:
        return [(server, action(world, hsm)) for server, _, hsm in shell.targets(world)]


@TABLE.command("registerQuorumPubKey",
               usage="registerQuorumPubKey <user-type> <user-name> <registration-token> "
                     "<signed-registration-token> <public-key>",
               summary="Registers a crypto officer's quorum public key")
def register_quorum_pub_key(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    if len(args) != 5:
        shell.syntax_error("registerQuorumPubKey", "Invalid number of arguments.")
        return
    user_type, name, *files = args
    try:
        token, signature, public_pem = (Path(f).read_bytes() for f in files)
    except OSError as exc:
        shell.error(f"Cannot read {exc.filename}: {exc.strerror}")
        return
    if not quorum.check_registration(token, signature, public_pem):
        # GAP: undocumented; the token must be signed (SHA256, PKCS#1) by an RSA-2048 key.
        shell.error("The signed registration token does not verify with the public key.")
        return
    if not shell.caution(blank_before=True):
        return
    shell.report("registerQuorumPubKey", _per_server(shell, lambda world, hsm: quorum.register_public_key(
        world, hsm, shell.session_id, user_type, name, public_pem.decode("ascii", "replace"))))


def _service_and_number(shell: CloudHsmMgmtUtil, command: str, args: list[str], count: int):
    if len(args) != count or not all(a.isdigit() for a in args):
        shell.syntax_error(command, "Invalid arguments.")
        return None
    return [int(a) for a in args]


@TABLE.command("setMValue", usage="setMValue <service> <m value>",
               summary="Sets the quorum minimum for a service (3 USER_MGMT, 4 MISC_CO)")
def set_m_value(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _service_and_number(shell, "setMValue", args, 2)
    if parsed is None or not shell.caution(blank_before=False):
        return
    service, m = parsed
    servers = shell.nodes(shell.store.read())[1]
    shell.line(f"Setting M Value({m}) for {service} on {len(servers)} nodes")
    results = _per_server(shell, lambda world, hsm: quorum.set_m_value(world, hsm, shell.session_id, service, m))
    shell.report("setMValue", [(server, code) for server, code in results if code])


@TABLE.command("getMValue", usage="getMValue <service>", summary="Gets the quorum minimum for a service")
def get_m_value(shell: CloudHsmMgmtUtil, args: list[str]) -> None:
    parsed = _service_and_number(shell, "getMValue", args, 1)
    if parsed is None:
        return
    (service,) = parsed
    if service not in quorum.SERVICES:
        shell.error(f"Invalid service {service}.")  # GAP: undocumented
        return
    for server, _, hsm in shell.targets(shell.store.read()):
        if not answers(hsm):
            shell.report("getMValue", [(server, rc.SERVER_UNAVAILABLE)])
            continue
        shell.line(f"MValue of service {service}[{quorum.SERVICES[service]}] on server {server.index} "
                   f": [{quorum.m_value(hsm, service)}]")
