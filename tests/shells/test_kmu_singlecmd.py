"""key_mgmt_util's single-command mode, through its console script's entry point in-process:
`key_mgmt_util singlecmd loginHSM -u CU -s <user> -p <password> <command> <args...>`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell import cli

from hsmshell import host
from hsmshell.shells.kmu.shell import KeyMgmtUtil
from hsmshell.shells.kmu.singlecmd import password_at, split

from .test_kmu import kmsuser_password_known

LOGIN = ["loginHSM", "-u", "CU", "-s", "kmsuser", "-p", "tempPassword"]
CLUSTER = "cluster-1a23b4cdefg"


@pytest.fixture
def singlecmd(world_path, capsys):
    """Run `key_mgmt_util singlecmd <words>`: (exit status, what it printed)."""
    def run(*words: str) -> tuple[int, str]:
        capsys.readouterr()
        status = host.main(["key_mgmt_util", "--world", str(world_path), "singlecmd", *words])
        return status, capsys.readouterr().out
    return run


def tool_sessions(store) -> list:
    return [s for s in store.read().sessions.values() if s.tool == "key_mgmt_util"]


def test_logs_in_runs_the_command_and_ends_logged_out(doors, store, singlecmd, monkeypatch):
    kmsuser_password_known(doors)
    held = []  # the sessions in the world while the tool ends, before it closes its own
    close = KeyMgmtUtil.close
    monkeypatch.setattr(KeyMgmtUtil, "close", lambda shell: (held.extend(tool_sessions(store)), close(shell)))
    status, out = singlecmd(*LOGIN, "genSymKey", "-t", "31", "-s", "16", "-l", "aes128")
    assert status == 0
    login, echo, command = out.partition("Command: genSymKey  -t  31  -s  16  -l  aes128 \n")
    assert echo and login.startswith("\n\tCfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS\n")
    assert "Node id 2 and err state 0x00000000 : HSM Return: SUCCESS" in login
    assert "Symmetric Key Created.  Key Handle: " in command
    assert out.count("Command:") == 1 and "Cfm3LogoutHSM" not in out  # no prompt, no logoutHSM
    handle = int(command.split("Key Handle: ")[1].split()[0])
    assert store.read().clusters[CLUSTER].keys[handle].label == "aes128"  # a token key stays
    # The session was the interactive shell's kind: this process's, as a crypto user on every
    # HSM; it is gone once the command has ended.
    assert [(s.user_name, s.user_type, len(s.hsms), s.pid) for s in held] == [("kmsuser", "CU", 3, held[0].pid)]
    assert held[0].pid is not None and tool_sessions(store) == []


def test_a_session_key_ends_with_the_command(doors, store, singlecmd):
    kmsuser_password_known(doors)
    status, out = singlecmd(*LOGIN, "genSymKey", "-t", "31", "-s", "32", "-l", "tmp", "-sess")
    handle = int(out.split("Key Handle: ")[1].split()[0])
    assert status == 0 and handle not in store.read().clusters[CLUSTER].keys


def test_kmsuser_is_refused_while_kms_holds_it_as_at_the_prompt(doors, store, singlecmd):
    """A failed login ends the tool with main()'s -1, before the command runs."""
    password = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # the fixture's: the one KMS set
    status, out = singlecmd("loginHSM", "-u", "CU", "-s", "kmsuser", "-p", password, "findKey")
    assert status == 255
    assert "Command:" not in out and "Cfm3FindKey" not in out
    interactive = doors.kmu(f"loginHSM -u CU -s kmsuser -p {password}\nexit\n")
    assert out in interactive and "RET_USER_LOGIN_FAILURE" in out
    assert tool_sessions(store) == [] and [s.tool for s in store.read().sessions.values()] == ["kms"]


