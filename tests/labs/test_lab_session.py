"""Starting and stopping a lab in a place that held no world, and hints that tell the truth."""

from __future__ import annotations

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
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", "cks-1234567890abcdef0")[0] == 0
    out = doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser kmsPswd1\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 3 nodes" in out
    doors.cmu("loginHSM CU kmsuser wrongPass1\n" * 6 + "quit\n")  # locked again, its password known
    assert "loginHSM success" not in doors.cmu("loginHSM CU kmsuser kmsPswd1\nquit\n")
    out = doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser kmsPswd1\ny\nquit\n")  # the same one
    assert "changePswd failed" not in out
    assert "loginHSM success on server 0" in doors.cmu("loginHSM CU kmsuser kmsPswd1\nlogoutHSM\nquit\n")
