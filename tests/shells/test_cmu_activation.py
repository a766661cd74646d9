"""Activating a cluster the SDK 3 way (the older User Guide's activation page, and real
sessions): on an INITIALIZED cluster, cloudhsm_mgmt_util logs in as the precrypto officer with
the default password and changes it; the PRECO becomes a crypto officer and the cluster ACTIVE."""

from __future__ import annotations

import pytest

from .cli import test_cluster
from .conftest import normalise


def new_initialized_cluster(doors, store) -> str:
    # The SDK 3 tools reach only hsm1.medium HSMs: the clusters of their era.
    return test_cluster.new_initialized_cluster(doors, store, "hsm1.medium")


def configure_cmu(doors, store, cluster_id: str) -> str:
    """Point the client host at the new cluster's first HSM, as `configure -a <ip>` does."""
    ip = store.read().clusters[cluster_id].hsms[0].eni_ip
    status, out, err = doors.run(["configure", "-a", ip])
    assert status == 0, err
    return ip


def test_a_new_hsm_has_the_precrypto_officer_and_the_appliance_user(doors, store):
    cluster = new_initialized_cluster(doors, store)
    configure_cmu(doors, store, cluster)
    out = doors.cmu("listUsers\nquit\n")
    assert "Number of users found:2" in out
    rows = [line.split() for line in normalise(out) if line.split()[:1] in (["1"], ["2"])]
    assert rows[:2] == [["1", "PRECO", "admin", "NO", "0", "NO"], ["2", "AU", "app_user", "NO", "0", "NO"]]


def test_changing_the_precrypto_officers_password_activates_the_cluster(doors, store):
    cluster = new_initialized_cluster(doors, store)
    ip = configure_cmu(doors, store, cluster)
    out = doors.cmu("loginHSM PRECO admin password\nchangePswd PRECO admin NewAdm1n\ny\nlistUsers\nquit\n")
    assert "loginHSM success on server 0(%s)" % ip in out
    # `configure -a` gives CMU one server, as in real activation sessions
    assert "Changing password for admin(PRECO) on 1 nodes" in out
    assert store.read().clusters[cluster].state == "ACTIVE"
    listed = out.split("aws-cloudhsm>listUsers", 1)[1]
    assert "         1              CO              admin" in listed
    # the new password is the crypto officer's on every HSM, the one CMU did not reach too
    assert doors.cmu("loginHSM CO admin NewAdm1n\nquit\n").count("loginHSM success on server") == 1
    other = store.read().clusters[cluster].hsms[1].eni_ip
    assert doors.run(["configure", "-a", other])[0] == 0
    assert doors.cmu("loginHSM CO admin NewAdm1n\nquit\n").count("loginHSM success on server") == 1


def test_the_default_password_changes_nothing_on_an_active_cluster(doors, store):
    before = store.read().clusters["cluster-1a23b4cdefg"].state
    out = doors.cmu("loginHSM PRECO admin password\nquit\n")
    assert "loginHSM failed" in out
    assert store.read().clusters["cluster-1a23b4cdefg"].state == before == "ACTIVE"



@pytest.mark.parametrize("state", ["DEGRADED", "UNINITIALIZED"])  # sorting before and after INITIALIZED
def test_the_precrypto_officer_s_new_password_activates_only_an_initialized_cluster(doors, store, state):
    cluster = new_initialized_cluster(doors, store)
    configure_cmu(doors, store, cluster)
    with store.transaction() as world:
        world.clusters[cluster].state = state
    out = doors.cmu("loginHSM PRECO admin password\nchangePswd PRECO admin NewAdm1n\ny\nquit\n")
    assert "Changing password for admin(PRECO) on 1 nodes" in out and "error" not in out.lower(), out
    assert store.read().clusters[cluster].state == state
