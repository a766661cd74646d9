"""The bytes the shells write at a pseudo-terminal driven by a program (expect, pexpect), as
the real tools write them: each prompt literally and once, the tty's echo of what is typed,
nothing echoed at a hidden password prompt, and no escape sequence or warning the real tools
never print.  Expect scripts wait for exactly these bytes (`expect "Command:  "`)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pexpect
import pytest

CMU_BANNER = (b"Connecting to the server(s), it may take time\r\n"
              b"depending on the server(s) load, please wait...\r\n"
              + b"".join(b"\r\nConnecting to server '%s': hostname '%s', port 2225...\r\n"
                         b"Connected to server '%s': hostname '%s', port 2225.\r\n" % (ip, ip, ip, ip)
                         for ip in (b"10.0.2.9", b"10.0.3.11", b"10.0.1.12")))


@pytest.fixture
def spawn(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HSMSHELL_WORLD", "XDG_DATA_HOME", "HSMSHELL_TOOLBAR")}
    env.update(HOME=str(tmp_path), TERM="xterm")
    # The world exists already, as on every run after the first (whose notice that it made the
    # default world is hsmshell's, not the real tool's).
    subprocess.run([shutil.which("hsmshell"), "world", "init"], env=env, cwd=str(tmp_path), check=True,
                   capture_output=True)
    children = []

    def start(program: str, *args: str) -> tuple[pexpect.spawn, io.BytesIO]:
        path = shutil.which(program)
        assert path, f"{program} is not installed (pip install .)"
        child = pexpect.spawn(path, list(args), env=env, cwd=str(tmp_path), timeout=30, dimensions=(24, 80))
        child.logfile_read = seen = io.BytesIO()
        children.append(child)
        return child, seen

    yield start
    for child in children:
        child.close(force=True)


def exchange(child: pexpect.spawn, seen: io.BytesIO, typed: bytes, until: bytes) -> bytes:
    """Type a line as expect's `send "...\\r"` does; the bytes written until `until`, included."""
    start = len(seen.getvalue())
    child.send(typed + b"\r")
    child.expect_exact(until)
    return seen.getvalue()[start:]


def test_cloudhsm_mgmt_util_writes_its_prompt_once_and_literally(spawn):
    cmu, seen = spawn("cloudhsm_mgmt_util", "/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg")
    cmu.expect_exact(b"aws-cloudhsm>")
    assert seen.getvalue() == CMU_BANNER + b"aws-cloudhsm>"
    out = exchange(cmu, seen, b"listUsers", b"aws-cloudhsm>")
    assert out.startswith(b"listUsers\r\nUsers on server 0(10.0.2.9):\r\nNumber of users found:3\r\n\r\n")
    assert out.endswith(b"NO\r\naws-cloudhsm>") and out.count(b"aws-cloudhsm>") == 1
    # hidden: the password is not echoed, and the prompt has no trailing blank (spec §2)
    assert exchange(cmu, seen, b"loginHSM CO admin -hpswd", b"Enter password:") == \
        b"loginHSM CO admin -hpswd\r\nEnter password:"
    assert exchange(cmu, seen, b"co12345", b"aws-cloudhsm>") == (
        b"\r\n\r\n\r\nloginHSM success on server 0(10.0.2.9)\r\nloginHSM success on server 1(10.0.3.11)\r\n"
        b"loginHSM success on server 2(10.0.1.12)\r\naws-cloudhsm>")
    # a new password hidden is asked twice, then the confirmation, answered on its line
    assert exchange(cmu, seen, b"createUser CU bob -hpswd", b"Enter password: ") == \
        b"createUser CU bob -hpswd\r\nEnter password: "
    assert exchange(cmu, seen, b"bobPassword1", b"Re-enter password: ") == b"\r\nRe-enter password: "
    out = exchange(cmu, seen, b"bobPassword1", b"Do you want to continue(y/n)?")
    assert out.startswith(b"\r\n\r\n\r\n*************************CAUTION****")
    assert exchange(cmu, seen, b"y", b"aws-cloudhsm>") == b"y\r\nCreating User bob(CU) on 3 nodes\r\naws-cloudhsm>"
    exchange(cmu, seen, b"quit", b"please wait...\r\n")
    cmu.expect(pexpect.EOF)
    assert b"\x1b" not in seen.getvalue() and b"CPR" not in seen.getvalue()
    assert b"bobPassword1" not in seen.getvalue() and b"co12345" not in seen.getvalue()


def test_key_mgmt_util_prompt_is_command_and_two_blanks(spawn):
    kmu, seen = spawn("key_mgmt_util")
    kmu.expect_exact(b"Command:  ")
    assert seen.getvalue() == b"Command:  "  # no banner
    assert exchange(kmu, seen, b"loginHSM -u CU -s kmsuser -hpswd", b"Enter password: ") == \
        b"loginHSM -u CU -s kmsuser -hpswd\r\nEnter password: "
    out = exchange(kmu, seen, b"wrongPass1", b"Command:  ")
    assert out.startswith(b"\r\n") and b"wrongPass1" not in out and out.count(b"Command:") == 1
    exchange(kmu, seen, b"exit", b"\r\n")
    kmu.expect(pexpect.EOF)
    assert b"\x1b" not in seen.getvalue() and b"CPR" not in seen.getvalue()


def test_cloudhsm_cli_interactive_prompt_and_hidden_entries(spawn):
    cli, seen = spawn("cloudhsm-cli", "interactive")
    cli.expect_exact(b"aws-cloudhsm > ")
    assert seen.getvalue() == b"aws-cloudhsm > "
    assert exchange(cli, seen, b"login --username admin --role admin", b"Enter password:") == \
        b"login --username admin --role admin\r\nEnter password:"
    out = exchange(cli, seen, b"co12345", b"aws-cloudhsm > ")
    assert b"co12345" not in out and b'"error_code": 0' in out and out.count(b"aws-cloudhsm > ") == 1
    exchange(cli, seen, b"quit", b"\r\n")
    cli.expect(pexpect.EOF)
    assert b"\x1b" not in seen.getvalue()
