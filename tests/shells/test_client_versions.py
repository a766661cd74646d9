"""The SDK 3 client release of the world's client host (client.sdk3_version): `documented`
prints what the User Guide's examples show; a release prints what real sessions of that
release show (cloudhsm.client_versions)."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world.files import WorldError

from ..conftest import STORE_ID

ADMIN = "loginHSM CO admin co12345\n"
KMSUSER = "loginHSM -u CU -s kmsuser -p kmsPswd1\n"


@pytest.fixture
def release(store):
    def use(version: str) -> None:
        with store.transaction() as world:
            world.client.sdk3_version = version
    return use


def kmsuser_password(doors) -> None:
    """Disconnect the key store and give kmsuser a password the test knows."""
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    assert "Changing password for kmsuser(CU) on 3 nodes" in doors.cmu(ADMIN + "changePswd CU kmsuser kmsPswd1\ny\nquit\n")


def test_the_documented_output_is_the_default(doors):
    kmsuser_password(doors)
    out = doors.cmu(ADMIN + "createUser CU bob bobPassword1\ny\nquit\n")
    assert "E2E enabled" not in out and "createUser success" not in out
    assert "loginHSM failed: RET_USER_LOGIN_FAILURE" in doors.cmu("loginHSM CU bob wrongPass1\nquit\n")
    out = doors.kmu(KMSUSER + "findKey -c 4\nexit\n")
    assert "\tCluster Error Status" in out and "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS" in out


def test_a_later_release_says_e2e_and_reports_each_server(doors, release):
    kmsuser_password(doors)
    release("3.4.4")
    out = doors.cmu(ADMIN + "createUser CU bob bobPassword1\ny\nchangePswd CU bob bobPassword2\ny\n"
                    "createUser CU BOB bobPassword1\ny\nA\nquit\n")
    banner = out.split("aws-cloudhsm>", 1)[0]
    assert banner.endswith("Connected to server '10.0.1.12': hostname '10.0.1.12', port 2225.\n"
                           "E2E enabled on server 0(10.0.2.9)\nE2E enabled on server 1(10.0.3.11)\n"
                           "E2E enabled on server 2(10.0.1.12)\n")
    assert "Creating User bob(CU) on 3 nodes\ncreateUser success on server 0(10.0.2.9)\n" \
           "createUser success on server 1(10.0.3.11)\ncreateUser success on server 2(10.0.1.12)\n" in out
    assert "Changing password for bob(CU) on 3 nodes\nchangePswd success on server 0(10.0.2.9)\n" \
           "changePswd success on server 1(10.0.3.11)\nchangePswd success on server 2(10.0.1.12)\n" in out
    assert "createUser failed: HSM Error: This user is already created\n" \
           "creating user on server 0(10.0.2.9) failed\n" in out  # names are not case-sensitive
    assert "loginHSM failed: HSM Error: RET_USER_LOGIN_FAILURE" in doors.cmu("loginHSM CU bob wrongPass1\nquit\n")


def test_a_later_release_prints_cluster_status(doors, release):
    kmsuser_password(doors)
    release("3.2.1")
    out = doors.kmu(KMSUSER + "findKey -c 4\nexit\n")
    assert "\tCluster Status:\n\tNode id 0 status: 0x00000000 : HSM Return: SUCCESS\n" in out
    assert "Cluster Error Status" not in out
    release("3.2.0")  # before the first release known to print it
    assert "Cluster Error Status" in doors.kmu(KMSUSER + "findKey -c 4\nexit\n")


def test_enable_e2e_answers_in_every_release(doors, release):
    assert "aws-cloudhsm>enable_e2e\nE2E enabled on server 0(10.0.2.9)\nE2E enabled on server 1(10.0.3.11)\n" \
           "E2E enabled on server 2(10.0.1.12)\naws-cloudhsm>" in doors.cmu("enable_e2e\nquit\n")


@pytest.mark.parametrize("version", ["banana", "3.4", "2.0.0", "3.4.4-beta"])
def test_a_version_that_is_no_release_is_refused_where_it_is_written(world_path, version):
    text = world_path.read_text()
    world_path.write_text(text.replace("cmu_banner: legacy", f"cmu_banner: legacy\n  sdk3_version: '{version}'", 1))
    with pytest.raises(WorldError, match="sdk3_version"):
        open_store(world_path).read()


def test_a_later_release_lists_find_key_handles_as_scripts_read_them(doors, release, tmp_path, monkeypatch):
    """A public key-inventory script: `key_mgmt_util singlecmd ... findKey -l <label>`, then
    `grep -E "Total number of keys present: 1$"` and the handle after `Handles of matching keys:`
    with newlines removed and cut at the tab."""
    import re
    import subprocess

    kmsuser_password(doors)
    release("3.4.4")
    status, out, _ = doors.run(["key_mgmt_util", "singlecmd", "loginHSM", "-u", "CU", "-s", "kmsuser",
                                "-p", "kmsPswd1", "findKey", "-c", "4"])
    assert status == 0
    assert re.search(r"^Total number of keys present: 2\s*$", out, re.M)
    found = re.search(r"Handles of matching keys:\s*([0-9]*)", out.replace("\n", "")).group(0)
    assert subprocess.run(["cut", "-f", "2"], input=found, capture_output=True, text=True).stdout == "262162\n"


def test_a_later_release_says_a_private_key_is_imported(doors, release, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    monkeypatch.chdir(tmp_path)
    kmsuser_password(doors)
    key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\nexit\n")
    wrapping = out.split("Key Handle: ")[1].split()[0]
    out = doors.kmu(KMSUSER + f"importPrivateKey -f ec.key -l imported -w {wrapping}\nexit\n")
    assert "\tPrivate Key Unwrapped.  Key Handle: " in out
    release("3.4.4")
    out = doors.kmu(KMSUSER + f"importPrivateKey -f ec.key -l imported2 -w {wrapping}\nexit\n")
    assert "\tPrivate Key Imported.  Key Handle: " in out and "Unwrapped" not in out


@pytest.mark.parametrize("version, later", [("3.2.0", False), ("3.2.1", True)])
def test_each_change_is_printed_from_its_first_release_on(doors, release, tmp_path, monkeypatch, version, later):
    """3.2.1 is the first release known to print each change (client_versions.FIRST_RELEASE);
    3.2.0 prints what the User Guide's examples show."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    monkeypatch.chdir(tmp_path)
    kmsuser_password(doors)
    release(version)
    cmu = doors.cmu(ADMIN + "createUser CU bob bobPassword1\ny\ncreateUser CU BOB bobPassword1\ny\nA\nquit\n")
    (tmp_path / "ec.key").write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    kmu = doors.kmu(KMSUSER + "findKey -c 4\ngenSymKey -t 31 -s 16 -l w\nexit\n")
    wrapping = kmu.split("Key Handle: ")[1].split()[0]
    kmu += doors.kmu(KMSUSER + f"importPrivateKey -f ec.key -l imported -w {wrapping}\nexit\n")
    printed = {
        "E2E at start": "E2E enabled on server 0(10.0.2.9)\n" in cmu.split("aws-cloudhsm>", 1)[0],
        "per-server user results": "createUser success on server 0(10.0.2.9)\n" in cmu,
        "HSM error texts": "createUser failed: HSM Error: This user is already created\n" in cmu,
        "Cluster Status": "\tCluster Status:\n" in kmu,
        "findKey handles": "Total number of keys present: 2" in kmu,
        "Private Key Imported": "Private Key Imported.  Key Handle: " in kmu,
    }
    assert printed == dict.fromkeys(printed, later)
