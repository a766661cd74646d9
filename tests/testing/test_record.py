"""`hsmshell transcript record`: a rehearsal typed once becomes a transcript that replays."""

from __future__ import annotations

import os
import shutil
import subprocess

import pexpect

STORE = "cks-1234567890abcdef0"


def hsmshell(*args: str, stdin: str = "", cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("hsmshell"), *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=60, env=env and {**os.environ, **env})


PASSWORDS = {"HSMSHELL_PASSWORD": "co12345", "HSMSHELL_PASSWORD2": "tempPassword"}


def test_recorded_through_a_pipe_then_replayed(tmp_path):
    session = (f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}\n"
               "cloudhsm_mgmt_util\nloginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n"
               "key_mgmt_util\nloginHSM -u CU -s kmsuser -hpswd\ntempPassword\nlogoutHSM\nexit\n"
               f"aws kms connect-custom-key-store --custom-key-store-id {STORE}\n"
               f"aws kms connect-custom-key-store --custom-key-store-id cks-0000000000000000f\n")
    done = hsmshell("transcript", "record", "rehearsal.transcript", stdin=session, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "rehearsal.transcript").read_text()
    assert "# world: default\n# clock: " in text
    # what was typed as a password is a variable whose value a replay takes from the environment
    assert ("# let: password = ${HSMSHELL_PASSWORD}\n# let: password2 = ${HSMSHELL_PASSWORD2}\n"
            in text) and "co12345" not in text and "tempPassword" not in text
    assert "aws-cloudhsm>loginHSM CO admin <password>\n" in text
    assert "aws-cloudhsm>changePswd CU kmsuser <password2>\n" in text
    assert "Do you want to continue(y/n)?y\nChanging password for kmsuser(CU) on 3 nodes\n" in text
    assert "Command:  loginHSM -u CU -s kmsuser -hpswd\nEnter password: <password2>\n" in text
    assert "does not exist in this account and Region.\n[254]\n" in text  # the default fixture's host runs v2
    assert "set HSMSHELL_PASSWORD, HSMSHELL_PASSWORD2 to replay it" in done.stdout
    replayed = hsmshell("transcript", "run", "rehearsal.transcript", cwd=tmp_path, env=PASSWORDS)
    assert (replayed.returncode, replayed.stdout) == (0, "passed rehearsal.transcript\n1 passed, 0 failed\n")
    # the replay compares: a changed line in the recording fails it, and so does a wrong password
    wrong = hsmshell("transcript", "run", "rehearsal.transcript", cwd=tmp_path,
                     env={**PASSWORDS, "HSMSHELL_PASSWORD": "co54321"})
    assert wrong.returncode == 1 and "RET_USER_LOGIN_FAILURE" in wrong.stdout
    unset = hsmshell("transcript", "run", "rehearsal.transcript", cwd=tmp_path)
    assert unset.returncode == 1 and "password comes from $HSMSHELL_PASSWORD, which is not set" in unset.stdout
    (tmp_path / "rehearsal.transcript").write_text(text.replace("on 3 nodes", "on 2 nodes"))
    assert hsmshell("transcript", "run", "rehearsal.transcript", cwd=tmp_path, env=PASSWORDS).returncode == 1


def test_recorded_at_a_terminal_with_the_real_console(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HSMSHELL_WORLD"}
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(shutil.which("hsmshell"), ["transcript", "record", "pty.transcript"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", dimensions=(40, 200), timeout=30)
    child.expect_exact("$")
    child.sendline("key_mgmt_util")
    child.expect_exact("Command:")
    child.sendline("loginHSM -u CU -s kmsuser -hpswd")
    child.expect_exact("Enter password: ")
    child.sendline("notThePassword1")
    child.expect_exact("Cluster Error Status")
    child.expect_exact("Command:")
    child.sendline("exit")
    child.expect_exact("$")
    child.sendline("hsmshell clock show")
    child.expect_exact("(frozen)")
    child.expect_exact("$")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    text = (tmp_path / "pty.transcript").read_text()
    assert "$ key_mgmt_util\nCommand:  loginHSM -u CU -s kmsuser -hpswd\nEnter password: <password>\n" in text
    assert "notThePassword1" not in text
    assert "HSM Error: RET_USER_LOGIN_FAILURE" in text and "Command:  exit\n$ hsmshell clock show\n" in text
    replayed = hsmshell("transcript", "run", "pty.transcript", cwd=tmp_path,
                        env={"HSMSHELL_PASSWORD": "notThePassword1"})
    assert replayed.returncode == 0, replayed.stdout


def test_a_singlecmd_password_stays_out_of_the_recording(tmp_path, monkeypatch, capsys):
    """In-process (this checkout's code): the password on a `key_mgmt_util singlecmd` line, and
    in the echo of a login that has no command after it, is written as a variable."""
    import io

    from hsmshell.testing.record import record
    from hsmshell.testing.replay import run_file

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(
        f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}\n"
        "cloudhsm_mgmt_util\nloginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n"
        "sudo /opt/cloudhsm/bin/key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p tempPassword findKey\n"
        "key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p tempPassword\n"
        "key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p wrongPassword findKey\n"))
    assert record("single.transcript") == 0
    text = (tmp_path / "single.transcript").read_text()
    assert "tempPassword" not in text and "wrongPassword" not in text
    assert ("$ sudo /opt/cloudhsm/bin/key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p <password2> findKey\n"
            in text)
    assert "\nCommand: findKey \n" in text
    assert "\nCommand: loginHSM  -u  CU  -s  kmsuser  -p  <password2> \n" in text
    assert "-p <password3> findKey\n" in text and "RET_USER_LOGIN_FAILURE\n" in text and "\n[255]\n" in text
    capsys.readouterr()
    for name, value in {**PASSWORDS, "HSMSHELL_PASSWORD3": "wrongPassword"}.items():
        monkeypatch.setenv(name, value)
    result = run_file(tmp_path / "single.transcript")
    assert result.ok, result.report()


def test_the_dollar_prompt_completes_aws_commands_and_options_at_a_terminal(tmp_path):
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(shutil.which("hsmshell"), ["transcript", "record", "pty.transcript"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", dimensions=(40, 200), timeout=30)
    child.expect_exact("$")
    child.send("aws kms disc\t")
    child.expect_exact("onnect-custom-key-store")  # the rest of the word, as the terminal draws it
    child.send(" --cu\t")
    child.expect_exact("stom-key-store-id")
    child.send(" cks-1234567890abcdef0\r")
    child.expect_exact("$")  # the command ran (it prints nothing), a new prompt
    child.sendline("exit")
    child.expect(pexpect.EOF)
    text = (tmp_path / "pty.transcript").read_text()
    assert "$ aws kms disconnect-custom-key-store --custom-key-store-id cks-1234567890abcdef0\n" in text
