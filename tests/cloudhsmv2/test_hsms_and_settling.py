"""HSMs on the control plane (their ids and addresses, the quota, a full subnet, DeleteHsm's
one identifier), activation and initialization refusals, the rollback window's end, and the
in-between states settling on the world's clock even when the resource has moved on since."""

from __future__ import annotations

import copy
import os

import pytest

from hsmshell.cli import main as hsmshell
from hsmshell.cloudhsm.sessions import open_session
from hsmshell.world.clock import now
from hsmshell.world.credentials import verify_password
from hsmshell.world.model import Due

CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]
T0 = 1_700_000_000.0
LAST_HSM = "hsm-jk4lmnop5qr"  # the fixture's third HSM, 10.0.1.12; the first, hsm-udw0tkfg1ab, sorts after it


def at_t0(store, *, delay: float = 0.0) -> None:
    with store.transaction() as world:
        world.clock.frozen_at = T0
        world.settings.control_plane_delay = delay


def set_delay(store, delay: float) -> None:
    with store.transaction() as world:
        world.settings.control_plane_delay = delay


def new_cluster(api, **params) -> str:
    return api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS, **params)["Cluster"]["ClusterId"]


def states(api) -> dict[str, str]:
    return {c["ClusterId"]: c["State"] for c in api.cloudhsmv2.DescribeClusters()["Clusters"]}


def hsm_states(api, cluster_id: str = CLUSTER) -> dict[str, str]:
    (cluster,) = api.cloudhsmv2.DescribeClusters(Filters={"clusterIds": [cluster_id]})["Clusters"]
    return {h["HsmId"]: h["State"] for h in cluster["Hsms"]}


# -- HSM ids and addresses ------------------------------------------------------------------

def test_a_seeded_world_s_new_hsms_have_the_same_ids_and_the_first_free_address_of_their_zone(api, store):
    """Golden: the default world is seeded, so its new ids are pinned (transcripts pin them).
    An ENI id is eni- and 17 hex digits, as AWS shows them.  Addresses: the zone's /24 by the
    zone's place in the cluster's mapping (GAP: the range keeps no VPC inventory), from .4 on
    (AWS reserves each subnet's first four addresses).  A fresh HSM's appliance user has a
    drawn password, 32 hex digits, the same in every run of a seeded world."""
    cluster = new_cluster(api)
    first = api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")["Hsm"]
    second = api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2b")["Hsm"]
    assert [(h["HsmId"], h["EniId"], h["EniIp"]) for h in (first, second)] == GOLDEN
    (app_user,) = [u for u in store.read().clusters[cluster].hsms[0].users if u.name == "app_user"]
    assert verify_password(APP_USER_PASSWORD, app_user.password_hash)


GOLDEN = [("hsm-g3jcuzbjplo", "eni-c4b055713be61d379", "10.0.1.4"),
          ("hsm-3oyoetbrbrz", "eni-f07d1b4b774579370", "10.0.2.4")]
APP_USER_PASSWORD = "b322b0987838063de62baa677add662a"


def test_an_address_in_use_is_refused_and_a_free_one_is_taken(api):
    error = api.error("cloudhsmv2", "CreateHsm", ClusterId=CLUSTER, AvailabilityZone="us-west-2a",
                      IpAddress="10.0.1.12")
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                           "The IP address 10.0.1.12 is already in use.")
    assert len(hsm_states(api)) == 3
    hsm = api.cloudhsmv2.CreateHsm(ClusterId=CLUSTER, AvailabilityZone="us-west-2a", IpAddress="10.0.1.40")["Hsm"]
    assert hsm["EniIp"] == "10.0.1.40"


