"""cluster activate on a new hsm2m.medium cluster, cluster hsm-info, cluster mtls."""

from __future__ import annotations

import json

import pytest

from .test_configure import configure_cli

SUBNETS = ["subnet-0e358c43a2b4f8c1d", "subnet-0f5a3c2b1d4e6f789"]


def new_initialized_cluster(doors, store, hsm_type: str = "hsm2m.medium") -> str:
    status, out, err = doors.aws("cloudhsmv2", "create-cluster", "--hsm-type", hsm_type, "--subnet-ids", *SUBNETS)
    assert status == 0, err
    cluster = json.loads(out)["Cluster"]["ClusterId"]
    for zone in ("us-west-2a", "us-west-2b"):
        assert doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", cluster, "--availability-zone", zone)[0] == 0
    from hsmshell.cloudhsmv2 import clusters

    with store.transaction() as world:
        anchor = world.clusters["cluster-1a23b4cdefg"].trust_anchor
        clusters.initialize(world, cluster, anchor, anchor)
    assert store.read().clusters[cluster].state == "INITIALIZED"
    return cluster


def test_activate_a_new_cluster_then_manage_it_with_both_generations(cli, doors, store):
    cluster = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster) == (0, "")
    users = cli("user", "list").json["data"]["users"]
    # every HSM has its appliance user from the start (SDK 3 sessions: `Number of users found:2`)
    assert [(u["username"], u["role"]) for u in users] == [("admin", "unactivated-admin"),
                                                           ("app_user", "internal(APPLIANCE_USER)")]
    out = cli.session("cluster activate\nNewAdm1n\nNewAdm1n\nuser list\ncluster activate\nquit\n")
    assert 'aws-cloudhsm > cluster activate\nEnter password:\nConfirm password:\n{\n  "error_code": 0,\n' \
           '  "data": "Cluster activation successful"\n}\n' in out
    assert '"role": "admin"' in out
    assert '"data": "Cluster has already been activated"' in out
    assert store.read().clusters[cluster].state == "ACTIVE"
    assert cli.as_admin("user", "list").json["error_code"] == 1  # co12345 is the old cluster's
    created = cli("user", "create", "--username", "kmsuser", "--role", "crypto-user", "--password", "kmsPswd1",
                  env={"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:NewAdm1n"})
    assert created.json["error_code"] == 0


def test_hsm_info_reports_each_hsm_that_answers(cli, store):
    hsms = cli("cluster", "hsm-info").json["data"]["hsms"]
    assert len(hsms) == 3
    assert list(hsms[0]) == ["vendor", "model", "serial-number", "hardware-version-major", "hardware-version-minor",
                             "firmware-version-major", "firmware-version-minor", "firmware-build-number",
                             "firmware-id", "fips-state"]
    assert [h["serial-number"] for h in hsms] == ["5.3G1941-ICM000001", "5.3G1941-ICM000002", "5.3G1941-ICM000003"]
    with store.transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[1].reachable = False
    assert len(cli("cluster", "hsm-info").json["data"]["hsms"]) == 2


def test_mtls_trust_anchors(cli, store, tmp_path):
    anchor = store.read().clusters["cluster-1a23b4cdefg"].trust_anchor
    (tmp_path / "ca.pem").write_text(anchor)
    assert cli("cluster", "mtls", "list-trust-anchors").json == {"error_code": 0, "data": {"trust_anchors": []}}
    registered = cli.as_admin("cluster", "mtls", "register-trust-anchor", "--path", str(tmp_path / "ca.pem")).json
    assert registered == {"error_code": 0, "data": {"trust_anchor": {
        "certificate-reference": "0x01", "certificate": anchor, "cluster-coverage": "full"}}}
    again = cli.as_admin("cluster", "mtls", "register-trust-anchor", "--path", str(tmp_path / "ca.pem")).json
    assert again == {"error_code": 1, "data": "Invalid Certificate: Trust anchor already exists."}
    assert cli.as_admin("cluster", "mtls", "get-enforcement").json == \
        {"error_code": 0, "data": {"mtls-enforcement-level": "none"}}
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "cluster").json == \
        {"error_code": 1, "data": "Failed to set the mtls enforcement. Current connection must be mtls to set "
                                  "this enforcement."}
    assert cli.as_admin("cluster", "mtls", "deregister-trust-anchor", "--certificate-reference", "0x01").json == \
        {"error_code": 0, "data": {"message": "Trust anchor with reference 0x01 deregistered successfully"}}


# -- rules of cloudhsm/activation.py no test broke before, found by benchmarks/mutation.py -----

@pytest.mark.parametrize("state", ["DEGRADED", "UNINITIALIZED"])  # sorting before and after INITIALIZED
def test_only_an_initialized_cluster_is_activated(cli, doors, store, state):
    cluster = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster) == (0, "")
    with store.transaction() as world:
        world.clusters[cluster].state = state
    out = cli.session("cluster activate\nNewAdm1n\nNewAdm1n\nquit\n")
    assert '"data": "Cluster activation must be done by the unactivated admin"' in out, out
    assert store.read().clusters[cluster].state == state


def test_a_cluster_whose_admin_is_no_longer_unactivated_is_already_activated(cli, doors, store):
    """A hand-written INITIALIZED cluster whose precrypto officer is a crypto officer already."""
    cluster = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster) == (0, "")
    with store.transaction() as world:
        for hsm in world.clusters[cluster].hsms:
            hsm.users[0].user_type = "CO"
    out = cli.session("cluster activate\nNewAdm1n\nNewAdm1n\nquit\n")
    assert '"data": "Cluster has already been activated"' in out, out
    assert store.read().clusters[cluster].state == "INITIALIZED"


def test_activation_sets_the_admin_s_password_only(cli, doors, store):
    """A crypto user a hand-written INITIALIZED cluster holds keeps its own password."""
    from hsmshell.world import credentials
    from hsmshell.world.model import User

    cluster = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster) == (0, "")
    with store.transaction() as world:
        for hsm in world.clusters[cluster].hsms:
            hsm.users.append(User(user_id=3, user_type="CU", name="early",
                                  password_hash=credentials.hash_password("password1", world.settings.password_cost)))
    assert "Cluster activation successful" in cli.session("cluster activate\nNewAdm1n\nNewAdm1n\nquit\n")
    assert cli.as_user("early", "password1", "user", "list").json["error_code"] == 0
    assert cli.as_user("early", "NewAdm1n", "user", "list").json["error_code"] == 1


def test_the_unactivated_admin_logs_in_as_admin_with_the_default_password(cli, doors, store):
    """roles.user_type_for: the stored user's own type (PRECO) is what the HSMs are asked for."""
    cluster = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster) == (0, "")
    out = cli.session("login --username admin --role admin --password password\nquit\n")
    assert '{\n  "error_code": 0,\n  "data": {\n    "username": "admin",\n    "role": "admin"\n  }\n}' in out, out


def test_a_crypto_user_does_not_log_in_as_admin(cli, kmsuser):
    out = cli.session("login --username kmsuser --role admin --password kmsPswd1\nquit\n")
    assert '"error_code": 1' in out and '"role": "admin"' not in out, out
