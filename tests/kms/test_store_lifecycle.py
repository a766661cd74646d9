"""Creating and deleting custom key stores (kms-spec §2.1, §2.6, §4.1)."""

from __future__ import annotations

from ..conftest import STORE_ID

CLUSTER = "cluster-1a23b4cdefg"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]


def new_cluster(api, store, *, source_backup=None) -> str:
    """A second cluster with two HSMs in two zones: unrelated unless made from a backup."""
    extra = {"SourceBackupId": source_backup} if source_backup else {}
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS, **extra)["Cluster"]["ClusterId"]
    if source_backup is None:
        with store.transaction() as world:  # initialized and activated out of band
            world.clusters[cluster].state = "ACTIVE"
            world.clusters[cluster].trust_anchor = world.clusters[CLUSTER].trust_anchor
    for zone in ("us-west-2a", "us-west-2b"):
        api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone=zone)
    return cluster


def create(api, store, cluster, **extra):
    params = {"CustomKeyStoreName": "Second", "CloudHsmClusterId": cluster,
              "TrustAnchorCertificate": store.read().clusters[CLUSTER].trust_anchor,
              "KeyStorePassword": "kmsPassword1", **extra}
    return params, lambda **p: api.kms.CreateCustomKeyStore(**{**params, **p})


def test_create_then_retry_returns_the_same_store(api, store):
    cluster = new_cluster(api, store)
    params, call = create(api, store, cluster)
    store_id = call()["CustomKeyStoreId"]
    assert call() == {"CustomKeyStoreId": store_id}  # identical and DISCONNECTED: idempotent
    entry = api.kms.DescribeCustomKeyStores(CustomKeyStoreName="Second")["CustomKeyStores"][0]
    assert (entry["ConnectionState"], entry["CloudHsmClusterId"]) == ("DISCONNECTED", cluster)
    assert api.error("kms", "CreateCustomKeyStore", **{**params, "KeyStorePassword": "otherPassword"}
                     ).code == "CustomKeyStoreNameInUseException"


def test_create_refusals(api, store):
    related = new_cluster(api, store, source_backup="backup-9g87f6edcba")
    params, _ = create(api, store, related)  # related to the cluster ExampleKeyStore uses
    assert api.error("kms", "CreateCustomKeyStore", **params).code == "CloudHsmClusterInUseException"
    assert api.error("kms", "CreateCustomKeyStore", **{**params, "CloudHsmClusterId": "cluster-jxhlf7644ne"}
                     ).code == "CloudHsmClusterNotFoundException"
    unrelated = new_cluster(api, store)
    params, _ = create(api, store, unrelated)
    assert api.error("kms", "CreateCustomKeyStore", **{**params, "TrustAnchorCertificate": "-----BEGIN CERTIFICATE-----"}
                     ).code == "IncorrectTrustAnchorException"
    with store.transaction() as world:
        world.clusters[unrelated].hsms[1].state = "DELETE_IN_PROGRESS"
    assert api.error("kms", "CreateCustomKeyStore", **params).code == "CloudHsmClusterInvalidConfigurationException"
    with store.transaction() as world:
        world.clusters[unrelated].state = "INITIALIZED"
    assert api.error("kms", "CreateCustomKeyStore", **params).code == "CloudHsmClusterNotActiveException"


def test_delete_needs_disconnected_and_no_keys(api):
    assert api.error("kms", "DeleteCustomKeyStore", CustomKeyStoreId=STORE_ID).code == "CustomKeyStoreInvalidStateException"
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    for key in ("1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"):
        api.kms.ScheduleKeyDeletion(KeyId=key)
    # Keys pending deletion still count.
    assert api.error("kms", "DeleteCustomKeyStore", CustomKeyStoreId=STORE_ID).code == "CustomKeyStoreHasCMKsException"
    assert api.error("kms", "DeleteCustomKeyStore", CustomKeyStoreId="cks-0000000000000000f"
                     ).code == "CustomKeyStoreNotFoundException"


def test_describe_custom_key_stores_filters_and_pages(api):
    assert api.kms.DescribeCustomKeyStores(Limit=1) == {
        "CustomKeyStores": api.kms.DescribeCustomKeyStores()["CustomKeyStores"], "Truncated": False}
    assert api.error("kms", "DescribeCustomKeyStores", CustomKeyStoreName="Nope").code == "CustomKeyStoreNotFoundException"
    assert api.error("kms", "DescribeCustomKeyStores", Marker="m9").code == "InvalidMarkerException"


def test_connect_refuses_a_cluster_that_is_not_active(api, store):
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    with store.transaction() as world:
        world.clusters[CLUSTER].state = "UPDATE_IN_PROGRESS"
    assert api.error("kms", "ConnectCustomKeyStore", CustomKeyStoreId=STORE_ID).code == "CloudHsmClusterNotActiveException"
    entry = api.kms.DescribeCustomKeyStores(CustomKeyStoreId=STORE_ID)["CustomKeyStores"][0]
    assert entry["ConnectionState"] == "DISCONNECTED"  # fast failures leave it as it was


def test_update_to_a_cluster_with_one_zone_is_refused(api, store):
    related = new_cluster(api, store, source_backup="backup-9g87f6edcba")
    with store.transaction() as world:
        world.clusters[related].hsms[1].state = "DELETE_IN_PROGRESS"
    api.kms.DisconnectCustomKeyStore(CustomKeyStoreId=STORE_ID)
    assert api.error("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, CloudHsmClusterId=related
                     ).code == "CloudHsmClusterInvalidConfigurationException"
    with store.transaction() as world:
        world.clusters[related].state = "UPDATE_IN_PROGRESS"
    assert api.error("kms", "UpdateCustomKeyStore", CustomKeyStoreId=STORE_ID, CloudHsmClusterId=related
                     ).code == "CloudHsmClusterNotActiveException"


def test_update_and_delete_a_store(api, store):
    cluster = new_cluster(api, store)
    _, call = create(api, store, cluster)
    store_id = call()["CustomKeyStoreId"]
    assert api.kms.UpdateCustomKeyStore(CustomKeyStoreId=store_id, NewCustomKeyStoreName="Renamed",
                                        KeyStorePassword="newPassword1") == {}
    assert api.kms.DeleteCustomKeyStore(CustomKeyStoreId=store_id) == {}
    assert api.error("kms", "DescribeCustomKeyStores", CustomKeyStoreId=store_id).code == "CustomKeyStoreNotFoundException"
    assert store.read().clusters[cluster].hsms  # the cluster is untouched
    assert store.read().trail[-1]["eventName"] == "DescribeCustomKeyStores"