@pytest.mark.parametrize("last_taken, expected", [(253, "10.0.1.254"), (254, None)])
def test_a_zone_whose_addresses_are_all_taken_refuses_a_new_hsm(api, store, last_taken, expected):
    """.4 to .254 are an HSM's: AWS reserves a subnet's first four addresses and its last.  The
    HSMs taking them may be other clusters' (the range's addresses are the Region's).  A full
    zone is refused as a full subnet is (faults.SUBNET_FULL): it was an internal error."""
    cluster = new_cluster(api)
    with store.transaction() as world:
        world.settings.hsms_per_region = 300  # the account's quota raised past them all
        fixture = world.clusters[CLUSTER]
        held = {h.eni_ip for h in fixture.hsms}  # 10.0.1.12 among them
        fixture.hsms += [_copy_hsm(fixture.hsms[0], n) for n in range(4, last_taken + 1) if f"10.0.1.{n}" not in held]
    if expected:
        assert api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")["Hsm"]["EniIp"] == expected
    else:
        error = api.error("cloudhsmv2", "CreateHsm", ClusterId=cluster, AvailabilityZone="us-west-2a")
        assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                               f"The subnet {SUBNETS[0]} has no free IP addresses.")


def _copy_hsm(hsm, n: int):
    made = copy.deepcopy(hsm)
    made.hsm_id, made.eni_id, made.eni_ip = f"hsm-fill{n:07d}", f"eni-{n:017x}", f"10.0.1.{n}"
    return made


@pytest.mark.parametrize("count", [28, 29])
def test_a_cluster_at_or_over_the_quota_takes_no_hsm(api, store, count):
    """28 HSMs a cluster (the default quota, kms-spec §6); a hand-written world may hold more."""
    with store.transaction() as world:
        fixture = world.clusters[CLUSTER]
        for n in range(count - len(fixture.hsms)):
            fixture.hsms.append(_copy_hsm(fixture.hsms[0], 100 + n))
    error = api.error("cloudhsmv2", "CreateHsm", ClusterId=CLUSTER, AvailabilityZone="us-west-2a")
    assert (error.code, error.message) == ("CloudHsmResourceLimitExceededException",
                                           f"Cluster {CLUSTER} has reached the limit of 28 HSMs.")


def test_hsms_added_to_an_uninitialized_cluster_take_no_backup(api):
    """Only an ACTIVE cluster's new HSM is cloned through a fresh backup."""
    cluster = new_cluster(api)
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2b")
    assert set(hsm_states(api, cluster).values()) == {"ACTIVE"}
    assert api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [cluster]})["Backups"] == []


# -- DeleteHsm ------------------------------------------------------------------------------

@pytest.mark.parametrize("ids", [{}, {"HsmId": LAST_HSM, "EniIp": "10.0.1.12"}])
def test_delete_hsm_takes_exactly_one_identifier(api, ids):
    error = api.error("cloudhsmv2", "DeleteHsm", ClusterId=CLUSTER, **ids)
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                           "Specify exactly one of HsmId, EniId or EniIp.")
    assert set(hsm_states(api).values()) == {"ACTIVE"}


def test_an_hsm_being_deleted_cannot_be_deleted_again(api, store):
    at_t0(store, delay=600)
    api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, HsmId=LAST_HSM)
    error = api.error("cloudhsmv2", "DeleteHsm", ClusterId=CLUSTER, HsmId=LAST_HSM)
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                           f"HSM {LAST_HSM} is already being deleted.")


def test_a_deleted_hsm_leaves_its_cluster_and_the_sessions_that_held_it(api, store):
    """The HSM named goes, not the first listed whose id sorts at or after it; KMS's session on
    the cluster holds the others still."""
    assert api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, EniIp="10.0.1.12") == {"HsmId": LAST_HSM}
    assert list(hsm_states(api)) == ["hsm-udw0tkfg1ab", "hsm-ab2cdefg3hi"]
    assert store.read().sessions["kms-cks-1234567890abcdef0"].hsms == ["hsm-udw0tkfg1ab", "hsm-ab2cdefg3hi"]


# -- activation, initialization, rollback ---------------------------------------------------

def test_only_an_initialized_cluster_is_activated(api, capsys):
    cluster = new_cluster(api)
    assert hsmshell(["cluster", "activate", cluster]) == 1
    assert capsys.readouterr().err == (f"hsmshell: Cluster {cluster} is in state UNINITIALIZED; only an INITIALIZED "
                                       f"cluster can be activated.\n")
    assert states(api)[cluster] == "UNINITIALIZED"


