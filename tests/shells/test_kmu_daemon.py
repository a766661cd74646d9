"""key_mgmt_util when the client daemon reaches no HSM: it does not start, and a session that
loses every HSM gets each call back as failed (cloudhsm-shells-spec §3.1, §1.5)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell import cli
from hsmshell.services import open_store
from hsmshell.shells.console import StreamConsole
from hsmshell.shells.kmu import KeyMgmtUtil
from hsmshell.testing.doors import ToolDoor

from ..conftest import STORE_ID

CLUSTER = "cluster-1a23b4cdefg"
HSM_IPS = ("10.0.2.9", "10.0.3.11", "10.0.1.12")
KMSUSER_PASSWORD = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # the default world's, known once disconnected
LOGIN = f"loginHSM -u CU -s kmsuser -p {KMSUSER_PASSWORD}\n"

# What main() prints when Cfm3Initialize fails (Cfm2Util source), with the documented message.
NO_DAEMON = ("\n"
             "\tCfm3Initialize() returned 0x40000040 : LIQUIDSECURITY: Daemon socket connection error\n"
             "\n"
             "\tCfm3Initialize() returned app id : ffffffff \n")
UNAVAILABLE = "HSM CLUSTER ERROR: Server in cluster is unavailable"


def kmu(world_path: Path, script: str) -> tuple[int, str]:
    """A key_mgmt_util run from a pipe: its exit status and everything it printed."""
    out = io.StringIO()
    status = KeyMgmtUtil(open_store(world_path), StreamConsole(io.StringIO(script), out, echo=True)).run()
    return status, out.getvalue()


def hsmshell(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(list(argv), out, err) == 0, err.getvalue()
    return out.getvalue()


def delete_hsms(doors, *ips: str) -> None:
    for ip in ips:
        status, _, err = doors.aws("cloudhsmv2", "delete-hsm", "--cluster-id", CLUSTER, "--eni-ip", ip)
        assert status == 0, err


def disconnected(doors) -> None:
    """KMS holds kmsuser while the store is connected; disconnected, a person may log in."""
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0


def test_an_address_no_hsm_answers_at_stops_it_at_start(world_path):
    hsmshell("configure", "-a", "10.9.9.9")
    assert kmu(world_path, "loginHSM -u CU -s kmsuser -p whatever\nexit\n") == (255, NO_DAEMON)
    assert [s.tool for s in open_store(world_path).read().sessions.values()] == ["kms"]  # no login of its own


def test_a_deleted_cluster_stops_it_at_start(doors, world_path):
    delete_hsms(doors, *HSM_IPS)
    status, _, err = doors.aws("cloudhsmv2", "delete-cluster", "--cluster-id", CLUSTER)
    assert status == 0, err
    assert open_store(world_path).read().client.cluster_id == CLUSTER  # the daemon still names it
    assert kmu(world_path, "exit\n") == (255, NO_DAEMON)


def test_a_cluster_without_hsms_stops_it_at_start(doors, world_path):
    delete_hsms(doors, *HSM_IPS)
    assert kmu(world_path, "exit\n") == (255, NO_DAEMON)


def test_hsms_that_do_not_answer_stop_it_at_start_until_one_answers(doors, world_path):
    disconnected(doors)
    for ip in HSM_IPS:
        hsmshell("fault", "hsm-unreachable", ip)
    assert kmu(world_path, "exit\n") == (255, NO_DAEMON)
    hsmshell("fault", "clear")
    hsmshell("fault", "hsm-unreachable", HSM_IPS[0])
    status, out = kmu(world_path, LOGIN + "exit\n")
    assert status == 0
    assert ("\tCfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS\n\n\tCluster Error Status\n"
            "\tNode id 1 and err state 0x00000000 : HSM Return: SUCCESS\n"
            "\tNode id 2 and err state 0x00000000 : HSM Return: SUCCESS\n\nCommand:  exit") in out


def test_the_console_script_exits_255(world_path):
    hsmshell("configure", "-a", "10.9.9.9")
    root = Path(__file__).parents[2]  # this checkout's package, not an installed one
    done = subprocess.run([sys.executable, "-c", "import sys; from hsmshell.host import main; sys.exit(main(['key_mgmt_util', *sys.argv[1:]]))"],
                          input="exit\n", capture_output=True, text=True, timeout=60, cwd=root,
                          env={**os.environ, "HSMSHELL_WORLD": str(world_path), "PYTHONPATH": str(root)})
    assert (done.returncode, done.stdout, done.stderr) == (255, NO_DAEMON, "")


def test_a_session_that_loses_every_hsm_fails_each_call(doors, world_path, tmp_path):
    disconnected(doors)
    store = open_store(world_path)
    run = ToolDoor("kmu", store)  # one session, a line at a time, as from a terminal
    assert "Node id 2 and err state 0x00000000 : HSM Return: SUCCESS" in run(LOGIN)
    delete_hsms(doors, *HSM_IPS[:2])
    kept = run("findKey")  # the HSM left answers on its own
    assert "Total number of keys present 2" in kept
    assert "\tNode id 0 and err state 0x00000000 : HSM Return: SUCCESS\n" in kept
    assert "Node id 1" not in kept
    delete_hsms(doors, HSM_IPS[2])

    for line, call in (("findKey", "Cfm3FindKey"), ("findSingleKey -k 262162", "Cfm3FindKey"),
                       ("getAttribute -o 262162 -a 512 -out " + str(tmp_path / "attrs"), "Cfm3GetAttribute"),
                       ("genSymKey -t 31 -s 32 -l lost", "Cfm3GenerateSymmetricKey"),
                       ("deleteKey -k 262168", "Cfm3FindKey")):
        assert run(line) == f"\n\t{call} returned: 0x30000085 : {UNAVAILABLE}\n\n", line
    for line, call in (("listUsers", "Cfm3ListUsers"), ("logoutHSM", "Cfm3LogoutHSM"),
                       (LOGIN.strip(), "Cfm3LoginHSM"), ("loginHSM -u CO -s admin -p co12345", "Cfm3LoginHSM")):
        # Login, logout and listUsers print a failure's message on a line of its own.
        assert run(line) == f"\n\t{call} returned: 0x30000085 \n\n\t{UNAVAILABLE}\n\n", line
    assert run("getCert -f " + str(tmp_path / "cert.pem") + " -s 4") == \
        f"\nCfm3GetCert() failed with erro code {0x30000085} :{UNAVAILABLE}\n\n"
    assert not (tmp_path / "attrs").exists() and not (tmp_path / "cert.pem").exists()
    # The tool's own helpers need no HSM.
    assert run("Error2String -r 0x40000040") == \
        "\n\tError Code 40000040 maps to LIQUIDSECURITY: Daemon socket connection error\n\n"

    # An HSM added later holds no login of this session: log in again to use it.
    status, _, err = doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", CLUSTER,
                               "--availability-zone", "us-west-2a")
    assert status == 0, err
    hsmshell("clock", "advance", "10m")
    assert run("findKey") == "\n\tCfm3FindKey returned: 0xa5 : HSM Error: RET_USER_NOT_LOGGED_IN\n\n"
    assert "\tNode id 0 and err state 0x00000000 : HSM Return: SUCCESS\n" in run(LOGIN)
    assert "Total number of keys present 2" in run("findKey")
    run.close()
    assert [s.tool for s in store.read().sessions.values()] == []  # logged out as it ended


@pytest.mark.parametrize("script", ["exit\n", ""])
def test_it_starts_as_before_when_the_daemon_reaches_the_cluster(world_path, script):
    assert kmu(world_path, script) == (0, "Command:  " + ("exit\n" if script else "\n"))
