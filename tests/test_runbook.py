"""The runbook's procedure "How to log in as kmsuser", walked end to end through the
installed console scripts in a pseudo-terminal, with the commands exactly as the seed
(shared/reference/seed-fix-keystore.md) writes them.  The `aws` commands go through
`hsmshell aws`; the world is the default one, made on first use in a fresh home."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time

import pexpect
import pytest

from hsmshell.services import open_store

STORE = "cks-1234567890abcdef0"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]|\r|\x07")  # \x07: readline's bell


def screen(raw: str) -> list[str]:
    """What a person would read: escape sequences gone, lines stripped, blank lines dropped."""
    return [l.expandtabs().strip() for l in ANSI.sub("", raw).split("\n") if l.strip()]


def _sleeps(pid: int) -> tuple[int, bool] | None:
    """How many times the process has gone to sleep of its own accord, and whether it sleeps now
    in select/poll, waiting for a key (proc(5): status, wchan); None where /proc cannot say."""
    try:
        with open(f"/proc/{pid}/status") as status:
            switches = next(int(l.split()[1]) for l in status if l.startswith("voluntary_ctxt_switches:"))
        with open(f"/proc/{pid}/wchan") as wchan:
            where = wchan.read()
    except (OSError, StopIteration, ValueError):
        return None
    return switches, "poll" in where or "select" in where


def at_rest(child: pexpect.spawn, since: int = -1, timeout: float = 30) -> None:
    """Until the program waits for a key again, having slept more than `since` times: all it was
    sent is read and answered.  A fixed pause is a guess that a loaded machine loses (a Tab's
    completion still being worked out, a Ctrl-C landing while CPython's readline echoes a key,
    outside its select(), where the signal is not seen until the next one); the kernel knows."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _sleeps(child.pid)
        if state is None:  # not Linux: a pause it is
            time.sleep(0.5)
            return
        if state[0] > since and state[1]:
            return
        time.sleep(0.005)
    raise AssertionError(f"the program did not come back to waiting for a key within {timeout} s")


def type_keys(child: pexpect.spawn, keys: str) -> None:
    """Type keys; return once the program has answered them and waits for the next."""
    state = _sleeps(child.pid)
    child.send(keys)
    at_rest(child, since=state[0] if state else -1)


