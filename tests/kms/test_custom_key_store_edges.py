"""Edges of CreateCustomKeyStore and UpdateCustomKeyStore that mutation testing found
untested: a retried create only returns a store that was never connected, the region's limit
of ten stores sits exactly at ten, and UpdateCustomKeyStore's CloudTrail request names a new
name only when one was given."""

from __future__ import annotations

import copy
import json

import pytest

from hsmshell.services import open_store

from ..conftest import STORE_ID

CLUSTER = "cluster-1a23b4cdefg"


def create(doors, name: str, cluster: str = CLUSTER, password: str = "kmsPswd1") -> tuple[int, str, str]:
    anchor = doors.path.parent / "customerCA.crt"
    anchor.write_text(open_store(doors.path).read().clusters[CLUSTER].trust_anchor)
    return doors.aws("kms", "create-custom-key-store", "--custom-key-store-name", name,
                     "--cloud-hsm-cluster-id", cluster, "--trust-anchor-certificate", f"file://{anchor}",
                     "--key-store-password", password)


def a_second_cluster(store) -> str:
    """An ACTIVE cluster in two zones, of its own lineage, with the default cluster's anchor."""
    with store.transaction() as world:
        second = copy.deepcopy(world.clusters[CLUSTER])
        second.cluster_id, second.lineage = "cluster-2b34c5defgh", "lineage-second"
        for i, hsm in enumerate(second.hsms):
            hsm.hsm_id, hsm.eni_ip, hsm.eni_id = f"hsm-second{i:05d}", f"10.9.{i}.9", f"eni-second{i:09d}"
        second.keys = {}
        world.clusters[second.cluster_id] = second
    return "cluster-2b34c5defgh"


@pytest.mark.parametrize("state", ["CONNECTED", "FAILED", "DISCONNECTING", "CONNECTING"])
def test_a_retried_create_returns_only_a_store_never_connected(doors, store, state):
    cluster = a_second_cluster(store)
    status, out, err = create(doors, "Second", cluster)
    assert status == 0, err
    made = json.loads(out)["CustomKeyStoreId"]
    status, out, _ = create(doors, "Second", cluster)  # the retry, nothing different
    assert (status, json.loads(out)["CustomKeyStoreId"]) == (0, made)
    with store.transaction() as world:
        world.custom_key_stores[made].connection_state = state
    status, _, err = create(doors, "Second", cluster)
    assert status == 255 and "(CustomKeyStoreNameInUseException)" in err


@pytest.mark.parametrize("others, refused", [(8, False), (9, True), (10, True)])  # 10: a hand-made world
def test_the_tenth_store_is_the_last(doors, store, others, refused):
    """The default world has one store; `others` more make 1 + others before the create."""
    cluster = a_second_cluster(store)
    with store.transaction() as world:
        for i in range(others):
            extra = copy.deepcopy(world.custom_key_stores[STORE_ID])
            extra.custom_key_store_id = f"cks-{i:017d}"
            extra.custom_key_store_name = f"Other{i}"
            extra.cloud_hsm_cluster_id = f"cluster-gone{i:07d}"
            extra.connection_state, extra.kms_session_id = "DISCONNECTED", None
            world.custom_key_stores[extra.custom_key_store_id] = extra
    status, _, err = create(doors, "Second", cluster)
    if refused:
        assert status == 255 and "(LimitExceededException)" in err
    else:
        assert status == 0, err


def update_requests(doors) -> list[dict]:
    status, out, err = doors.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                                 "AttributeKey=EventName,AttributeValue=UpdateCustomKeyStore")
    assert status == 0, err
    return [json.loads(e["CloudTrailEvent"])["requestParameters"] for e in json.loads(out)["Events"]]


def test_the_update_event_names_a_new_name_only_when_one_was_given(doors):
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    assert doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                     "--key-store-password", "kmsPswd1")[0] == 0
    assert update_requests(doors) == [{"customKeyStoreId": STORE_ID}]
    assert doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                     "--new-custom-key-store-name", "Renamed")[0] == 0
    assert update_requests(doors)[0] == {"customKeyStoreId": STORE_ID, "newCustomKeyStoreName": "Renamed"}
    assert doors.describe()["CustomKeyStoreName"] == "Renamed"


def test_describing_stores_is_a_read_only_event(doors, store):
    assert doors.aws("kms", "describe-custom-key-stores")[0] == 0
    event = next(e for e in reversed(store.read().trail) if e["eventName"] == "DescribeCustomKeyStores")
    assert event["readOnly"] is True


@pytest.mark.parametrize("other", [CLUSTER, "cluster-zzzzzzzzzzz"])  # ids on both sides of the second's
def test_a_create_on_another_cluster_is_not_a_retry(doors, store, other):
    cluster = a_second_cluster(store)
    assert create(doors, "Second", cluster)[0] == 0
    status, _, err = create(doors, "Second", other)
    assert status == 255 and "(CustomKeyStoreNameInUseException)" in err, err


def disconnect(doors) -> None:
    status, _, err = doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert status == 0, err


