"""Custom key store connection states and their error codes, reached and repaired the way
the runbook says, through `hsmshell aws` and the shells."""

from __future__ import annotations

import pytest

from ..conftest import STORE_ID

ID = ("--custom-key-store-id", STORE_ID)


def aws(doors, command, *args):
    status, out, err = doors.aws("kms", command, *ID, *args)
    return status, out, err


def set_kmsuser_password(doors, password="tempPassword"):
    out = doors.cmu(f"loginHSM CO admin co12345\nchangePswd CU kmsuser {password}\ny\nquit\n")
    assert f"Changing password for kmsuser(CU) on 3 nodes" in out and "changePswd failed" not in out


def key_states(doors):
    import json

    states = []
    for key_id in ("1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"):
        status, out, _ = doors.aws("kms", "describe-key", "--key-id", key_id)
        states.append(json.loads(out)["KeyMetadata"]["KeyState"])
    return states


def test_disconnect_makes_keys_unavailable_and_reconnect_restores_them(doors):
    assert key_states(doors) == ["Enabled", "Enabled"]
    assert aws(doors, "disconnect-custom-key-store") == (0, "", "")
    assert doors.describe()["ConnectionState"] == "DISCONNECTED"
    assert key_states(doors) == ["Unavailable", "Unavailable"]
    assert aws(doors, "connect-custom-key-store") == (0, "", "")
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    assert key_states(doors) == ["Enabled", "Enabled"]


def test_connecting_takes_the_time_the_world_sets(doors, store):
    aws(doors, "disconnect-custom-key-store")
    with store.transaction() as world:
        world.settings.connect_delay = 600
        world.clock.frozen_at = 1_700_000_000.0
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionState"] == "CONNECTING"
    assert key_states(doors) == ["Unavailable", "Unavailable"]
    from hsmshell.cli import main

    main(["clock", "advance", "9m"])
    assert doors.describe()["ConnectionState"] == "CONNECTING"
    main(["clock", "advance", "1m"])
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_invalid_credentials_then_repaired_as_the_runbook_says(doors):
    aws(doors, "disconnect-custom-key-store")
    set_kmsuser_password(doors)  # KMS's copy no longer matches
    aws(doors, "connect-custom-key-store")
    store_entry = doors.describe()
    assert (store_entry["ConnectionState"], store_entry["ConnectionErrorCode"]) == ("FAILED", "INVALID_CREDENTIALS")
    # A FAILED store must be disconnected before it connects again.
    status, _, err = aws(doors, "connect-custom-key-store")
    assert status == 255 and "(CustomKeyStoreInvalidStateException)" in err
    # ... and its password cannot be updated until then.
    status, _, err = aws(doors, "update-custom-key-store", "--key-store-password", "tempPassword")
    assert status == 255 and "(CustomKeyStoreInvalidStateException)" in err
    assert aws(doors, "disconnect-custom-key-store")[0] == 0
    assert "ConnectionErrorCode" not in doors.describe()  # shown only while FAILED
    assert aws(doors, "update-custom-key-store", "--key-store-password", "tempPassword")[0] == 0
    assert aws(doors, "connect-custom-key-store")[0] == 0
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_five_failed_connections_lock_kmsuser_out(doors):
    aws(doors, "disconnect-custom-key-store")
    set_kmsuser_password(doors)
    for attempt in range(5):
        aws(doors, "connect-custom-key-store")
        assert doors.describe()["ConnectionErrorCode"] == "INVALID_CREDENTIALS", attempt
        aws(doors, "disconnect-custom-key-store")
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionErrorCode"] == "USER_LOCKED_OUT"
    listing = doors.cmu("listUsers\nquit\n")
    assert [l.split()[4] for l in listing.splitlines() if "kmsuser" in l] == ["5", "5", "5"]
    # The repair: disconnect, change the password (which unlocks), tell KMS, connect.
    aws(doors, "disconnect-custom-key-store")
    set_kmsuser_password(doors, "newPassword1")
    aws(doors, "update-custom-key-store", "--key-store-password", "newPassword1")
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_kmsuser_left_logged_in_makes_connect_fail_with_user_logged_in(doors, store):
    from hsmshell.cloudhsm.sessions import open_session

    aws(doors, "disconnect-custom-key-store")
    set_kmsuser_password(doors)
    aws(doors, "update-custom-key-store", "--key-store-password", "tempPassword")
    out = doors.kmu("loginHSM -u CU -s kmsuser -p tempPassword\nexit\n")
    assert "Cfm3LoginHSM returned: 0x00" in out
    # A key_mgmt_util still open in another terminal: its login lives in the world.
    with store.transaction() as world:
        open_session(world, "other-terminal", "key_mgmt_util", "cluster-1a23b4cdefg", "kmsuser", "CU",
                     [h.hsm_id for h in world.clusters["cluster-1a23b4cdefg"].hsms], pid=None)
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionErrorCode"] == "USER_LOGGED_IN"
    with store.transaction() as world:
        del world.sessions["other-terminal"]
    aws(doors, "disconnect-custom-key-store")
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_connecting_rotates_the_kmsuser_password(doors):
    aws(doors, "disconnect-custom-key-store")
    set_kmsuser_password(doors)
    aws(doors, "update-custom-key-store", "--key-store-password", "tempPassword")
    aws(doors, "connect-custom-key-store")
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    aws(doors, "disconnect-custom-key-store")
    out = doors.kmu("loginHSM -u CU -s kmsuser -p tempPassword\nexit\n")
    assert "Cfm3LoginHSM returned: 0xa3" in out


