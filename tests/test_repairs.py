"""The runbook's "How to fix invalid kmsuser credentials", end to end through the installed
console scripts: INVALID_CREDENTIALS and USER_LOCKED_OUT are reached from a world state and
repaired with the runbook's steps."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

STORE = "cks-1234567890abcdef0"


@pytest.fixture
def sh(world_path, tmp_path):
    env = {**os.environ, "HSMSHELL_WORLD": str(world_path)}

    def run(command: str, stdin: str = "") -> subprocess.CompletedProcess:
        words = command.split()
        if words[0] == "aws":  # the seed's `aws` lines run as `hsmshell aws`
            words = ["hsmshell"] + words
        words[0] = shutil.which(words[0]) or pytest.fail(f"{words[0]} is not installed")
        return subprocess.run(words, input=stdin, capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=60)
    return run


def describe(sh) -> dict:
    done = sh(f"aws kms describe-custom-key-stores --custom-key-store-id {STORE}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["CustomKeyStores"][0]


def change_kmsuser_password(sh, password: str) -> None:
    done = sh("cloudhsm_mgmt_util /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg",
              f"loginHSM CO admin co12345\nchangePswd CU kmsuser {password}\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 3 nodes" in done.stdout
    assert "changePswd failed" not in done.stdout


def repair(sh, password: str) -> None:
    """1. Disconnect. 2. (read the error code) 3. set a known password with changePswd and
    tell KMS with update-custom-key-store. 4. Connect."""
    assert sh(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}").returncode == 0
    change_kmsuser_password(sh, password)
    assert sh(f"aws kms update-custom-key-store --custom-key-store-id {STORE} "
              f"--key-store-password {password}").returncode == 0
    assert sh(f"aws kms connect-custom-key-store --custom-key-store-id {STORE}").returncode == 0
    assert describe(sh)["ConnectionState"] == "CONNECTED"
    assert "ConnectionErrorCode" not in describe(sh)


def test_invalid_credentials_reached_and_repaired(sh):
    # Someone disconnected the store and changed kmsuser's password without telling KMS.
    assert sh(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}").returncode == 0
    change_kmsuser_password(sh, "someoneElsesPw1")
    assert sh(f"aws kms connect-custom-key-store --custom-key-store-id {STORE}").returncode == 0
    entry = describe(sh)
    assert (entry["ConnectionState"], entry["ConnectionErrorCode"]) == ("FAILED", "INVALID_CREDENTIALS")
    repair(sh, "tempPassword")


def test_user_locked_out_reached_and_repaired(sh):
    assert sh(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}").returncode == 0
    change_kmsuser_password(sh, "someoneElsesPw1")
    codes = []
    for attempt in range(6):
        if attempt:  # a FAILED store must be disconnected before it connects again
            sh(f"aws kms disconnect-custom-key-store --custom-key-store-id {STORE}")
        sh(f"aws kms connect-custom-key-store --custom-key-store-id {STORE}")
        codes.append(describe(sh)["ConnectionErrorCode"])
    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["USER_LOCKED_OUT"]
    # Locked means locked: even the right password no longer opens kmsuser.
    kmu = sh("key_mgmt_util", "loginHSM -u CU -s kmsuser -p someoneElsesPw1\nexit\n")
    assert "Cfm3LoginHSM returned: 0xa3" in kmu.stdout
    repair(sh, "tempPassword")
