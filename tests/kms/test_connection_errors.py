"""Every ConnectionErrorCode of a CloudHSM key store, each reached from the world state that
causes it in reality and repaired the way the runbook (seed-fix-keystore.md, "How to fix a
connection failure") says, through `hsmshell aws`, the shells and `hsmshell fault`."""

from __future__ import annotations

import copy
import json

import pytest

from hsmshell.cli import main as hsmshell

from ..conftest import STORE_ID

CLUSTER = "cluster-1a23b4cdefg"
NEW_SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]


def aws(doors, *argv) -> dict:
    status, out, err = doors.aws(*argv)
    assert status == 0, err
    return json.loads(out) if out else {}


def connect(doors) -> None:
    aws(doors, "kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)


def disconnect(doors) -> None:
    aws(doors, "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)


def hsm_ids(doors, cluster=CLUSTER) -> list[str]:
    clusters = aws(doors, "cloudhsmv2", "describe-clusters", "--filters", f"clusterIds={cluster}")["Clusters"]
    return [h["HsmId"] for h in clusters[0]["Hsms"]] if clusters else []


def delete_all_hsms(doors) -> None:
    for hsm_id in hsm_ids(doors):
        aws(doors, "cloudhsmv2", "delete-hsm", "--cluster-id", CLUSTER, "--hsm-id", hsm_id)


def restore_cluster_from_latest_backup(doors, subnets: list[str]) -> str:
    """Create a cluster from the most recent backup of the original, with two HSMs in
    different zones, and point the key store at it (disconnect, update the cluster ID)."""
    backups = aws(doors, "cloudhsmv2", "describe-backups", "--filters", f"clusterIds={CLUSTER}")["Backups"]
    newest = max(backups, key=lambda b: b["CreateTimestamp"])["BackupId"]
    cluster = aws(doors, "cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium",
                  "--subnet-ids", *subnets, "--source-backup-id", newest)["Cluster"]
    for zone in cluster["SubnetMapping"]:
        aws(doors, "cloudhsmv2", "create-hsm", "--cluster-id", cluster["ClusterId"], "--availability-zone", zone)
    assert len(hsm_ids(doors, cluster["ClusterId"])) == 2
    disconnect(doors)
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
        "--cloud-hsm-cluster-id", cluster["ClusterId"])
    return cluster["ClusterId"]


def set_kmsuser_password(doors, password: str) -> None:
    out = doors.cmu(f"loginHSM CO admin co12345\nchangePswd CU kmsuser {password}\ny\nquit\n")
    assert "changePswd failed" not in out


def change_password_and_tell_kms(doors, password="tempPassword") -> None:
    disconnect(doors)
    set_kmsuser_password(doors, password)
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID, "--key-store-password", password)


# -- causes -------------------------------------------------------------------------------------

def cluster_deleted(doors, store):
    delete_all_hsms(doors)
    aws(doors, "cloudhsmv2", "delete-cluster", "--cluster-id", CLUSTER)
    disconnect(doors)


def hsms_deleted(doors, store):
    delete_all_hsms(doors)
    disconnect(doors)


def subnet_full(doors, store):
    disconnect(doors)
    assert hsmshell(["fault", "subnet-full", "subnet-0e358c43a2b4f8c1d"]) == 0


def internal_error(doors, store):
    disconnect(doors)
    assert hsmshell(["fault", "internal-error"]) == 0


def password_changed(doors, store):
    disconnect(doors)
    set_kmsuser_password(doors, "someoneElsesPw1")


def network_errors(doors, store):
    disconnect(doors)
    assert hsmshell(["fault", "network-errors", "--for", "5m"]) == 0


def subnet_deleted(doors, store):
    disconnect(doors)
    assert hsmshell(["fault", "subnet-deleted", "subnet-0e358c43a2b4f8c1d"]) == 0


def locked_out(doors, store):
    password_changed(doors, store)
    for _ in range(5):
        connect(doors)
        disconnect(doors)


def left_logged_in(doors, store):
    from hsmshell.cloudhsm.sessions import open_session

    disconnect(doors)
    with store.transaction() as world:  # a key_mgmt_util still open in another terminal
        open_session(world, "other-terminal", "key_mgmt_util", CLUSTER, "kmsuser", "CU",
                     [h.hsm_id for h in world.clusters[CLUSTER].hsms], pid=None)


def kmsuser_missing(doors, store):
    # kmsuser owns keys, so deleteUser refuses (RET_USER_OWNS_KEYS); the state is reached by
    # a cluster that never had the account, as a hand-written world has it.
    disconnect(doors)
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            hsm.users = [u for u in hsm.users if u.name != "kmsuser"]


# -- repairs ------------------------------------------------------------------------------------

def new_cluster(doors, store):
    restore_cluster_from_latest_backup(doors, NEW_SUBNETS)


def add_hsm(doors, store):
    aws(doors, "cloudhsmv2", "create-hsm", "--cluster-id", CLUSTER, "--availability-zone", "us-west-2a")
    disconnect(doors)


def free_addresses(doors, store):
    assert hsmshell(["fault", "clear"]) == 0
    disconnect(doors)


def retry(doors, store):
    disconnect(doors)


def fix_credentials(doors, store):
    change_password_and_tell_kms(doors)


