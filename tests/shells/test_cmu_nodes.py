"""Per-node truth: users live on each HSM, so a change made while one HSM does not answer
leaves that node behind, which is what the CAUTION banner warns about."""

from __future__ import annotations

import io

from hsmshell.services import open_store
from hsmshell.shells.cmu import CloudHsmMgmtUtil
from hsmshell.shells.console import StreamConsole

from ..conftest import STORE_ID, lines
from .conftest import chunk

CLUSTER = "cluster-1a23b4cdefg"
ADMIN = "loginHSM CO admin co12345\n"


def aws(doors, *argv: str) -> None:
    status, _, err = doors.aws("kms", *argv, "--custom-key-store-id", STORE_ID)
    assert status == 0, err


def reach(store, index: int, reachable: bool) -> None:
    with store.transaction() as world:
        world.clusters[CLUSTER].hsms[index].reachable = reachable


def connect_with(doors, password: str) -> dict:
    aws(doors, "update-custom-key-store", "--key-store-password", password)
    aws(doors, "connect-custom-key-store")
    return doors.describe()


def test_a_password_changed_while_a_node_is_away_fails_the_connect_until_synced(doors, store):
    aws(doors, "disconnect-custom-key-store")
    reach(store, 1, False)
    out = doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 2 nodes" in out and "changePswd failed" not in out
    reach(store, 1, True)

    described = connect_with(doors, "tempPassword")
    assert (described["ConnectionState"], described["ConnectionErrorCode"]) == ("FAILED", "INVALID_CREDENTIALS")

    # The runbook's repair: disconnect, then bring the node that was away up to date.
    aws(doors, "disconnect-custom-key-store")
    out = doors.cmu(ADMIN + "server 0\nsyncUser 3 1\nexit\nquit\n")
    assert lines(chunk(out, "server0>", "syncUser")) == ["server0>syncUser 3 1", "ExtractMaskedObject: 0x0 !",
                                 "InsertMaskedObject: 0x0 !", "syncUser success"]
    assert connect_with(doors, "tempPassword")["ConnectionState"] == "CONNECTED"


def test_repeating_the_change_with_every_node_reachable_also_repairs_it(doors, store):
    aws(doors, "disconnect-custom-key-store")
    reach(store, 2, False)
    doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\nquit\n")
    reach(store, 2, True)
    assert connect_with(doors, "tempPassword")["ConnectionErrorCode"] == "INVALID_CREDENTIALS"
    aws(doors, "disconnect-custom-key-store")
    out = doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 3 nodes" in out and "changePswd failed" not in out
    assert connect_with(doors, "tempPassword")["ConnectionState"] == "CONNECTED"


class Session:
    """A CMU kept open while the world changes under it, one line at a time."""

    def __init__(self, path):
        self.out = io.StringIO()
        self.shell = CloudHsmMgmtUtil(open_store(path), StreamConsole(io.StringIO(), self.out, echo=True))
        assert self.shell.start()

    def type(self, line: str, *answers: str) -> list[str]:
        self.shell.console.stdin = io.StringIO("".join(a + "\n" for a in answers))
        mark = self.out.tell()
        self.shell.dispatch(line)
        return lines(self.out.getvalue()[mark:])


def test_a_node_that_stops_answering_mid_session_fails_each_command_on_it(doors, store, world_path):
    aws(doors, "disconnect-custom-key-store")
    cmu = Session(world_path)
    assert cmu.type(ADMIN.strip())[-1] == "loginHSM success on server 2(10.0.1.12)"
    reach(store, 1, False)
    assert cmu.type("changePswd CU kmsuser tempPassword", "y")[-3:] == [
        "Changing password for kmsuser(CU) on 3 nodes",
        "changePswd failed: RET_SERVER_UNAVAILABLE",
        "changing password on server 1(10.0.3.11) failed"]
    assert "listUsers failed on server 1(10.0.3.11)" in cmu.type("listUsers")
    assert cmu.type("info server 1")[-1].split()[4] == "Disconnected"
    reach(store, 1, True)
    # The node answers again and the change can be repeated there in server mode.
    cmu.type("server 1")
    assert cmu.type("changePswd CU kmsuser tempPassword", "y")[-1] == "Changing password for kmsuser(CU) on 1 nodes"
    cmu.type("exit")
    cmu.shell.close()
    assert connect_with(doors, "tempPassword")["ConnectionState"] == "CONNECTED"


def test_users_created_while_a_node_is_away_show_in_each_servers_list(doors, store, world_path):
    reach(store, 2, False)
    cmu = Session(world_path)
    reach(store, 2, True)  # it answers again, but this CMU left it out at start-up
    cmu.type(ADMIN.strip())
    assert cmu.type("createUser CU alice password1", "y")[-1] == "Creating User alice(CU) on 2 nodes"
    cmu.shell.close()
    out = doors.cmu("listUsers\nquit\n")
    assert [l.split(":")[1] for l in lines(out) if l.startswith("Number of users found")] == ["4", "4", "3"]


KMU_LOGIN = "loginHSM -u CU -s kmsuser -p Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo\nexit\n"  # the default world's


def test_key_mgmt_util_numbers_the_nodes_that_answer_in_cluster_order(doors, store):
    aws(doors, "disconnect-custom-key-store")
    reach(store, 1, False)
    out = doors.kmu(KMU_LOGIN)
    assert "Cfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS" in out
    assert [l for l in lines(out) if l.startswith("Node id")] == [
        "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS",
        "Node id 2 and err state 0x00000000 : HSM Return: SUCCESS"]


def test_key_mgmt_util_finds_no_daemon_for_a_deleted_cluster(doors):
    for ip in ("10.0.2.9", "10.0.3.11", "10.0.1.12"):
        status, _, err = doors.aws("cloudhsmv2", "delete-hsm", "--cluster-id", CLUSTER, "--eni-ip", ip)
        assert status == 0, err
    status, _, err = doors.aws("cloudhsmv2", "delete-cluster", "--cluster-id", CLUSTER)
    assert status == 0, err
    status, out, _ = doors.run(["key_mgmt_util"], KMU_LOGIN)
    assert status == 255
    assert "Cfm3Initialize() returned 0x40000040 : LIQUIDSECURITY: Daemon socket connection error" in out
