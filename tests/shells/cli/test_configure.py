"""configure-cli writes the CloudHSM CLI's configuration in the world, beside SDK 3's."""

from __future__ import annotations

import io

from hsmshell.shells.cli import configure
from hsmshell.shells.console import StreamConsole


def configure_cli(store, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return configure.run(store, StreamConsole(io.StringIO(), out), list(args), {}), out.getvalue()


def test_address_names_the_cluster_and_keeps_sdk3_configuration(store, cli):
    assert configure_cli(store, "-a", "10.0.3.11") == (0, "")
    world = store.read()
    assert [(c.cluster_id, c.hsm_addresses) for c in world.client.cli.clusters] == \
        [("cluster-1a23b4cdefg", ["10.0.3.11"])]
    assert world.client.cmu_servers == ["10.0.2.9", "10.0.3.11", "10.0.1.12"]
    assert cli("user", "list").json["error_code"] == 0
    text = store.path.read_text()
    assert "  cli:\n    clusters:\n" in text and "hsm_addresses:" in text  # readable, editable YAML


def test_an_address_no_hsm_answers_at_reaches_nothing(store, cli):
    assert configure_cli(store, "-a", "10.9.9.9")[0] == 0
    assert cli("user", "list").json == {"error_code": 1, "data": "Cluster  is not in the configuration file"}


def test_disable_key_availability_check_lets_a_single_hsm_cluster_work(store, cli):
    from hsmshell.kms import custom_key_stores

    with store.transaction() as world:
        custom_key_stores.disconnect(world, "cks-1234567890abcdef0")
        for hsm in world.clusters["cluster-1a23b4cdefg"].hsms[1:]:
            hsm.reachable = False
    cli.as_admin("user", "change-password", "--username", "kmsuser", "--role", "crypto-user", "--password", "kmsPswd1")
    listed = cli.as_user("kmsuser", "kmsPswd1", "key", "list")
    assert listed.json == {"error_code": 1, "data": "Cannot perform the requested key operation as the key must "
                                                    "be available on at least 2 HSMs"}
    assert configure_cli(store, "--disable-key-availability-check") == (0, "")
    assert cli.as_user("kmsuser", "kmsPswd1", "key", "list").json["data"]["total_key_count"] == 2
    assert configure_cli(store, "--enable-key-availability-check")[0] == 0
    assert cli.as_user("kmsuser", "kmsPswd1", "key", "list").json["error_code"] == 1


def test_several_clusters_need_cluster_id(store, cli):
    from hsmshell.cloudhsmv2 import clusters

    assert configure_cli(store, "add-cluster", "--cluster-id", "cluster-nothere") == \
        (1, "Error: Cluster cluster-nothere not found\n")
    with store.transaction() as world:
        other = clusters.create(world, hsm_type="hsm2m.medium", subnet_ids=["subnet-0e358c43a2b4f8c1d"],
                                source_backup_id=None, retention_days=None)
        other_id = other.cluster_id
    assert configure_cli(store, "add-cluster", "--cluster-id", other_id)[0] == 0
    assert cli("user", "list").json == {"error_code": 1,
                                        "data": "More than one cluster is configured: give --cluster-id"}
    assert cli("user", "list", "--cluster-id", "cluster-1a23b4cdefg").json["error_code"] == 0
    assert configure_cli(store, "remove-cluster", "--cluster-id", other_id) == (0, "")
    assert configure_cli(store, "remove-cluster", "--cluster-id", other_id)[0] == 1
    assert cli("user", "list").json["error_code"] == 0


def test_placeholder_configuration_and_bad_command_lines(store, cli):
    assert configure_cli(store, "remove-cluster", "--cluster-id", "cluster-1a23b4cdefg")[0] == 0
    assert cli("user", "list").json == {"error_code": 1, "data": "Config key hostname has invalid value"}
    assert configure_cli(store, "-a", "10.0.2.9") == (0, "")  # a file with no cluster left takes one again
    assert cli("user", "list").json["error_code"] == 0
    status, out = configure_cli(store, "--frobnicate")
    assert status == 2 and out.startswith("error: unexpected argument '--frobnicate' found")
    assert configure_cli(store)[0] == 2


def test_validation_refuses_a_hand_edited_bad_address(store):
    import pytest

    from hsmshell.world.store import WorldError

    configure_cli(store, "-a", "10.0.2.9")
    text = store.path.read_text().replace("- 10.0.2.9\n      disable", "- 10.0.2.999\n      disable", 1)
    store.path.write_text(text)
    with pytest.raises(WorldError, match="not an IPv4 address"):
        store.read()


ORIGINAL_ID = "cluster-1a23b4cdefg"  # the fixture's cluster: three HSMs, 10.0.2.9 first


def configured(store) -> list[str]:
    """The clusters cloudhsm-cli.cfg lists, in its order."""
    return [c.cluster_id for c in store.read().client.cli.clusters]


def hsm_count(cli, cluster_id: str) -> int:
    """How many HSMs `cluster hsm-info --cluster-id` reports: which cluster the command reached."""
    return len(cli("cluster", "hsm-info", "--cluster-id", cluster_id).json["data"]["hsms"])


def test_cluster_id_reaches_its_own_entry_whichever_sorts_first(store, cli, doors):
    # Two clusters whose ids sort one way, listed in the file both ways round: the entry named
    # is the one used, added or removed, never a neighbour.
    from ...cloudhsm.test_client_config import restored_cluster

    restored, _ = restored_cluster(doors, store)  # two HSMs
    assert configure_cli(store, "add-cluster", "--cluster-id", restored) == (0, "")
    assert configured(store) == [ORIGINAL_ID, restored]
    assert (hsm_count(cli, ORIGINAL_ID), hsm_count(cli, restored)) == (3, 2)
    assert configure_cli(store, "add-cluster", "-a", "10.0.2.9") == (0, "")  # replaces its entry, now last
    assert configured(store) == [restored, ORIGINAL_ID]
    assert (hsm_count(cli, ORIGINAL_ID), hsm_count(cli, restored)) == (3, 2)
    assert configure_cli(store, "remove-cluster", "--cluster-id", restored) == (0, "")
    assert configured(store) == [ORIGINAL_ID]
    assert configure_cli(store, "add-cluster", "--cluster-id", restored) == (0, "")
    assert configure_cli(store, "remove-cluster", "--cluster-id", ORIGINAL_ID) == (0, "")
    assert configured(store) == [restored]
    assert hsm_count(cli, restored) == 2


def test_the_key_availability_check_is_each_clusters_own(store, cli, doors, kmsuser):
    from ...cloudhsm.test_client_config import KMSUSER, restored_cluster

    restored, _ = restored_cluster(doors, store)
    with store.transaction() as world:  # one HSM answers in each cluster
        for cluster_id in (ORIGINAL_ID, restored):
            for hsm in world.clusters[cluster_id].hsms[1:]:
                hsm.reachable = False

    def key_list(cluster_id: str) -> int:
        if cluster_id == ORIGINAL_ID:
            return kmsuser("key", "list", "--cluster-id", cluster_id).json["error_code"]
        return cli.as_user("kmsuser", KMSUSER, "key", "list", "--cluster-id", cluster_id).json["error_code"]

    # The check off for one cluster, on for the other, each way round.
    assert configure_cli(store, "add-cluster", "--cluster-id", restored) == (0, "")
    assert configure_cli(store, "add-cluster", "-a", "10.0.2.9", "--disable-key-availability-check") == (0, "")
    assert (key_list(ORIGINAL_ID), key_list(restored)) == (0, 1)
    assert configure_cli(store, "add-cluster", "--cluster-id", restored, "--disable-key-availability-check")[0] == 0
    assert configure_cli(store, "add-cluster", "-a", "10.0.2.9")[0] == 0
    assert (key_list(ORIGINAL_ID), key_list(restored)) == (1, 0)
    # `-a` alone writes the file's first cluster with its own options, not another's.
    assert configure_cli(store, "add-cluster", "--cluster-id", restored, "--disable-key-availability-check")[0] == 0
    assert configured(store) == [ORIGINAL_ID, restored]
    assert configure_cli(store, "-a", "10.0.2.9") == (0, "")
    assert configured(store) == [ORIGINAL_ID]
    assert key_list(ORIGINAL_ID) == 1
    # and a new address keeps the check as --disable-key-availability-check left it
    assert configure_cli(store, "--disable-key-availability-check") == (0, "")
    assert configure_cli(store, "-a", "10.0.3.11") == (0, "")
    assert key_list(ORIGINAL_ID) == 0


def test_cluster_id_of_a_cluster_not_yet_activated(store, cli, doors):
    # The workshop's bootstrap: configure-cli --cluster-id, then the CLI reaches the new
    # cluster to activate it (cloudhsm-cli-spec, bootstrap by cluster id).
    from .test_cluster import new_initialized_cluster

    cluster_id = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster_id) == (0, "")
    assert [u["username"] for u in cli("user", "list").json["data"]["users"]] == ["admin", "app_user"]