def test_a_cluster_being_updated_is_not_initialized(api, store):
    """UPDATE_IN_PROGRESS is one of the model's cluster states a world may hold."""
    cluster = new_cluster(api)
    with store.transaction() as world:
        world.clusters[cluster].state = "UPDATE_IN_PROGRESS"
    pem = store.read().clusters[CLUSTER].trust_anchor
    error = api.error("cloudhsmv2", "InitializeCluster", ClusterId=cluster, SignedCert=pem, TrustAnchor=pem)
    assert error.message == (f"Cluster {cluster} is in state UPDATE_IN_PROGRESS; only an UNINITIALIZED cluster "
                             f"can be initialized.")


@pytest.mark.parametrize("bad", ["SignedCert", "TrustAnchor"])
def test_initialize_takes_pem_certificates_only(api, store, bad):
    """GAP: the message; the API refuses what is not a certificate."""
    cluster = new_cluster(api)
    pem = store.read().clusters[CLUSTER].trust_anchor
    params = {"SignedCert": pem, "TrustAnchor": pem, bad: "not a certificate"}
    error = api.error("cloudhsmv2", "InitializeCluster", ClusterId=cluster, **params)
    assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                           f"{bad} is not a PEM-encoded certificate.")
    assert states(api)[cluster] == "UNINITIALIZED"


def test_no_rollback_once_the_window_has_passed(api, store):
    """"You can also manually roll back for up to 24 hours after starting the migration": an
    hour after, the rollback is refused (GAP: the message)."""
    at_t0(store)
    api.cloudhsmv2.ModifyCluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")
    assert hsmshell(["clock", "advance", "25h"]) == 0
    error = api.error("cloudhsmv2", "ModifyCluster", ClusterId=CLUSTER, HsmType="hsm1.medium")
    assert "rollback window" in error.message and "has expired" in error.message
    assert states(api)[CLUSTER] == "ACTIVE"


# -- deleting a cluster ends its shells' sessions -------------------------------------------

def test_a_deleted_cluster_s_shell_sessions_end_and_no_other(api, store):
    """KMS's session is the key store's (it disconnects on its own); other clusters' sessions,
    whether their ids sort before or after the deleted one's, stay."""
    low, high = sorted([new_cluster(api), new_cluster(api)])
    with store.transaction() as world:
        for name, tool, cluster in (("gone", "cloudhsm_mgmt_util", low), ("kms-low", "kms", low),
                                    ("before", "key_mgmt_util", CLUSTER), ("after", "cloudhsm-cli", high)):
            open_session(world, name, tool, cluster, "admin", "CO", [], None if tool == "kms" else os.getpid())
    api.cloudhsmv2.DeleteCluster(ClusterId=low)
    assert low not in states(api)
    assert set(store.read().sessions) == {"kms-cks-1234567890abcdef0", "kms-low", "before", "after"}


# -- in-between states settling late ---------------------------------------------------------

def deleted_halfway(delete, states_now, resource: str) -> None:
    """Five of a ten-minute change's minutes pass, the resource is deleted, and the change falls
    due: the resource stays DELETE_IN_PROGRESS, then goes."""
    assert hsmshell(["clock", "advance", "5m"]) == 0
    delete()
    assert hsmshell(["clock", "advance", "5m"]) == 0  # the change under way falls due
    assert states_now()[resource] == "DELETE_IN_PROGRESS"
    assert hsmshell(["clock", "advance", "5m"]) == 0
    assert resource not in states_now()


def test_a_cluster_deleted_while_being_created_stays_deleting_then_goes(api, store):
    at_t0(store, delay=600)
    cluster = new_cluster(api)
    deleted_halfway(lambda: api.cloudhsmv2.DeleteCluster(ClusterId=cluster), lambda: states(api), cluster)


