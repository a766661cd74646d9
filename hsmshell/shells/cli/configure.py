"""configure-cli (`/opt/cloudhsm/bin/configure-cli`): writes the CloudHSM CLI's
`/opt/cloudhsm/etc/cloudhsm-cli.cfg` on the simulated client host (the world's
`client.cli`), next to the SDK 3 configuration that `configure` writes.

    configure-cli -a <HSM_IP_ADDRESSES>...        the cluster of those HSMs
    configure-cli --cluster-id <CLUSTER_ID>       a cluster by its id (the real tool asks
                                                   DescribeClusters for its HSMs)
    configure-cli --disable-key-availability-check | --enable-key-availability-check
    configure-cli add-cluster (-a ... | --cluster-id ...) [--disable-key-availability-check]
    configure-cli --client-cert-hsm-tls-file <CERT> --client-key-hsm-tls-file <KEY>
                                                   mTLS to the HSMs, with this client certificate
    configure-cli remove-cluster --cluster-id <CLUSTER_ID>

The real tool prints nothing when it succeeds (GAP: inferred; its errors are clap's, or one
line on stderr, here on the console).  Exit status 0, 1 on a refusal, 2 on a bad command line.
"""

from __future__ import annotations

from typing import Mapping

from ...world.store import WorldError
from .declare import ArgError, Command, HelpRequested, Opt, Tree, parse

PROGRAM = "configure-cli"
ADDRESSES = Opt("hsm-ip-addresses", "The IP addresses of the HSMs in your cluster", "HSM_IP_ADDRESSES",
                multiple=True, short="a")
CLUSTER_ID = Opt("cluster-id", "The cluster ID of the cluster to connect to. The tool looks up the cluster's "
                               "HSM addresses with DescribeClusters", "CLUSTER_ID")
DISABLE = Opt("disable-key-availability-check", "Disables the key availability check: a key need not be "
                                                 "available on at least two HSMs")
ENABLE = Opt("enable-key-availability-check", "Enables the key availability check")
CLIENT_CERT = Opt("client-cert-hsm-tls-file", "The client certificate for mutual TLS with the HSMs", "CLIENT_CERT")
CLIENT_KEY = Opt("client-key-hsm-tls-file", "The private key of the client certificate for mutual TLS with the HSMs",
                 "CLIENT_KEY")

TREE = Tree()
TREE.group((), "Configure the CloudHSM CLI")
TREE.add(Command((PROGRAM,), "Configure the CloudHSM CLI", [ADDRESSES, CLUSTER_ID, DISABLE, ENABLE, CLIENT_CERT,
                                                            CLIENT_KEY], global_cluster_id=False))
TREE.add(Command((PROGRAM, "add-cluster"), "Add a cluster to the configuration", [ADDRESSES, CLUSTER_ID, DISABLE],
                 global_cluster_id=False, one_of=(("hsm-ip-addresses", "cluster-id"),)))
TREE.add(Command((PROGRAM, "remove-cluster"), "Remove a cluster from the configuration",
                 [Opt("cluster-id", "The cluster ID to remove", "CLUSTER_ID", required=True)], global_cluster_id=False))

# GAP: the tool's texts for these refusals are undocumented.
NO_SUCH_CLUSTER = "Error: Cluster {} not found"
NOT_CONFIGURED = "Error: Cluster {} is not in the configuration file"
BOTH_CHECKS = "error: the argument '--disable-key-availability-check' cannot be used with '--enable-key-availability-check'"
NOTHING_TO_DO = "error: at least one option is required"
BOTH_TLS_FILES = "error: --client-cert-hsm-tls-file and --client-key-hsm-tls-file must be given together"
TLS_FILE_UNREADABLE = "Error: Could not read {}: {}"
TLS_PAIR_INVALID = "Error: The client key does not match the client certificate, or one of them is not valid PEM"


def start(terminal, args: list[str]) -> int:
    """A program of the client host (hsmshell/host.py)."""
    return run(terminal.world(), terminal.console, args, terminal.environ)


def run(store, console, args: list[str], environ: Mapping[str, str] | None = None) -> int:
    from ...cloudhsm import client_config

    try:
        command, rest = TREE.resolve([PROGRAM, *args])
        values = parse(command, rest)
    except HelpRequested as exc:
        console.write(exc.text + "\n")
        return 0
    except ArgError as exc:
        console.write(exc.text + "\n")
        return 2
    if values.get("disable-key-availability-check") and values.get("enable-key-availability-check"):
        console.write(BOTH_CHECKS + "\n")
        return 2
    action = command.path[1:] or ("configure",)
    if action == ("configure",) and not values:
        console.write(NOTHING_TO_DO + "\n")
        return 2
    if bool(values.get("client-cert-hsm-tls-file")) != bool(values.get("client-key-hsm-tls-file")):
        console.write(BOTH_TLS_FILES + "\n")
        return 2
    certificate = None
    if values.get("client-cert-hsm-tls-file"):
        certificate = _client_certificate(console, values["client-cert-hsm-tls-file"], values["client-key-hsm-tls-file"])
        if certificate is None:
            return 1
    addresses = values.get("hsm-ip-addresses") or []
    check = True if values.get("enable-key-availability-check") else (
        False if values.get("disable-key-availability-check") else None)
    with store.transaction() as world:
        cluster_id = values.get("cluster-id")
        if cluster_id and action != ("remove-cluster",) and cluster_id not in world.clusters:
            console.write(NO_SUCH_CLUSTER.format(cluster_id) + "\n")
            return 1
        address = addresses[0] if addresses else None
        if action == ("remove-cluster",):
            if not client_config.cli_remove_cluster(world, cluster_id):
                console.write(NOT_CONFIGURED.format(cluster_id) + "\n")
                return 1
        elif action == ("add-cluster",):
            client_config.cli_add_cluster(world, address=address, cluster_id=None if address else cluster_id,
                                          disable_key_availability_check=bool(check is False))
            if address and len(addresses) > 1:
                world.client.cli.clusters[-1].hsm_addresses = list(addresses)
        else:
            client_config.cli_configure(world, address=address, cluster_id=None if address else cluster_id,
                                        disable_key_availability_check=None if check is None else not check)
            if address and len(addresses) > 1:
                world.client.cli.clusters[0].hsm_addresses = list(addresses)
            if certificate is not None:
                client_config.cli_client_certificate(world, certificate)
    return 0


def _client_certificate(console, cert_path: str, key_path: str) -> str | None:
    """The certificate, read and checked against its key; None (and said why) when it cannot
    be used.  GAP: the real tool writes the paths and the client finds a bad pair when it
    connects; the range reads the files now, as it keeps the certificate (model.CliCluster)."""
    from ... import files
    from ...cloudhsm import mtls

    read = {}
    for path in (cert_path, key_path):
        try:
            read[path] = files.read_bytes(path)
        except OSError as exc:
            console.write(TLS_FILE_UNREADABLE.format(path, exc.strerror or exc) + "\n")
            return None
    try:
        return mtls.key_pair(read[cert_path], read[key_path])
    except mtls.Refused:
        console.write(TLS_PAIR_INVALID + "\n")
        return None

