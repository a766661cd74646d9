"""Which tools reach which cluster: the Client SDK 3 tools speak to hsm1.medium HSMs only, the
CloudHSM CLI to both types (cloudhsm-cli-spec §9.1).  Against the `current` fixture's
hsm2m.medium cluster, cloudhsm_mgmt_util connects to no server and key_mgmt_util finds no
daemon, as when no HSM answers them; cloudhsm-cli works."""

from __future__ import annotations

import json

import pytest

from hsmshell.testing.worlds import fresh_world

from ..conftest import Doors, lines


@pytest.fixture
def current(tmp_path) -> Doors:
    fresh_world(tmp_path, "current", password_cost=4)
    return Doors(tmp_path / "world.yaml")


def test_cloudhsm_mgmt_util_connects_to_no_hsm2m_medium_server(current):
    out = current.cmu("loginHSM CO admin co12345\nlistUsers\nquit\n")
    assert lines(out.split("aws-cloudhsm>", 1)[0]) == [
        "Connecting to the server(s), it may take time", "depending on the server(s) load, please wait...",
        "Connecting to server '10.0.2.9': hostname '10.0.2.9', port 2225...",
        "Connecting to server '10.0.3.11': hostname '10.0.3.11', port 2225...",
        "Connecting to server '10.0.1.12': hostname '10.0.1.12', port 2225..."]
    assert "success" not in out and "Users on server" not in out
    assert [s.tool for s in current_sessions(current)] == ["kms"]


def current_sessions(doors: Doors):
    from hsmshell.services import open_store

    return list(open_store(doors.path).read().sessions.values())


def test_key_mgmt_util_finds_no_daemon_for_an_hsm2m_medium_cluster(current):
    status, out, _ = current.run(["key_mgmt_util"], "loginHSM -u CU -s kmsuser -p x\n")
    assert status == 255
    assert lines(out) == ["Cfm3Initialize() returned 0x40000040 : LIQUIDSECURITY: Daemon socket connection error",
                          "Cfm3Initialize() returned app id : ffffffff"]
    status, out, _ = current.run(["key_mgmt_util", "singlecmd", "loginHSM", "-u", "CU", "-s", "kmsuser", "-p",
                                  "x", "findKey"])
    assert status == 255 and "Daemon socket connection error" in out


def test_the_cloudhsm_cli_works_with_the_same_cluster(current):
    status, out, _ = current.run(["cloudhsm-cli", "user", "list"])
    assert status == 0
    users = {u["username"]: (u["role"], u["cluster-coverage"]) for u in json.loads(out)["data"]["users"]}
    assert users == {"admin": ("admin", "full"), "app_user": ("internal(APPLIANCE_USER)", "full"),
                     "kmsuser": ("crypto-user", "full")}
    status, out, _ = current.run(["cloudhsm-cli", "interactive"],
                                 "login --username admin --role admin --password co12345\nquit\n")
    assert '"role": "admin"' in out and '"error_code": 0' in out


def test_a_cluster_migrated_to_hsm2m_medium_no_longer_reaches_the_sdk3_tools(doors, store):
    assert "Cfm3ListUsers returned: 0x00" in doors.kmu("listUsers\n")
    assert doors.cmu("quit\n").count("Connected to server") == 3
    with store.transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsm_type = "hsm2m.medium"
    assert "Daemon socket connection error" in doors.kmu("listUsers\n")
    assert "Connected to server" not in doors.cmu("quit\n")
