"""The KMS runbook's procedures in CloudHSM CLI form, end to end through the console scripts
(`cloudhsm-cli --world PATH ...`, one process per command, as a script on the client host runs
them), with the KMS side through `hsmshell aws`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hsmshell.labs import seed
from hsmshell.testing.worlds import fresh_world

BIN = Path(sys.executable).parent
STORE_ID = "cks-1234567890abcdef0"
ADMIN = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}
TRAINING = Path(__file__).resolve().parents[3] / "hsmshell" / "training"


class Host:
    """The client host's `$`: cloudhsm-cli, configure-cli and aws on one world file."""

    def __init__(self, world: Path):
        self.world = world

    def run(self, program: str, *args: str, env: dict | None = None, input: str | None = None):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDHSM_")}
        environ.update(env or {})
        return subprocess.run([str(BIN / program), "--world", str(self.world), *args], env=environ,
                              input=input, capture_output=True, text=True, timeout=60)

    def cli(self, *args: str, env: dict | None = None, input: str | None = None) -> tuple[int, dict]:
        done = self.run("cloudhsm-cli", *args, env=env, input=input)
        return done.returncode, json.loads(done.stdout[done.stdout.index("{"):])

    def kmsuser(self, password: str, *args: str) -> tuple[int, dict]:
        return self.cli(*args, env={"CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": f"kmsuser:{password}"})

    def aws(self, *args: str) -> dict | str:
        done = self.run("hsmshell", "aws", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else ""


@pytest.fixture
def user_not_found(tmp_path) -> Host:
    # The lab's world, as an attempt that drew kmsuser made an admin (CO) and the documentation's
    # admin password would have it.
    drawn = {"bad.type": "CO", "bad.name": "kmsuser", "team_password": "kmsPswd2019", "co_password": "co12345"}
    lab_world = tmp_path / "lab" / "world.yaml"
    lab_world.parent.mkdir()
    lab_world.write_text(seed.world_text(TRAINING / "user-not-found" / "world.yaml", drawn))
    fresh_world(tmp_path, "world.yaml", base=lab_world.parent)
    return Host(tmp_path / "world.yaml")


@pytest.fixture
def orphaned(tmp_path) -> Host:
    fresh_world(tmp_path, "orphaned-key-material")
    return Host(tmp_path / "world.yaml")


def test_create_kmsuser_connect_and_find_a_kms_key_by_label_and_backing_key_id(user_not_found):
    host = user_not_found
    # kmsuser was made an admin by mistake (USER_NOT_FOUND): recreate it as a crypto user.
    assert host.cli("user", "delete", "--username", "kmsuser", "--role", "admin", env=ADMIN)[0] == 0
    status, created = host.cli("user", "create", "--username", "kmsuser", "--role", "crypto-user",
                               env=ADMIN, input="kmsPswd1\nkmsPswd1\n")
    assert (status, created) == (0, {"error_code": 0, "data": {"username": "kmsuser", "role": "crypto-user"}})
    host.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID, "--key-store-password", "kmsPswd1")
    host.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    arn = host.aws("kms", "create-key", "--origin", "AWS_CLOUDHSM", "--custom-key-store-id", STORE_ID)["KeyMetadata"]["Arn"]
    events = host.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                      "AttributeKey=EventName,AttributeValue=CreateKey")["Events"]
    backing = json.loads(json.loads(events[0]["CloudTrailEvent"])["additionalEventData"]["backingKey"])
    # While KMS holds kmsuser, nobody else logs in as kmsuser, and its password cannot change.
    assert host.kmsuser("kmsPswd1", "key", "list")[0] == 1
    status, refused = host.cli("user", "change-password", "--username", "kmsuser", "--role", "crypto-user",
                               "--password", "kmsPswd2", env=ADMIN)
    assert (status, refused["error_code"]) == (1, 1)
    # How to disconnect and log in: KMS rotated the password, so an admin sets a known one.
    host.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert host.cli("user", "change-password", "--username", "kmsuser", "--role", "crypto-user",
                    "--password", "kmsPswd2", env=ADMIN)[0] == 0
    status, by_label = host.kmsuser("kmsPswd2", "key", "list", "--filter", f'attr.label={arn}', "--verbose")
    assert status == 0 and by_label["data"]["total_key_count"] == 1
    key = by_label["data"]["matched_keys"][0]
    assert key["key-reference"] == f"0x{int(backing['keyHandle']):016x}"
    # The CloudHSM id attribute holds the backingKeyId's ASCII: `echo -n <id> | xxd -p`.
    key_id = "0x" + backing["backingKeyId"].encode().hex()
    assert key["attributes"]["id"] == key_id
    status, by_id = host.kmsuser("kmsPswd2", "key", "list", "--filter", f"attr.id={key_id}", "--verbose")
    assert by_id["data"]["matched_keys"] == [key]
    status, everything = host.kmsuser("kmsPswd2", "key", "list")
    assert [k["attributes"]["label"] for k in everything["data"]["matched_keys"]] == [arn]


def test_delete_orphaned_key_material(orphaned):
    host = orphaned  # the key store is disconnected: KMS could not delete the material itself
    host.cli("user", "change-password", "--username", "kmsuser", "--role", "crypto-user", "--password", "kmsPswd1",
             env=ADMIN)
    _, listed = host.kmsuser("kmsPswd1", "key", "list")
    known = {k["Arn"] for k in [host.aws("kms", "describe-key", "--key-id", k["KeyId"])["KeyMetadata"]
                                for k in host.aws("kms", "list-keys")["Keys"]]}
    orphans = [k for k in listed["data"]["matched_keys"] if k["attributes"]["label"] not in known]
    assert [k["key-reference"] for k in orphans] == ["0x0000000000040012"]
    status, deleted = host.kmsuser("kmsPswd1", "key", "delete", "--filter", "key-reference=0x0000000000040012")
    assert (status, deleted) == (0, {"error_code": 0, "data": {"message": "Key deleted successfully"}})
    _, after = host.kmsuser("kmsPswd1", "key", "list")
    assert after["data"]["total_key_count"] == 1
    # Log out and reconnect: KMS must be told the password set for kmsuser.
    host.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID, "--key-store-password", "kmsPswd1")
    host.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE_ID)
    assert host.aws("kms", "describe-custom-key-stores")["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"


SCRIPT = r"""
set -u
cli() { cloudhsm-cli --world "$WORLD" "$@"; }
code() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("error_code", 1))'; }
export CLOUDHSM_ROLE=admin CLOUDHSM_PIN=admin:co12345
cli user create --username scripted --role crypto-user --password scriptPw1 | code
cli user create --username scripted --role crypto-user --password scriptPw1 > again.json
echo "status=$? code=$(code < again.json)"
cli user list | python3 -c 'import json,sys; print(" ".join(u["username"] for u in json.load(sys.stdin)["data"]["users"]))'
cli user frobnicate 2> /dev/null > /dev/null; echo "usage=$?"
"""


def test_single_command_mode_in_a_shell_script(world_path, tmp_path):
    """Scripts test `.error_code` in the JSON; the exit status follows it (0, or 1), and a
    command line clap rejects ends with 2."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDHSM_")}
    environ.update(WORLD=str(world_path), PATH=f"{BIN}{os.pathsep}{environ.get('PATH', '')}")
    done = subprocess.run(["bash", "-c", SCRIPT], cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.splitlines() == ["0", "status=1 code=1", "admin kmsuser scripted app_user", "usage=2"], \
        done.stderr