def test_a_cluster_being_migrated_then_deleted_stays_deleting_then_goes(api, store):
    """A cluster made from a backup is ACTIVE at once, with no HSM: it can be migrated and deleted."""
    at_t0(store)
    cluster = new_cluster(api, SourceBackupId=BACKUP)
    set_delay(store, 600)
    api.cloudhsmv2.ModifyCluster(ClusterId=cluster, HsmType="hsm2m.medium")
    deleted_halfway(lambda: api.cloudhsmv2.DeleteCluster(ClusterId=cluster), lambda: states(api), cluster)


def test_an_hsm_deleted_while_being_created_stays_deleting_then_goes(api, store):
    at_t0(store, delay=600)
    hsm = api.cloudhsmv2.CreateHsm(ClusterId=CLUSTER, AvailabilityZone="us-west-2a")["Hsm"]["HsmId"]
    deleted_halfway(lambda: api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, HsmId=hsm), lambda: hsm_states(api), hsm)


@pytest.mark.parametrize("change", ["create", "initialize", "migrate", "create-hsm"])
def test_what_falls_due_after_its_resource_is_gone_changes_nothing(api, store, change):
    """The control plane's delay shortened meanwhile: the deletion settles before the change it
    overtook, which then finds nothing to change."""
    at_t0(store)
    pem = store.read().clusters[CLUSTER].trust_anchor
    if change == "initialize":
        cluster = new_cluster(api)  # UNINITIALIZED
    elif change == "migrate":
        cluster = new_cluster(api, SourceBackupId=BACKUP)  # ACTIVE, with no HSM
    set_delay(store, 600)
    if change == "create":
        cluster = new_cluster(api)
    elif change == "initialize":
        api.cloudhsmv2.InitializeCluster(ClusterId=cluster, SignedCert=pem, TrustAnchor=pem)
    elif change == "migrate":
        api.cloudhsmv2.ModifyCluster(ClusterId=cluster, HsmType="hsm2m.medium")
    else:
        hsm = api.cloudhsmv2.CreateHsm(ClusterId=CLUSTER, AvailabilityZone="us-west-2a")["Hsm"]["HsmId"]
    set_delay(store, 0)
    if change == "create-hsm":
        api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, HsmId=hsm)
        assert hsm not in hsm_states(api)
    else:
        api.cloudhsmv2.DeleteCluster(ClusterId=cluster)
        assert cluster not in states(api)
    assert hsmshell(["clock", "advance", "10m"]) == 0
    assert [d.kind for d in store.read().due] in ([], ["cloudhsmv2.daily_backup"])  # DeleteHsm backs up
    assert states(api) == {CLUSTER: "ACTIVE"} and len(hsm_states(api)) == 3


@pytest.mark.parametrize("state", ["ACTIVE", "UNINITIALIZED"])
@pytest.mark.parametrize("kind", ["cloudhsmv2.cluster_ready", "cloudhsmv2.cluster_initialized",
                                  "cloudhsmv2.cluster_deleted"])
def test_a_stale_due_transition_leaves_a_cluster_that_moved_on_alone(api, store, state, kind):
    """A hand-written world may hold a due transition its cluster is past: settling it changes
    nothing (each settles only the state it was scheduled for)."""
    at_t0(store)
    with store.transaction() as world:
        world.clusters[CLUSTER].state = state
        world.due.append(Due(at=now(world) + 60, kind=kind, args={"cluster_id": CLUSTER}))
    assert hsmshell(["clock", "advance", "1m"]) == 0
    assert store.read().due == []
    assert states(api) == {CLUSTER: state}


@pytest.mark.parametrize("kind, args", [
    ("cloudhsmv2.cluster_deleted", {"cluster_id": "cluster-gonegonegon"}),
    ("cloudhsmv2.hsm_deleted", {"cluster_id": CLUSTER, "hsm_id": "hsm-gonegonegon"}),
])
def test_a_due_transition_naming_what_is_gone_changes_nothing(api, store, kind, args):
    at_t0(store)
    with store.transaction() as world:
        world.due.append(Due(at=now(world) + 60, kind=kind, args=args))
    assert hsmshell(["clock", "advance", "1m"]) == 0
    assert store.read().due == []
    assert states(api) == {CLUSTER: "ACTIVE"} and len(hsm_states(api)) == 3