def wait_and_retry(doors, store):
    disconnect(doors)
    assert hsmshell(["clock", "advance", "5m"]) == 0


def log_out(doors, store):
    with store.transaction() as world:  # the other terminal runs logoutHSM and exits
        del world.sessions["other-terminal"]
    disconnect(doors)


def create_kmsuser(doors, store):
    disconnect(doors)
    out = doors.cmu("loginHSM CO admin co12345\ncreateUser CU kmsuser kmsPassword1\ny\nquit\n")
    assert "createUser failed" not in out, out
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
        "--key-store-password", "kmsPassword1")


CASES = [
    ("CLUSTER_NOT_FOUND", cluster_deleted, new_cluster),
    ("INSUFFICIENT_CLOUDHSM_HSMS", hsms_deleted, add_hsm),
    ("INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", subnet_full, free_addresses),
    ("INTERNAL_ERROR", internal_error, retry),
    ("INVALID_CREDENTIALS", password_changed, fix_credentials),
    ("NETWORK_ERRORS", network_errors, wait_and_retry),
    ("SUBNET_NOT_FOUND", subnet_deleted, new_cluster),
    ("USER_LOCKED_OUT", locked_out, fix_credentials),
    ("USER_LOGGED_IN", left_logged_in, log_out),
    ("USER_NOT_FOUND", kmsuser_missing, create_kmsuser),
]


@pytest.mark.parametrize("code, cause, repair", CASES, ids=[c[0] for c in CASES])
def test_connection_error_reached_and_repaired(doors, store, code, cause, repair):
    cause(doors, store)
    connect(doors)
    entry = doors.describe()
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("FAILED", code)
    repair(doors, store)
    connect(doors)
    entry = doors.describe()
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("CONNECTED", None)
    status, out, _ = doors.aws("kms", "encrypt", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab",
                               "--plaintext", "still works", "--query", "KeyId", "--output", "text")
    assert (status, out) == (0, "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n")


def test_losing_the_hsms_keeps_the_store_connected_but_cryptography_fails(doors):
    delete_all_hsms(doors)
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    status, _, err = doors.aws("kms", "encrypt", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab",
                               "--plaintext", "x")
    assert status == 255 and err == ("\nAn error occurred (KMSInvalidStateException) when calling the Encrypt "
                                     "operation: KMS cannot communicate with your CloudHSM cluster.\n")


@pytest.mark.parametrize("user_type", ["CO", "AU", "PCO", "PRECO"])  # on both sides of CU
def test_a_kmsuser_that_is_not_a_crypto_user_is_not_found(doors, store, user_type):
    """KMS logs in as the crypto user kmsuser: an account of that name of another type is not it."""
    disconnect(doors)
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms:
            for user in hsm.users:
                if user.name == "kmsuser":
                    user.user_type = user_type
    connect(doors)
    entry = doors.describe()
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("FAILED", "USER_NOT_FOUND")


def test_a_world_copied_without_its_key_file_fails_to_connect_with_invalid_credentials(doors, world_path):
    """KMS's copy of the kmsuser password was sealed under the key file left behind: KMS cannot
    read it, so its login fails as with a wrong password (the repair is the runbook's)."""
    disconnect(doors)
    world_path.with_name(world_path.name + ".key").unlink()
    connect(doors)
    entry = doors.describe()
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("FAILED", "INVALID_CREDENTIALS")
    fix_credentials(doors, None)
    connect(doors)
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def kmsuser_failed_logins(doors) -> list[str]:
    out = doors.cmu("loginHSM CO admin co12345\nlistUsers\nquit\n")
    return [line.split()[4] for line in out.splitlines() if " kmsuser " in line]


def test_a_connect_that_logs_in_clears_kmsuser_s_failed_logins(doors, store):
    password_changed(doors, store)
    connect(doors)  # FAILED: INVALID_CREDENTIALS, a failed login on each HSM
    assert kmsuser_failed_logins(doors) == ["1", "1", "1"]
    disconnect(doors)
    aws(doors, "kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,  # kmsuser's password now
        "--key-store-password", "someoneElsesPw1")
    connect(doors)
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    assert kmsuser_failed_logins(doors) == ["0", "0", "0"]


def test_a_deleted_cluster_s_lineage_is_read_from_its_own_backups(doors, store):
    """Once the store's cluster is deleted, the replacement must be related to it through the
    deleted cluster's backups, not those of other clusters (listed first, with ids on both
    sides of its id)."""
    cluster_deleted(doors, store)
    with store.transaction() as world:
        mine = next(b for b in world.backups.values() if b.cluster_id == CLUSTER)
        others = {}
        for cluster_id in ("cluster-1111111111a", "cluster-zzzzzzzzzzz"):
            other = copy.deepcopy(mine)
            other.backup_id, other.cluster_id = f"backup-{cluster_id[8:]}", cluster_id
            other.lineage = f"lineage-{cluster_id[8:]}"
            others[other.backup_id] = other
        world.backups = {**others, **world.backups}
    connect(doors)  # FAILED: CLUSTER_NOT_FOUND
    restore_cluster_from_latest_backup(doors, NEW_SUBNETS)
    connect(doors)
    assert doors.describe()["ConnectionState"] == "CONNECTED"