@pytest.mark.parametrize("password", ["kmsPsw7", "kmsPassword32-characters-long-ok"])
def test_key_store_passwords_of_seven_and_of_thirty_two_characters_are_taken(doors, store, password):
    """The bounds of KeyStorePassword's length are in: the shortest and the longest the model
    allows create a store and update one."""
    assert len(password) in (7, 32)
    status, _, err = create(doors, "Second", a_second_cluster(store), password=password)
    assert status == 0, err
    disconnect(doors)
    status, _, err = doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                               "--key-store-password", password)
    assert status == 0, err


@pytest.mark.parametrize("lineage", ["lineage-0000000000a", "lineage-zzzzzzzzzzz"])  # both sides of the store's
def test_a_cluster_of_another_lineage_cannot_replace_the_store_s(doors, store, lineage):
    cluster = a_second_cluster(store)
    with store.transaction() as world:
        world.clusters[cluster].lineage = lineage
    disconnect(doors)
    status, _, err = doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                               "--cloud-hsm-cluster-id", cluster)
    assert status == 255 and "(CloudHsmClusterNotRelatedException)" in err, err
    assert doors.describe()["CloudHsmClusterId"] == CLUSTER


def test_the_describe_event_names_the_store_asked_for(doors):
    name = doors.describe()["CustomKeyStoreName"]  # recorded first: by id
    for filters in (["--custom-key-store-name", name], []):
        status, _, err = doors.aws("kms", "describe-custom-key-stores", *filters)
        assert status == 0, err
    status, out, err = doors.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                                 "AttributeKey=EventName,AttributeValue=DescribeCustomKeyStores")
    assert status == 0, err
    requests = [json.loads(e["CloudTrailEvent"])["requestParameters"] for e in json.loads(out)["Events"]]
    assert requests == [None, {"customKeyStoreName": name}, {"customKeyStoreId": STORE_ID}]  # newest first


@pytest.mark.parametrize("other", ["kmsPswd0", "kmsPswd2"])  # on both sides of the first
def test_a_create_with_another_password_is_not_a_retry(doors, store, other):
    cluster = a_second_cluster(store)
    assert create(doors, "Second", cluster, password="kmsPswd1")[0] == 0
    status, _, err = create(doors, "Second", cluster, password=other)
    assert status == 255 and "(CustomKeyStoreNameInUseException)" in err, err


@pytest.mark.parametrize("left_out", ["--cloud-hsm-cluster-id", "--trust-anchor-certificate", "--key-store-password"])
def test_a_cloudhsm_key_store_needs_its_cluster_anchor_and_password(doors, store, left_out):
    anchor = doors.path.parent / "customerCA.crt"
    anchor.write_text(store.read().clusters[CLUSTER].trust_anchor)
    options = {"--custom-key-store-name": "Second", "--cloud-hsm-cluster-id": a_second_cluster(store),
               "--trust-anchor-certificate": f"file://{anchor}", "--key-store-password": "kmsPswd1"}
    del options[left_out]
    status, _, err = doors.aws("kms", "create-custom-key-store", *[w for pair in options.items() for w in pair])
    member = {"--cloud-hsm-cluster-id": "CloudHsmClusterId", "--trust-anchor-certificate": "TrustAnchorCertificate",
              "--key-store-password": "KeyStorePassword"}[left_out]
    assert (status, err) == (255, f"\nAn error occurred (ValidationException) when calling the CreateCustomKeyStore "
                                  f"operation: {member} is required for a custom key store of type AWS_CLOUDHSM.\n")
    assert [s["CustomKeyStoreName"] for s in json.loads(doors.aws("kms", "describe-custom-key-stores")[1])[
        "CustomKeyStores"]] == ["ExampleKeyStore"]


@pytest.mark.parametrize("extra", ["\n", "MIIBXTCCAQOgAwIBAgIE\n"])
def test_only_the_cluster_s_own_trust_anchor_is_taken(doors, store, extra):
    """Blanks do not count (the certificate is compared word by word); a word more does."""
    cluster = a_second_cluster(store)
    anchor = doors.path.parent / "customerCA.crt"
    anchor.write_text(store.read().clusters[cluster].trust_anchor + extra)
    status, _, err = doors.aws("kms", "create-custom-key-store", "--custom-key-store-name", "Second",
                               "--cloud-hsm-cluster-id", cluster, "--trust-anchor-certificate", f"file://{anchor}",
                               "--key-store-password", "kmsPswd1")
    if extra.strip():
        assert status == 255 and "(IncorrectTrustAnchorException)" in err, err
    else:
        assert status == 0, err


@pytest.mark.parametrize("name", ["AnotherStore", "ZuluStore"])  # on both sides of ExampleKeyStore
def test_a_name_no_store_has_is_free(doors, store, name):
    status, out, err = create(doors, name, a_second_cluster(store))
    assert status == 0, err
    assert json.loads(out)["CustomKeyStoreId"] != STORE_ID


def test_an_external_key_store_is_not_simulated(doors, store):
    status, _, err = doors.aws("kms", "create-custom-key-store", "--custom-key-store-name", "External",
                               "--custom-key-store-type", "EXTERNAL_KEY_STORE")
    assert status == 255 and "(UnsupportedOperationException)" in err, err
