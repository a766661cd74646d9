"""cluster activate | hsm-info, cluster mtls ... (cloudhsm-cli-spec §5)."""

from __future__ import annotations

from typing import Any

from ... import files
from ...cloudhsm.nodes import answers
from . import texts
from .declare import Opt
from .program import CloudHsmCli, Failure
from .tree import PASSWORD, command

# What every HSM reports (cluster hsm-info's example); the serial number counts the cluster's
# HSMs, as cloudhsm_mgmt_util's getHSMInfo does.
HSM_INFO = {"vendor": "Marvell Semiconductors, Inc.", "model": "NITROX-III CNN35XX-NFBE",
            "hardware-version-major": "5", "hardware-version-minor": "3", "firmware-version-major": "2",
            "firmware-version-minor": "6", "firmware-build-number": "16", "firmware-id": "CNN35XX-NFBE-FW-2.06-16",
            "fips-state": "2 [FIPS mode with single factor authentication]"}
NON_FIPS_STATE = "0 [non-FIPS mode with single factor authentication]"  # a NON_FIPS cluster's (§5.2)


@command("cluster activate", "Activate a cluster", PASSWORD,
         long_about="This command will set the initial Admin password. This process will cause your CloudHSM "
                    "cluster to move into the ACTIVE state.")
def cluster_activate(cli: CloudHsmCli, values: dict[str, Any]) -> str:
    from ...cloudhsm import activation
    from ...cloudhsm.users import BadPassword

    with cli.store.transaction(write=False) as world:
        cluster = cli.cluster(world, values)
        if cluster.state == "ACTIVE":
            raise Failure(texts.CLUSTER_ALREADY_ACTIVATED)
    password = cli.password(values, confirm=True)
    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        cli.hsms(cluster)
        try:
            activation.activate(world, cluster, password)
        except activation.AlreadyActivated:
            raise Failure(texts.CLUSTER_ALREADY_ACTIVATED) from None
        except activation.NotActivatable:
            raise Failure(texts.NOT_UNACTIVATED) from None
        except BadPassword:
            raise Failure(texts.BAD_PASSWORD) from None
    return texts.CLUSTER_ACTIVATED


@command("cluster hsm-info", "Get hardware information about HSMs in your cluster")
def cluster_hsm_info(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsmv2 import clusters

    world = cli.store.read()
    cluster = cli.cluster(world, values)
    cli.hsms(cluster)
    hsms = []
    for number, hsm in enumerate(cluster.hsms, start=1):
        if answers(hsm):
            info = dict(HSM_INFO)
            if clusters.mode_of(cluster) == "NON_FIPS":
                info["fips-state"] = NON_FIPS_STATE
            items = list(info.items())
            items.insert(2, ("serial-number", f"5.3G1941-ICM{number:06d}"))
            hsms.append(dict(items))
    return {"hsms": hsms}


MTLS_TEXTS = {"exists": texts.TRUST_ANCHOR_EXISTS, "full": texts.TRUST_ANCHORS_FULL,
              "too-long": texts.CERTIFICATE_TOO_LONG, "not-mtls": texts.MTLS_NOT_MTLS,
              "not-admin": texts.MTLS_ADMIN_ONLY, "permission": texts.PERMISSION_DENIED,
              "last-anchor": texts.MTLS_LAST_ANCHOR,
              "invalid": texts.INVALID_PARAMETER.format("path"),
              "unknown": texts.INVALID_PARAMETER.format("certificate-reference")}


def _mtls(cli: CloudHsmCli, values: dict[str, Any], action):
    from ...cloudhsm import mtls

    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, _ = cli.logged_in(world, cluster)
        try:
            return action(cluster, session)
        except mtls.Refused as refused:
            raise Failure(MTLS_TEXTS[refused.reason]) from None


def _anchor(cluster, anchor) -> dict:
    return {"certificate-reference": anchor.certificate_reference, "certificate": anchor.certificate,
            "cluster-coverage": "full"}


@command("cluster mtls register-trust-anchor", "Register a trust anchor for mtls",
         Opt("path", "Filepath of trust anchor to register", "PATH", required=True))
def register_trust_anchor(cli: CloudHsmCli, values: dict[str, Any]) -> dict:

    from ...cloudhsm import mtls

    try:
        pem = files.read_bytes(values["path"])
    except OSError as exc:
        raise Failure(texts.FILE_UNREADABLE.format(values["path"], exc.strerror or exc)) from None
    return _mtls(cli, values, lambda cluster, session: {
        "trust_anchor": _anchor(cluster, mtls.register(cluster, session, pem))})


@command("cluster mtls list-trust-anchors", "List all trust anchors for mtls")
def list_trust_anchors(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    cluster = cli.cluster(cli.store.read(), values)
    return {"trust_anchors": [_anchor(cluster, a) for a in cluster.mtls_trust_anchors.values()]}


@command("cluster mtls deregister-trust-anchor", "Deregister a trust anchor for mtls",
         Opt("certificate-reference", "A hexadecimal or decimal certificate reference", "CERTIFICATE_REFERENCE",
             required=True), Opt("approval", "Filepath of signed quorum token file to approve operation",
                                  "APPROVAL"))
def deregister_trust_anchor(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import mtls

    reference = values["certificate-reference"]
    if not reference.lower().startswith("0x") and reference.isdigit():
        reference = f"0x{int(reference):02x}"

    def action(cluster, session):
        mtls.deregister(cluster, session, reference)
        return {"message": texts.trust_anchor_deregistered(reference)}
    return _mtls(cli, values, action)


@command("cluster mtls get-enforcement", "Get the status of mtls enforcement in the cluster")
def get_enforcement(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    return _mtls(cli, values, lambda cluster, session: {"mtls-enforcement-level": cluster.mtls_enforcement})


@command("cluster mtls set-enforcement", "Set mtls enforcement policy in the cluster",
         Opt("level", "Level to be set for mtls in the cluster", "LEVEL", required=True,
             choices=(("none", ""), ("cluster", ""))),
         Opt("approval", "Filepath of signed quorum token file to approve operation", "APPROVAL"))
def set_enforcement(cli: CloudHsmCli, values: dict[str, Any]) -> dict:
    from ...cloudhsm import mtls

    with cli.store.transaction() as world:
        cluster = cli.cluster(world, values)
        session, _ = cli.logged_in(world, cluster)
        try:
            mtls.set_enforcement(cluster, session, values["level"], over_mtls=cli.over_mtls(world, cluster))
        except mtls.Refused as refused:
            raise Failure(MTLS_TEXTS[refused.reason]) from None
    return {"message": texts.mtls_level_set(values["level"])}
