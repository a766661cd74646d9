"""The client host's configure tool (`hsmshell configure`, the real `/opt/cloudhsm/bin/configure`):
where it points key_mgmt_util's client daemon and cloudhsm_mgmt_util, seen through the tools."""

from __future__ import annotations

import io

import pytest

from hsmshell.cli import main

from ..conftest import lines

KMSUSER = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # kmsuser's password in the fixture and its backup
UPDATING_CLIENT = "Updating server config in /opt/cloudhsm/etc/cloudhsm_client.cfg"
UPDATING_CMU = "Updating server config in /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg"
ORIGINAL = ["10.0.2.9", "10.0.3.11", "10.0.1.12"]


def configure(world_path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--world", str(world_path), "configure", *argv], out, err)
    return status, out.getvalue(), err.getvalue()


def cluster_from_backup(doors) -> str:
    """The id of a cluster made from the fixture's backup, with no HSM yet."""
    status, out, err = doors.aws("cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
                                 "subnet-0e358c43a2b4f8c1d", "subnet-0f5a3c2b1d4e6f789",
                                 "--source-backup-id", "backup-9g87f6edcba", "--query", "Cluster.ClusterId",
                                 "--output", "text")
    assert status == 0, err
    return out.strip()


def restored_cluster(doors, store) -> tuple[str, list[str]]:
    """A cluster made from the fixture's backup, with HSMs in two zones: (its id, their IPs)."""
    cluster_id = cluster_from_backup(doors)
    for zone in ("us-west-2a", "us-west-2b"):
        assert doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", cluster_id, "--availability-zone", zone)[0] == 0
    ips = [h.eni_ip for h in store.read().clusters[cluster_id].hsms]
    assert len(ips) == 2 and not set(ips) & set(ORIGINAL)
    return cluster_id, ips


def connected(banner: str) -> list[str]:
    """The servers CMU connected to at start-up, in server order."""
    return [l.split("'")[1] for l in lines(banner) if l.startswith("Connected to server")]


def kmu_login_nodes(doors) -> list[str]:
    """The node lines of kmsuser's loginHSM in key_mgmt_util: one per HSM the daemon reaches."""
    out = doors.kmu(f"loginHSM -u CU -s kmsuser -p {KMSUSER}\nlogoutHSM\nexit\n")
    return [l for l in lines(out.split("Command:  logoutHSM")[0]) if l.startswith("Node id")]


def test_dash_a_points_the_daemon_and_cmu_at_a_restored_cluster(doors, store, world_path):
    restored, ips = restored_cluster(doors, store)
    assert connected(doors.cmu("quit\n")) == ORIGINAL  # still the original cluster's HSMs

    assert configure(world_path, "-a", ips[1]) == (0, f"{UPDATING_CLIENT}\n{UPDATING_CMU}\n", "")

    client = store.read().client
    assert (client.cluster_id, client.cmu_servers) == (restored, [ips[1]])
    # key_mgmt_util: through the daemon, every HSM of the restored cluster, numbered in its order.
    assert kmu_login_nodes(doors) == [f"Node id {n} and err state 0x00000000 : HSM Return: SUCCESS" for n in (0, 1)]
    out = doors.kmu(f"loginHSM -u CU -s kmsuser -p {KMSUSER}\n"
                    "findKey -l arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n"
                    "logoutHSM\nexit\n")
    assert "Total number of keys present 1" in out and "262162" in out
    # cloudhsm_mgmt_util: the one server -a wrote, until -m fills in the others.
    out = doors.cmu("loginHSM CO admin co12345\nlogoutHSM\nquit\n")
    assert connected(out) == [ips[1]]
    assert [l for l in lines(out) if l.startswith("loginHSM")] == [f"loginHSM success on server 0({ips[1]})"]


def test_dash_m_copies_the_daemons_cluster_into_cmus_file(doors, store, world_path):
    _, ips = restored_cluster(doors, store)
    configure(world_path, "-a", ips[1])
    assert configure(world_path, "-m") == (0, f"{UPDATING_CMU}\n", "")
    assert store.read().client.cmu_servers == ips
    out = doors.cmu("loginHSM CO admin co12345\nlogoutHSM\nquit\n")
    assert connected(out) == ips
    assert [l for l in lines(out) if l.startswith("loginHSM")] == [
        f"loginHSM success on server {n}({ip})" for n, ip in enumerate(ips)]
    assert configure(world_path, "-m", "-i", "1") == (0, f"{UPDATING_CMU}\n", "")


def test_dash_dash_cmu_lists_the_whole_cluster_in_its_order_and_leaves_the_daemon(doors, store, world_path):
    _, ips = restored_cluster(doors, store)
    assert configure(world_path, "--cmu", ips[1]) == (0, f"{UPDATING_CMU}\n", "")
    client = store.read().client
    assert (client.cluster_id, client.cmu_servers) == ("cluster-1a23b4cdefg", ips)
    assert connected(doors.cmu("quit\n")) == ips
    configure(world_path, "--cmu", "10.0.1.12")
    assert connected(doors.cmu("quit\n")) == ORIGINAL


def test_an_address_no_hsm_answers_at_is_written_and_the_tools_reach_nothing(doors, store, world_path):
    assert configure(world_path, "-a", "10.0.9.9") == (0, f"{UPDATING_CLIENT}\n{UPDATING_CMU}\n", "")
    client = store.read().client  # a world the store reads back: the configuration is no error
    assert (client.cluster_id, client.cmu_servers) == ("", ["10.0.9.9"])
    banner = doors.cmu("quit\n")
    assert "Connecting to server '10.0.9.9': hostname '10.0.9.9', port 2225..." in banner
    assert connected(banner) == []
    # As for a cluster since deleted: the daemon reaches no node.
    assert kmu_login_nodes(doors) == []
    out = io.StringIO()
    assert main(["--world", str(world_path), "world", "show"], out, io.StringIO()) == 0
    assert "client daemon (key_mgmt_util)  no cluster (no HSM at its address)" in out.getvalue()
    assert "cloudhsm_mgmt_util.cfg         10.0.9.9" in out.getvalue()
    # -m has no cluster.info to copy: the file stays as it was.
    assert configure(world_path, "-m") == (
        1, "", "configure: no HSM in /opt/cloudhsm/daemon/1/cluster.info: the client daemon has found no cluster\n")
    assert store.read().client.cmu_servers == ["10.0.9.9"]
    assert configure(world_path, "--cmu", "10.0.9.10")[0] == 0
    assert store.read().client.cmu_servers == ["10.0.9.10"]
    configure(world_path, "-a", "10.0.3.11")
    assert len(kmu_login_nodes(doors)) == 3  # back on the original cluster


def test_a_configured_cluster_deleted_without_a_backup_leaves_the_world_usable(doors, store, world_path):
    status, out, err = doors.aws("cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
                                 "subnet-0e358c43a2b4f8c1d", "subnet-0f5a3c2b1d4e6f789", "--query",
                                 "Cluster.ClusterId", "--output", "text")
    assert status == 0, err
    fresh = out.strip()
    doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", fresh, "--availability-zone", "us-west-2a")
    ip = store.read().clusters[fresh].hsms[0].eni_ip
    assert configure(world_path, "-a", ip)[0] == 0
    hsm_id = store.read().clusters[fresh].hsms[0].hsm_id
    assert doors.aws("cloudhsmv2", "delete-hsm", "--cluster-id", fresh, "--hsm-id", hsm_id)[0] == 0
    assert doors.aws("cloudhsmv2", "delete-cluster", "--cluster-id", fresh)[0] == 0
    world = store.read()
    assert fresh not in world.clusters and not any(b.cluster_id == fresh for b in world.backups.values())
    assert world.client.cluster_id == fresh
    # The next commands still run: the client host's file may name a cluster that is gone.
    assert doors.aws("kms", "describe-custom-key-stores")[0] == 0
    assert kmu_login_nodes(doors) == []


@pytest.mark.parametrize("argv, error", [
    ([], "give one of -a, -m or --cmu"),
    (["-a"], "option -a needs an ENI IP address"),
    (["-a", ""], "option -a needs an ENI IP address"),
    (["--cmu", "-m"], "option --cmu needs an ENI IP address"),
    (["-a", "10.0.2.9", "-m"], "give only one of -a, -m or --cmu"),
    (["-i", "1", "-a", "10.0.2.9"], "option -i goes with -m"),
    (["-m", "-i"], "option -i needs a daemon id"),
    (["--ssl", "--pkey", "k.pem", "--cert", "c.pem"], "--ssl is not emulated by hsmshell"),
    (["-x"], "unknown argument -x"),
    (["10.0.2.9"], "unknown argument 10.0.2.9"),
])
def test_bad_arguments_get_the_usage_and_change_nothing(world_path, store, argv, error):
    before = store.read().revision
    status, out, err = configure(world_path, *argv)
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == f"configure: {error}"
    assert err.splitlines()[1:] == [
        "Usage: configure -h | --help",
        "       configure -a <ENI IP address>",
        "       configure -m [-i <daemon_id>]",
        "       configure --cmu <ENI IP address>"]
    assert store.read().revision == before


def test_help_prints_the_usage(world_path):
    for flag in ("-h", "--help"):
        status, out, err = configure(world_path, flag)
        assert (status, err) == (0, "") and out.startswith("Usage: configure -h | --help\n")


@pytest.mark.parametrize("daemon_id", ["0", "2"])
def test_a_daemon_id_other_than_the_hosts_one_has_no_cluster_info(world_path, store, daemon_id):
    # the host runs daemon 1 only: an id below it is as unknown as one above
    assert configure(world_path, "-m", "-i", daemon_id) == (
        1, "", f"configure: no HSM in /opt/cloudhsm/daemon/{daemon_id}/cluster.info: the client daemon has found "
               "no cluster\n")
    assert store.read().client.cmu_servers == ORIGINAL
