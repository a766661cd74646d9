"""Starting and stopping a lab in a place that held no world, hints that tell the truth, and
checks that never end in a traceback."""

from __future__ import annotations

import pytest

from hsmshell.labs import session
from hsmshell.services import open_store

from .test_labs import lab


def test_stop_without_a_world_before_leaves_the_healthy_default_and_says_so(tmp_path):
    path = tmp_path / "fresh.yaml"
    assert lab(path, "start", "user-locked-out")[0] == 0
    assert open_store(path).read().custom_key_stores["cks-1234567890abcdef0"].connection_state == "FAILED"
    status, out = lab(path, "stop")
    assert status == 0 and "you had no world before it, so this is a fresh default world" in out
    assert "your own world is back" not in out
    world = open_store(path).read()
    assert world.custom_key_stores["cks-1234567890abcdef0"].connection_state == "CONNECTED"
    assert world.lab_stamp is None


def test_the_locked_out_hint_holds_the_same_password_unlocks_too(world_path, doors):
    from hsmshell.labs import definition

    assert any("the same one or a new one" in hint for hint in definition.load("user-locked-out").hints)
    assert lab(world_path, "start", "user-locked-out")[0] == 0
    co_password = session.active(open_store(world_path)).variables["co_password"]  # drawn for the attempt
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", "cks-1234567890abcdef0")[0] == 0
    out = doors.cmu(f"loginHSM CO admin {co_password}\nchangePswd CU kmsuser kmsPswd1\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 3 nodes" in out
    doors.cmu("loginHSM CU kmsuser wrongPass1\n" * 6 + "quit\n")  # locked again, its password known
    assert "loginHSM success" not in doors.cmu("loginHSM CU kmsuser kmsPswd1\nquit\n")
    out = doors.cmu(f"loginHSM CO admin {co_password}\nchangePswd CU kmsuser kmsPswd1\ny\nquit\n")  # the same one
    assert "changePswd failed" not in out
    assert "loginHSM success on server 0" in doors.cmu("loginHSM CU kmsuser kmsPswd1\nlogoutHSM\nquit\n")


def test_unavailable_keys_fails_when_the_retired_key_was_usable_and_used(world_path, doors):
    """Reconnecting first lets the retired key encrypt; disabling it afterwards is too late."""
    from .test_labs import replay_into
    from hsmshell.labs import definition

    from hsmshell.labs import session
    from hsmshell.services import open_store

    assert lab(world_path, "start", "unavailable-keys")[0] == 0
    drawn = session.active(open_store(world_path)).variables  # which key this attempt retires
    store = ("--custom-key-store-id", "cks-1234567890abcdef0")
    assert doors.aws("kms", "connect-custom-key-store", *store)[0] == 0
    assert doors.aws("kms", "encrypt", "--key-id", drawn["retired"], "--plaintext", "aGVsbG8=")[0] == 0
    assert doors.aws("kms", "disable-key", "--key-id", drawn["retired"])[0] == 0
    assert doors.aws("kms", "enable-key", "--key-id", drawn["payments"])[0] == 0
    status, out = lab(world_path, "check")
    assert status == 1 and "✗ BROKEN: The retired key was never used during the lab" in out, out
    assert lab(world_path, "reset")[0] == 0
    replay_into(world_path, definition.load("unavailable-keys").solution)
    assert lab(world_path, "check")[0] == 0


def test_cluster_replaced_accepts_a_cluster_the_trainee_restores_from_the_backup(world_path, doors):
    import json

    assert lab(world_path, "start", "cluster-replaced")[0] == 0
    status, out, _ = doors.aws("cloudhsmv2", "describe-backups", "--filters", "clusterIds=cluster-1a23b4cdefg",
                               "--query", "max_by(Backups, &CreateTimestamp).BackupId", "--output", "text")
    backup = out.strip()
    status, out, err = doors.aws("cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium", "--subnet-ids",
                                 "subnet-0e358c43a2b4f8c1d", "subnet-0f5a3c2b1d4e6f789", "--source-backup-id", backup)
    assert status == 0, err
    mine = json.loads(out)["Cluster"]["ClusterId"]
    for zone in ("us-west-2a", "us-west-2b"):
        assert doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", mine, "--availability-zone", zone)[0] == 0
    assert lab(world_path, "check")[0] == 1
    store = ("--custom-key-store-id", "cks-1234567890abcdef0")
    assert doors.aws("kms", "disconnect-custom-key-store", *store)[0] == 0
    status, _, err = doors.aws("kms", "update-custom-key-store", *store, "--cloud-hsm-cluster-id", mine)
    assert status == 0, err
    assert doors.aws("kms", "connect-custom-key-store", *store)[0] == 0
    status, out = lab(world_path, "check")
    assert status == 0, out


def test_start_points_at_the_files_to_work_with_never_at_the_solution(world_path):
    from hsmshell.labs import definition

    shipped = definition.load("recover-key-material").folder
    status, out = lab(world_path, "start", "recover-key-material")
    assert status == 0 and str(shipped) not in out
    handouts = world_path.with_name(world_path.name + ".lab-files")
    assert f"The lab's files are in {handouts}" in out
    assert sorted(p.name for p in handouts.iterdir()) == ["invoice.bin"]
    assert lab(world_path, "stop")[0] == 0 and not handouts.exists()
    status, out = lab(world_path, "start", "user-locked-out")  # a lab that ships no files names none
    assert status == 0 and "The lab's files" not in out and str(definition.load("user-locked-out").folder) not in out


def test_a_check_that_meets_values_of_another_type_does_not_hold_and_a_bad_expression_is_named(store):
    """A world copied by hand over a lab's can give a valid expression a null (`length(null)`):
    the check does not hold, with the reason, rather than `lab check` ending in a traceback."""
    from hsmshell.labs import checks
    from hsmshell.labs.definition import Check, LabError

    (outcome,) = checks.evaluate((Check("no such thing", "length(no_such_field) == `0`"),), store.read(), {})
    assert not outcome.holds and "invalid type" in outcome.detail
    with pytest.raises(LabError, match="'broken' is not valid JMESPath"):
        checks.evaluate((Check("broken", "length(("),), store.read(), {})
