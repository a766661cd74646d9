"""The cluster a key store needs (create-keystore's prerequisites, cloudhsm-cli-spec §9.1):
at least two active HSMs in different Availability Zones, and mutual TLS not enforced ("KMS
does not support mTLS for clusters")."""

from __future__ import annotations

import json

from ..conftest import STORE_ID
from .test_store_lifecycle import CLUSTER, SUBNETS, create, new_cluster


def enforce_mtls(store, cluster: str) -> None:
    # Only an mTLS connection sets the level (`cluster mtls set-enforcement --level cluster`);
    # the simulated host has none, so the world is changed as a lab's fixture would have it.
    with store.transaction() as world:
        world.clusters[cluster].mtls_enforcement = "cluster"


def test_create_refuses_a_cluster_that_enforces_mtls(api, store):
    cluster = new_cluster(api, store)
    params, call = create(api, store, cluster)
    enforce_mtls(store, cluster)
    refused = api.error("kms", "CreateCustomKeyStore", **params)
    assert refused.code == "CloudHsmClusterInvalidConfigurationException"
    assert "mutual TLS" in refused.message
    with store.transaction() as world:
        world.clusters[cluster].mtls_enforcement = "none"
    assert call()["CustomKeyStoreId"].startswith("cks-")


def test_update_refuses_a_related_cluster_that_enforces_mtls(api, store):
    related = new_cluster(api, store, source_backup="backup-9g87f6edcba")
    enforce_mtls(store, related)
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.error("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, CloudHsmClusterId=related
                     ).code == "CloudHsmClusterInvalidConfigurationException"
    assert store.read().custom_key_stores[STORE_ID].cloud_hsm_cluster_id == CLUSTER


def test_two_active_hsms_in_one_zone_are_not_enough(api, store):
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"]
                                           )["Cluster"]["ClusterId"]
    with store.transaction() as world:
        world.clusters[cluster].state = "ACTIVE"
        world.clusters[cluster].trust_anchor = world.clusters[CLUSTER].trust_anchor
    zone = next(iter(store.read().clusters[cluster].subnets))
    for _ in range(2):
        api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone=zone)
    params, _ = create(api, store, cluster)
    assert api.error("kms", "CreateCustomKeyStore", **params).code == "CloudHsmClusterInvalidConfigurationException"


def test_connect_fails_with_network_errors_while_mtls_is_enforced(doors, store):
    def kms(*args: str) -> dict:
        status, out, err = doors.aws("kms", *args, "--custom-key-store-id", STORE_ID)
        assert status == 0, err
        return json.loads(out) if out.strip() else {}

    kms("disconnect-custom-key-store")
    enforce_mtls(store, CLUSTER)
    kms("connect-custom-key-store")
    assert (doors.describe()["ConnectionState"], doors.describe()["ConnectionErrorCode"]) == ("FAILED", "NETWORK_ERRORS")
    kms("disconnect-custom-key-store")
    with store.transaction() as world:  # what `cluster mtls set-enforcement --level none` does
        world.clusters[CLUSTER].mtls_enforcement = "none"
    kms("connect-custom-key-store")
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_active_hsms_in_three_zones_are_enough(api, store):
    """Three zones are "at least two": a related cluster with an active HSM in each of them may take
    the key store."""
    related = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=[*SUBNETS, "subnet-0bb2cc3dd4ee5ff6a"],
                                           SourceBackupId="backup-9g87f6edcba")["Cluster"]["ClusterId"]
    for zone in ("us-west-2a", "us-west-2b", "us-west-2c"):
        api.cloudhsmv2.CreateHsm(ClusterId=related, AvailabilityZone=zone)
    assert {h.availability_zone for h in store.read().clusters[related].hsms if h.state == "ACTIVE"} == {
        "us-west-2a", "us-west-2b", "us-west-2c"}
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.kms.UpdateCustomKeyStore(CustomKeyStoreId=STORE_ID, CloudHsmClusterId=related) == {}
    assert store.read().custom_key_stores[STORE_ID].cloud_hsm_cluster_id == related