def test_wrong_password_and_missing_password_fail_the_login(doors, singlecmd):
    kmsuser_password_known(doors)
    status, out = singlecmd("loginHSM", "-u", "CU", "-s", "kmsuser", "-p", "wrongPassword", "findKey")
    assert (status, "\tCfm3LoginHSM returned: 0xa3 \n\n\tHSM Error: RET_USER_LOGIN_FAILURE\n" in out) == (255, True)
    # Seven words after loginHSM: the command's name is taken as one of the login's.
    status, out = singlecmd("loginHSM", "-u", "CU", "-s", "kmsuser", "findKey", "-l", "x")
    assert status == 255 and "\tError: Password (-p) is missing." in out and "Command:" not in out


def test_a_failed_or_unknown_command_still_exits_0(doors, singlecmd):
    """main() does not look at what the command returned."""
    kmsuser_password_known(doors)
    status, out = singlecmd(*LOGIN, "deleteKey", "-k", "999999")
    assert status == 0 and "Command: deleteKey  -k  999999 \n" in out
    assert "returned: 0xa8 : HSM Error: Invalid object handle" in out
    status, out = singlecmd(*LOGIN, "deleteKey")
    assert status == 0 and "\tError: Key handle (-k) is missing." in out
    status, out = singlecmd(*LOGIN, "bogus")
    assert status == 0 and "Command: bogus \n" in out and "Command not found: bogus" in out


def test_missing_parts(doors, store, singlecmd):
    # Nothing after singlecmd: nothing printed.
    assert singlecmd() == (0, "")
    # No login: the command runs not logged in.
    status, out = singlecmd("findKey")
    assert status == 0 and out.startswith("Command: findKey \n")
    assert "RET_USER_NOT_LOGGED_IN" in out
    # A login with no command after it runs as the command: echoed, password and all.
    kmsuser_password_known(doors)
    status, out = singlecmd(*LOGIN)
    assert status == 0
    assert out.startswith("Command: loginHSM  -u  CU  -s  kmsuser  -p  tempPassword \n")
    assert "Cfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS" in out
    assert tool_sessions(store) == []


def test_no_hsm_to_reach_stops_it_before_the_login(world_path, store, singlecmd):
    assert cli.main(["--world", str(world_path), "configure", "-a", "10.9.9.9"], io.StringIO(), io.StringIO()) == 0
    status, out = singlecmd(*LOGIN, "findKey")
    assert status == 255 and "Cfm3Initialize() returned 0x" in out and "Cfm3LoginHSM" not in out
    assert tool_sessions(store) == []


def test_the_process_exit_status(world_path):
    """The console script's own status, seen by a shell script: 255 for a failed login."""
    root = Path(__file__).parents[2]  # this checkout's package, not an installed one
    done = subprocess.run([sys.executable, "-c", "import sys; from hsmshell.host import main; sys.exit(main(['key_mgmt_util', *sys.argv[1:]]))",
                           "singlecmd", *LOGIN, "findKey"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, cwd=root,
                          env={**os.environ, "HSMSHELL_WORLD": str(world_path), "PYTHONPATH": str(root)})
    assert done.returncode == 255 and "RET_USER_LOGIN_FAILURE" in done.stdout and done.stderr == ""


def test_how_the_words_are_split():
    assert split(LOGIN + ["findKey", "-l", "x"]) == (LOGIN[1:], ["findKey", "-l", "x"])
    assert split(LOGIN) == (None, LOGIN)  # nothing after the login: all of it is the command
    # `-2fa` among the first eight words makes the login one word longer.
    assert split(LOGIN + ["-2fa", "findKey"]) == (LOGIN[1:] + ["-2fa"], ["findKey"])
    assert split(LOGIN + ["findKey", "-2fa"]) == (LOGIN[1:], ["findKey", "-2fa"])
    assert split(["findKey"]) == (None, ["findKey"])
    assert password_at(["singlecmd", *LOGIN, "findKey"]) == 7
    assert password_at(["--world", "w.yaml", "singlecmd", *LOGIN]) == 9
    assert password_at(["singlecmd", "findKey", "-p", "x"]) is None
    assert password_at([]) is None and password_at(["singlecmd"]) is None