def test_a_connection_without_delay_is_made_by_the_command_itself_with_one_check_of_the_password(
        doors, world_path, monkeypatch):
    """With no connect delay, the connect command's own process finishes the connection (KMS
    logs in as kmsuser and rotates its password): the world file holds CONNECTED before any
    other tool reads it, so a TUI watching it does not pay for the rotation.  The three HSMs
    share kmsuser's hash, so checking KMS's password is one scrypt, and the new one another."""
    import yaml

    from hsmshell.world import credentials

    aws(doors, "disconnect-custom-key-store")
    calls = []
    real = credentials._scrypt
    monkeypatch.setattr(credentials, "_scrypt", lambda *a: calls.append(a) or real(*a))
    aws(doors, "connect-custom-key-store")
    saved = yaml.safe_load(world_path.read_text())
    (store,) = saved["custom_key_stores"]
    assert store["connection_state"] == "CONNECTED" and not saved.get("due")
    assert len(calls) == 2


@pytest.mark.parametrize("change, code", [
    (lambda w: w.clusters.pop("cluster-1a23b4cdefg"), "CLUSTER_NOT_FOUND"),
    (lambda w: [setattr(h, "state", "DELETE_IN_PROGRESS") for h in w.clusters["cluster-1a23b4cdefg"].hsms],
     "INSUFFICIENT_CLOUDHSM_HSMS"),
    (lambda w: [h.users.pop(2) for h in w.clusters["cluster-1a23b4cdefg"].hsms], "USER_NOT_FOUND"),
    # on one HSM only: the real service refuses too (kmsuser existed on one of two HSMs)
    (lambda w: [h.users.pop(2) for h in w.clusters["cluster-1a23b4cdefg"].hsms[1:]], "USER_NOT_FOUND"),
    (lambda w: w.faults.append({"kind": "connect_error", "code": "NETWORK_ERRORS"}), "NETWORK_ERRORS"),
])
def test_world_states_that_fail_a_connection(doors, store, change, code):
    aws(doors, "disconnect-custom-key-store")
    with store.transaction() as world:
        change(world)
    aws(doors, "connect-custom-key-store")
    entry = doors.describe()
    assert (entry["ConnectionState"], entry.get("ConnectionErrorCode")) == ("FAILED", code)


def test_losing_the_cluster_does_not_disconnect_the_store(doors, store):
    with store.transaction() as world:
        world.clusters.pop("cluster-1a23b4cdefg")
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_update_rules_by_state(doors):
    status, _, err = aws(doors, "update-custom-key-store", "--key-store-password", "tempPassword")
    assert status == 255 and "(CustomKeyStoreInvalidStateException)" in err
    assert aws(doors, "update-custom-key-store", "--new-custom-key-store-name", "Renamed")[0] == 0
    assert doors.describe()["CustomKeyStoreName"] == "Renamed"
    aws(doors, "disconnect-custom-key-store")
    status, _, err = aws(doors, "update-custom-key-store", "--key-store-password", "x" * 33)
    assert status == 255 and "(ValidationException)" in err
    status, _, err = aws(doors, "update-custom-key-store", "--cloud-hsm-cluster-id", "cluster-jxhlf7644ne")
    assert status == 255 and "(CloudHsmClusterNotFoundException)" in err


def test_update_to_an_unrelated_cluster_is_refused(doors, store):
    import copy

    aws(doors, "disconnect-custom-key-store")
    with store.transaction() as world:
        other = copy.deepcopy(world.clusters["cluster-1a23b4cdefg"])
        other.cluster_id, other.lineage = "cluster-jxhlf7644ne", "lineage-other"
        world.clusters[other.cluster_id] = other
    status, _, err = aws(doors, "update-custom-key-store", "--cloud-hsm-cluster-id", "cluster-jxhlf7644ne")
    assert status == 255 and "(CloudHsmClusterNotRelatedException)" in err
    with store.transaction() as world:
        world.clusters["cluster-jxhlf7644ne"].lineage = "lineage-1a23b4cdefg"  # restored from a backup
    assert aws(doors, "update-custom-key-store", "--cloud-hsm-cluster-id", "cluster-jxhlf7644ne")[0] == 0
    assert doors.describe()["CloudHsmClusterId"] == "cluster-jxhlf7644ne"


def test_calls_are_recorded_in_cloudtrail(doors, store):
    aws(doors, "disconnect-custom-key-store")
    event = store.read().trail[-1]
    assert event["eventName"] == "DisconnectCustomKeyStore"
    assert event["requestParameters"] == {"customKeyStoreId": STORE_ID}
    assert event["additionalEventData"] == {"customKeyStoreName": "ExampleKeyStore",
                                            "clusterId": "cluster-1a23b4cdefg"}
    assert event["eventSource"] == "kms.amazonaws.com" and event["eventType"] == "AwsApiCall"