def contains_in_order(haystack: list[str], needles: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


class Terminal:
    def __init__(self, home, cwd):
        self.env = {k: v for k, v in os.environ.items() if k not in ("HSMSHELL_WORLD", "XDG_DATA_HOME")}
        self.env.update(HOME=str(home), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
        self.cwd = str(cwd)

    def spawn(self, command: str, *args: str) -> pexpect.spawn:
        path = shutil.which(command)
        assert path, f"{command} is not installed (pip install .)"
        return pexpect.spawn(path, list(args), cwd=self.cwd, env=self.env, encoding="utf-8",
                             dimensions=(40, 200), timeout=30)

    def run(self, line: str) -> tuple[int, list[str]]:
        """`$ line` at a shell prompt: the seed's `aws ...` lines run as `hsmshell aws ...`."""
        words = line.split()
        assert words[0] == "aws"
        child = self.spawn("hsmshell", *words)
        child.expect(pexpect.EOF)
        child.close()
        return child.exitstatus, screen(child.before)


def step(child: pexpect.spawn, prompt: str, line: str, expected: list[str]) -> list[str]:
    child.expect_exact(prompt)
    child.sendline(line)
    child.expect_exact(expected[-1])
    seen = screen(child.before + expected[-1])
    assert contains_in_order(seen, expected), seen
    return seen


@pytest.fixture
def terminal(tmp_path):
    home, empty = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    empty.mkdir()
    # The default world, whose client host runs AWS CLI v1: the seed's output is v1's.
    store = open_store(home / ".local" / "share" / "hsmshell" / "world.yaml")
    store.create("default")
    with store.transaction() as world:
        world.client.aws_cli = 1
    return Terminal(home, empty)


def test_how_to_log_in_as_kmsuser(terminal):
    # How to disconnect and log in, step 1 (the fixture made the default world: nothing is said).
    assert terminal.run(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}") == (0, [])

    # Steps 2-4: cloudhsm_mgmt_util, log in as the crypto officer, change kmsuser's password.
    cmu = terminal.spawn("cloudhsm_mgmt_util", "/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg")
    cmu.expect_exact("aws-cloudhsm>")
    assert contains_in_order(screen(cmu.before), [
        "Connecting to the server(s), it may take time",
        "Connected to server '10.0.2.9': hostname '10.0.2.9', port 2225.",
        "Connected to server '10.0.3.11': hostname '10.0.3.11', port 2225.",
        "Connected to server '10.0.1.12': hostname '10.0.1.12', port 2225.",
    ])
    cmu.sendline("loginHSM CO admin co12345")
    cmu.expect_exact("loginHSM success on server 2(10.0.1.12)")
    assert contains_in_order(screen(cmu.before), [
        "loginHSM success on server 0(10.0.2.9)", "loginHSM success on server 1(10.0.3.11)"])
    step(cmu, "aws-cloudhsm>", "changePswd CU kmsuser tempPassword", [
        "*************************CAUTION********************************",
        "This is a CRITICAL operation, should be done on all nodes in the",
        "cluster. Cav server does NOT synchronize these changes with the",
        "nodes on which this operation is not executed or failed, please",
        "ensure this operation is executed on all nodes in the cluster.",
        "****************************************************************",
        "Do you want to continue(y/n)?",
    ])
    cmu.sendline("y")
    cmu.expect_exact("Changing password for kmsuser(CU) on 3 nodes")
    step(cmu, "aws-cloudhsm>", "quit", ["disconnecting from servers, please wait..."])
    cmu.expect(pexpect.EOF)

    # Step 5: log in to key_mgmt_util as kmsuser; then "How to log out and reconnect", step 1.
    kmu = terminal.spawn("key_mgmt_util")
    step(kmu, "Command:", "loginHSM -u CU -s kmsuser -p tempPassword", [
        "Cfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS",
        "Cluster Error Status",
        "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS",
        "Node id 1 and err state 0x00000000 : HSM Return: SUCCESS",
        "Node id 2 and err state 0x00000000 : HSM Return: SUCCESS",
    ])
    step(kmu, "Command:", " logoutHSM", [
        "Cfm3LogoutHSM returned: 0x00 : HSM Return: SUCCESS",
        "Cluster Error Status",
        "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS",
        "Node id 1 and err state 0x00000000 : HSM Return: SUCCESS",
    ])
    kmu.expect_exact("Command:")
    kmu.sendline("exit")
    kmu.expect(pexpect.EOF)

    # Steps 2-4 of "How to log out and reconnect".
    assert terminal.run(f"aws kms update-custom-key-store --custom-key-store-id {STORE} "
                        "--key-store-password tempPassword") == (0, [])
    assert terminal.run(f"aws kms connect-custom-key-store --custom-key-store-id {STORE}") == (0, [])
    status, out = terminal.run(f"aws kms describe-custom-key-stores --custom-key-store-id {STORE}")
    entry = json.loads("\n".join(out))["CustomKeyStores"][0]
    assert status == 0
    assert {k: entry[k] for k in ("CustomKeyStoreId", "CustomKeyStoreName", "CloudHsmClusterId",
                                  "ConnectionState", "CreationDate")} == {
        "CustomKeyStoreId": STORE, "CustomKeyStoreName": "ExampleKeyStore",
        "CloudHsmClusterId": "cluster-1a23b4cdefg", "ConnectionState": "CONNECTED",
        "CreationDate": 1499288695.918}
    assert entry["TrustAnchorCertificate"].startswith("-----BEGIN CERTIFICATE-----")

    # KMS rotated the password while connecting: tempPassword no longer opens kmsuser, neither
    # while the store is connected nor after it lets go of kmsuser.
    kmsuser_login_fails(terminal)
    assert terminal.run(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}") == (0, [])
    kmsuser_login_fails(terminal)


def kmsuser_login_fails(terminal) -> None:
    kmu = terminal.spawn("key_mgmt_util")
    step(kmu, "Command:", "loginHSM -u CU -s kmsuser -p tempPassword", [
        "Cfm3LoginHSM returned: 0xa3", "HSM Error: RET_USER_LOGIN_FAILURE", "Cluster Error Status"])
    kmu.expect_exact("Command:")
    kmu.sendline("exit")
    kmu.expect(pexpect.EOF)


def test_history_never_recalls_a_password(terminal):
    """Up-arrow at the prompt recalls earlier commands, but never one that carries a password."""
    cmu = terminal.spawn("cloudhsm_mgmt_util")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("listUsers")
    cmu.expect_exact("Number of users found:3")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("loginHSM CO admin co12345")
    cmu.expect_exact("loginHSM success on server 2(10.0.1.12)")
    cmu.expect_exact("aws-cloudhsm>")
    shown = io.StringIO()
    cmu.logfile_read = shown  # everything the terminal shows after the login line ran
    cmu.send("\x1b[A")  # up: the last line history kept
    cmu.expect(["listUsers", "loginHSM"])
    cmu.send("\x1b[A")  # up again: nothing older, or listUsers if the login line was kept
    cmu.send("\r")
    cmu.expect_exact("Number of users found:3")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)
    assert "co12345" not in ANSI.sub("", shown.getvalue())
