"""What cloudhsm_mgmt_util tells about its servers: info, getHSMInfo and (server mode) getCert."""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import answers
from ... import files
from .shell import PORT, CloudHsmMgmtUtil, command
from .syntax import DIGITS, Arg

INFO_HEADER = ("Id      Name                    Hostname         Port   State           "
               "Partition               LoginState")


@command("info", "Gets information about a server", Arg("server", "server", literal=True),
         Arg("server_id", "server ID"), invalid="Invalid arguments.")
def info(shell: CloudHsmMgmtUtil, args: dict) -> None:
    server = next((s for s in shell.servers if str(s.index) == args["server_id"]), None)
    if server is None:
        shell.error(f"Invalid server ID {args['server_id']}.")  # GAP: undocumented
        return
    world = shell.store.read()
    target = shell.target_of(world, server)
    session = world.sessions.get(shell.session_id)
    # GAP: neither the state of a server that stopped answering nor the login state of a
    # session that is not logged in is documented.
    state = "Connected" if target and answers(target[1]) else "Disconnected"
    if session and server.hsm_id in session.hsms:
        login_state = f"Logged in as '{session.user_name}({session.user_type})'"
    else:
        login_state = "Not logged in"
    shell.line(INFO_HEADER)
    shell.line("%-8d%-24s%-16s%-8d%-16s%-24s%s" % (
        server.index, server.hostname, server.hostname, PORT, state, server.hsm_id, login_state))


# getHSMInfo.md shows server 0 of a NITROX-III appliance and cuts the rest.  GAP: every HSM
# here reports the same hardware; the serial number counts the HSMs of the cluster, and the
# firmware id (masked in the documentation) is derived from the HSM id.
HSM_INFO = [
    ("Label", "cavium"), ("Model", "NITROX-III CNN35XX-NFBE"), None,
    ("Serial Number", "3.0A0101-ICM{serial:06d}"), ("HSM Flags", "0"),
    ("FIPS state", "2 [FIPS mode with single factor authentication]"), None,
    ("Manufacturer ID", ""), ("Device ID", "10"), ("Class Code", "100000"),
    ("System vendor ID", "177D"), ("SubSystem ID", "10"), None, None,
    ("TotalPublicMemory", "560596"), ("FreePublicMemory", "294568"), ("TotalPrivateMemory", "0"),
    ("FreePrivateMemory", "0"), None,
    ("Hardware Major", "3"), ("Hardware Minor", "0"), None,
    ("Firmware Major", "2"), ("Firmware Minor", "03"), None,
    ("Temperature", "56 C"), None,
    ("Build Number", "13"), None,
    ("Firmware ID", "{firmware}"), None,
]


@command("getHSMInfo", "Gets information about the HSMs", lenient=True)
def get_hsm_info(shell: CloudHsmMgmtUtil, args: dict) -> None:
    world = shell.store.read()
    targets = shell.targets(world)
    shell.line(f"Getting HSM Info on {len(targets)} nodes")
    for server, cluster, hsm in targets:
        if not answers(hsm):
            shell.report("getHSMInfo", [(server, rc.SERVER_UNAVAILABLE)])
            continue
        values = {"serial": cluster.hsms.index(hsm) + 1, "firmware": hsm.hsm_id.split("-")[-1].upper()}
        shell.line(f"\t\t*** Server {server.index} HSM Info ***")
        shell.line()
        for row in HSM_INFO:
            if row is None:
                shell.line()
            else:
                shell.line(f"\t{row[0]:<21}:{row[1].format(**values)}")


CERTIFICATES = {  # the keys are certificates.MANUFACTURER_ROOT ... CLUSTER_CHAINED
    1: "Manufacturer Root", 2: "Manufacturer Hardware", 4: "Customer Root",
    8: "Cluster (signed by Customer Root)", 16: "Cluster (chained to Manufacturer Root)",
}


@command("getCert", "Gets a certificate of the server (server mode)", Arg("file", "file-name"),
         Arg("certificate_type", "certificate-type", DIGITS, tuple(CERTIFICATES)), server_mode=True,
         invalid="Invalid arguments. Certificate types: " + ", ".join(f"{k} = {v}" for k, v in CERTIFICATES.items()))
def get_cert(shell: CloudHsmMgmtUtil, args: dict) -> None:
    world = shell.store.read()
    target = shell.target_of(world, shell.server_mode)
    if target is None or not answers(target[1]):
        shell.line("getCert failed")
        return
    cluster, hsm = target
    from ...cloudhsmv2 import certificates  # cryptography.x509: ~30 ms a shell need not pay at start

    pem = certificates.for_hsm(world, cluster, hsm, args["certificate_type"])
    if pem is None:
        # GAP: an uninitialized cluster holds no customer certificates (4, 8); the HSM's
        # refusal is not documented.
        shell.line("getCert failed")
        return
    try:
        files.write(args["file"], pem, private=True)
    except OSError as exc:
        shell.error(f"Cannot write {args['file']}: {exc.strerror}")
        return
    shell.line("getCert Success")