def test_a_client_certificate_is_presented_to_the_clusters_configured_with_it(store, cli, doors, tmp_path):
    from ...cloudhsm.test_client_config import restored_cluster
    from .test_mtls_enforcement import DISCONNECTED, issuer_and_client

    restored, _ = restored_cluster(doors, store)
    ops = issuer_and_client(tmp_path, "ops")
    tls = ("--client-cert-hsm-tls-file", str(ops["cert"]), "--client-key-hsm-tls-file", str(ops["key"]))

    def enforce(cluster_id: str) -> None:
        for command in (("register-trust-anchor", "--path", str(ops["ca"])), ("set-enforcement", "--level", "cluster")):
            assert cli.as_admin("cluster", "mtls", *command, "--cluster-id", cluster_id).json["error_code"] == 0

    def user_list(cluster_id: str) -> str:
        ran = cli("user", "list", "--cluster-id", cluster_id)
        return DISCONNECTED if ran.output == DISCONNECTED else ran.json["error_code"]

    assert configure_cli(store, *tls) == (0, "")
    enforce(ORIGINAL_ID)
    assert user_list(ORIGINAL_ID) == 0
    assert configure_cli(store, "add-cluster", "--cluster-id", restored) == (0, "")
    assert configure_cli(store, *tls) == (0, "")  # every cluster configured
    enforce(restored)
    assert user_list(restored) == 0
    # the restored cluster's entry written again, without a certificate: only its own counts
    assert configure_cli(store, "remove-cluster", "--cluster-id", restored) == (0, "")
    assert configure_cli(store, "add-cluster", "--cluster-id", restored) == (0, "")
    assert (user_list(ORIGINAL_ID), user_list(restored)) == (0, DISCONNECTED)
    # `-a` keeps the first cluster's certificate
    assert configure_cli(store, "-a", "10.0.3.11") == (0, "")
    assert user_list(ORIGINAL_ID) == 0


def test_the_file_names_addresses_and_reaches_whatever_hsm_answers_there_later(store, cli, doors):
    from ...cloudhsm.test_client_config import cluster_from_backup

    assert configure_cli(store, "-a", "10.0.1.50") == (0, "")
    assert cli("user", "list").json == {"error_code": 1, "data": "Cluster  is not in the configuration file"}
    restored = cluster_from_backup(doors)
    assert doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", restored, "--availability-zone", "us-west-2a",
                     "--ip-address", "10.0.1.50")[0] == 0
    # the CLI connects to the address it was given and finds the cluster of the HSM there
    assert len(cli("cluster", "hsm-info").json["data"]["hsms"]) == 1
    assert cli.as_admin("user", "list").json["error_code"] == 0
