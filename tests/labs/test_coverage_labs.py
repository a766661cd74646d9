"""The labs for the runbook's coverage gaps (issue 19): what each one's check tells apart
beyond its solution and planted wrong fix, which tests/labs/test_labs.py replays for every lab."""

from __future__ import annotations

import pytest

from hsmshell.labs import checks, definition, session
from hsmshell.services import open_store

from ..conftest import STORE_ID
from .test_labs import lab

ARCHIVE = "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d"  # alias/payroll-archive in find-key-handle
PAYROLL = "6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"  # alias/payroll


def ok(doors, *argv: str) -> str:
    status, out, err = doors.aws(*argv)
    assert status == 0, err
    return out.strip()


# -- keys-pending-deletion -------------------------------------------------------------------

def pending_key(world_path) -> str:
    """The key the attempt's seed had the clean-up script schedule for deletion."""
    return session.active(open_store(world_path)).variables["pending"]


def test_a_cancelled_deletion_is_not_enough_kms_leaves_the_key_disabled(world_path, doors):
    assert lab(world_path, "start", "keys-pending-deletion")[0] == 0
    ok(doors, "kms", "cancel-key-deletion", "--key-id", pending_key(world_path))
    ok(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    status, out = lab(world_path, "check")
    assert status == 1
    assert "✓ The payments key is no longer scheduled for deletion" in out
    assert "✗ The payments key is Enabled" in out


def test_a_new_key_in_place_of_the_pending_one_does_not_pass(world_path, doors):
    assert lab(world_path, "start", "keys-pending-deletion")[0] == 0
    ok(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    ok(doors, "kms", "create-key", "--origin", "AWS_CLOUDHSM", "--custom-key-store-id", STORE_ID)
    status, out = lab(world_path, "check")
    assert status == 1 and "✗ The payments key is no longer scheduled for deletion" in out


# -- cluster-not-active ----------------------------------------------------------------------

def test_the_connect_fails_fast_and_leaves_the_store_disconnected(world_path, doors):
    assert lab(world_path, "start", "cluster-not-active")[0] == 0
    status, _, err = doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert status != 0 and "CloudHsmClusterNotActiveException" in err
    described = doors.describe()
    assert described["ConnectionState"] == "DISCONNECTED" and "ConnectionErrorCode" not in described


# -- wrong-cluster-id ------------------------------------------------------------------------

def test_any_cluster_related_to_the_original_is_a_repair(world_path, doors):
    """Not only the production cluster the lab made: one the trainee restores from the same
    backup serves the key store as well."""
    assert lab(world_path, "start", "wrong-cluster-id")[0] == 0
    own = ok(doors, "cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
             "subnet-0e358c43a2b4f8c1d", "subnet-0f5a3c2b1d4e6f789", "--source-backup-id",
             "backup-9g87f6edcba", "--query", "Cluster.ClusterId", "--output", "text")
    for zone in ("us-west-2a", "us-west-2b"):
        ok(doors, "cloudhsmv2", "create-hsm", "--cluster-id", own, "--availability-zone", zone)
    ok(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    ok(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID, "--cloud-hsm-cluster-id", own)
    ok(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    status, out = lab(world_path, "check")
    assert status == 0, out


def test_a_new_key_store_on_the_right_cluster_is_refused(world_path, doors):
    assert lab(world_path, "start", "wrong-cluster-id")[0] == 0
    related = ok(doors, "cloudhsmv2", "describe-clusters", "--query",
                 "Clusters[?SourceBackupId=='backup-9g87f6edcba'].ClusterId | [0]", "--output", "text")
    status, _, err = doors.aws("kms", "create-custom-key-store", "--custom-key-store-name", "NewStore",
                               "--cloud-hsm-cluster-id", related, "--trust-anchor-certificate", "x",
                               "--key-store-password", "kmsPswd1")
    assert status != 0 and "CloudHsmClusterInUseException" in err
    assert lab(world_path, "check")[0] == 1


# -- find-key-handle -------------------------------------------------------------------------

def tag(doors, key_id: str, handle) -> None:
    ok(doors, "kms", "tag-resource", "--key-id", key_id, "--tags", f"TagKey=BackingKeyHandle,TagValue={handle}")


ANSWER = "The payroll archive key (alias/payroll-archive) is tagged BackingKeyHandle"


def test_the_answer_is_compared_with_the_handle_the_world_holds(world_path, doors, store):
    assert lab(world_path, "start", "find-key-handle")[0] == 0
    handles = {k.key_id: k.backing_key_handle for k in store.read().kms_keys.values()}
    tag(doors, ARCHIVE, handles[PAYROLL])  # another key's key material
    status, out = lab(world_path, "check")
    assert status == 1 and f"✗ {ANSWER}" in out
    tag(doors, PAYROLL, handles[ARCHIVE])  # the right handle, on the wrong key
    assert f"✗ {ANSWER}" in lab(world_path, "check")[1]
    tag(doors, ARCHIVE, f"0x{handles[ARCHIVE]:x}")  # not as the tools print it
    assert f"✗ {ANSWER}" in lab(world_path, "check")[1]
    tag(doors, ARCHIVE, handles[ARCHIVE])
    status, out = lab(world_path, "check")
    assert status == 0 and f"✓ {ANSWER}" in out, out


def test_the_store_must_be_connected_again(world_path, doors, store):
    assert lab(world_path, "start", "find-key-handle")[0] == 0
    ok(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    tag(doors, ARCHIVE, store.read().kms_keys[ARCHIVE].backing_key_handle)
    status, out = lab(world_path, "check")
    assert status == 1 and f"✓ {ANSWER}" in out and "✗ ExampleKeyStore is connected again" in out


# -- all four ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["keys-pending-deletion", "cluster-not-active", "wrong-cluster-id",
                                  "find-key-handle"])
def test_a_healthy_world_does_not_meet_the_objectives_stamp_aside(store, name):
    """The stamp reports a re-created world; the objectives alone already tell a healthy world
    from a repair of the lab's own."""
    lab_ = definition.load(name)
    outcomes = checks.evaluate(lab_.objectives, store.read(), {"lab": str(lab_.folder)})
    assert not all(o.holds for o in outcomes)
