"""Two-factor authentication for crypto officers in cloudhsm_mgmt_util (manage-2fa.md): CMU
writes the authdata file of digests, the officer signs them with a real RSA-2048 key outside
the shell and adds the signatures (and public key), and each HSM checks them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from hsmshell.world.store import WorldError

from .test_cmu_conformance import EXAMPLE_NET, World, public_pem, user
from .test_cmu_quorum import after, session

WORLD = World(EXAMPLE_NET[:2], [user(1, "PCO", "admin"), user(2, "AU", "app_user"), user(3, "CU", "crypto_user3")])
ADMIN = ["loginHSM CO admin password1"]
ALICE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
HSMS = ["hsm-udw0tkfg1ab", "hsm-ogi3sywxbqx"]


def signed(key: rsa.RSAPrivateKey, *, public: bool = False, rehash: bool = False, file: str = "authdata"):
    """The officer's part: sign each digest CMU wrote (as the SHA-256 value it is, or hashed
    again as `openssl dgst -sha256 -sign` would) and put the signatures back in the file."""
    def sign(folder: Path) -> None:
        request = json.loads((folder / file).read_text())
        for entry in request["Data"]:
            digest = base64.b64decode(entry["Digest"])
            algorithm = hashes.SHA256() if rehash else utils.Prehashed(hashes.SHA256())
            entry["Signature"] = base64.b64encode(key.sign(digest, padding.PKCS1v15(), algorithm)).decode()
        if public:
            request["PublicKey"] = public_pem(key).decode()
        (folder / file).write_text(json.dumps(request))
    return sign


def run(tmp_path: Path, monkeypatch, *steps) -> list[str]:
    monkeypatch.chdir(tmp_path)
    return session(WORLD.write(tmp_path), steps)


CREATE_ALICE = [*ADMIN, "createUser CO alice password1 -2fa authdata", "y", signed(ALICE_KEY, public=True), "",
                "logoutHSM"]


def row(out: list[str], name: str) -> list[list[str]]:
    return [r.split() for r in after(out, "listUsers") if r.split()[2:3] == [name]]


def test_a_crypto_officer_created_with_2fa_logs_in_with_signed_digests(tmp_path, monkeypatch):
    requests = []
    out = run(tmp_path, monkeypatch, *ADMIN, "createUser CO alice password1 -2fa authdata", "y",
              lambda folder: requests.append(json.loads((folder / "authdata").read_text())),
              signed(ALICE_KEY, public=True), "", "listUsers", "logoutHSM",
              "loginHSM CO alice password1 -2fa login.json", signed(ALICE_KEY, file="login.json", rehash=True), "")
    assert requests[0]["Version"] == "1.0" and [d["HsmId"] for d in requests[0]["Data"]] == HSMS
    assert all(len(d["Digest"]) == 44 for d in requests[0]["Data"])  # Base64 of a SHA-256 size
    assert after(out, "createUser CO alice password1 -2fa authdata")[-3:] == [
        "Sign the digests in authdata with your private key, then add the signatures and your public key to the file.",
        "Enter the signed authdata file [authdata]:", "Creating User alice(CO) on 2 nodes"]
    assert row(out, "alice") == [["4", "CO", "alice", "YES", "0", "YES"]] * 2  # 2FA, and the key serves quorum too
    assert after(out, "loginHSM CO alice password1 -2fa login.json")[-2:] == [
        "loginHSM success on server 0(10.0.0.1)", "loginHSM success on server 1(10.0.0.2)"]


def test_a_2fa_officer_needs_the_second_factor_and_the_right_key(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *CREATE_ALICE, "loginHSM CO alice password1",
              "loginHSM CO alice password1 -2fa login.json", signed(OTHER_KEY, file="login.json"), "",
              "loginHSM CO alice password1 -2fa login.json", "", "listUsers")
    assert out.count("loginHSM failed: RET_USER_LOGIN_FAILURE") == 6
    assert "loginHSM success on server 0(10.0.0.1)" not in after(out, "loginHSM CO alice password1")
    assert row(out, "alice")[0][4] == "0"  # the password was right: nothing counts towards lockout


def test_change_password_without_2fa_removes_it_and_with_2fa_rotates_the_key(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *CREATE_ALICE, *ADMIN, "changePswd CO alice newPassword1", "y", "listUsers",
              "changePswd CO alice newPassword2 -2fa rotate", "y", signed(OTHER_KEY, public=True, file="rotate"), "",
              "logoutHSM", "loginHSM CO alice newPassword2 -2fa old", signed(ALICE_KEY, file="old"), "",
              "loginHSM CO alice newPassword2 -2fa new", signed(OTHER_KEY, file="new"), "", "listUsers")
    listings = [r for r in out if r[:1].isdigit() and r.split()[2:3] == ["alice"]]
    assert [r.split()[3:] for r in listings] == [["NO", "0", "NO"]] * 2 + [["YES", "0", "YES"]] * 2
    assert after(out, "loginHSM CO alice newPassword2 -2fa old").count("loginHSM failed: RET_USER_LOGIN_FAILURE") == 2
    assert after(out, "loginHSM CO alice newPassword2 -2fa new")[-1] == "loginHSM success on server 1(10.0.0.2)"


def test_2fa_is_for_crypto_officers_only_and_ignored_for_a_user_without_it(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *ADMIN, "createUser CU bob password1 -2fa authdata",
              "changePswd CU crypto_user3 password2 -2fa authdata", "logoutHSM",
              # admin has no 2FA: CMU still asks, and the unsigned answer is ignored.
              "loginHSM CO admin password1 -2fa authdata", "")
    assert out.count("Error: Two-factor authentication (-2fa) is only for crypto officers (CO).") == 2
    assert not (tmp_path / "authdata").read_text().count("Signature")
    assert after(out, "loginHSM CO admin password1 -2fa authdata")[-2:] == [
        "loginHSM success on server 0(10.0.0.1)", "loginHSM success on server 1(10.0.0.2)"]


def test_a_new_key_that_did_not_sign_is_refused_and_a_broken_file_is_reported(tmp_path, monkeypatch):
    def wrong_public_key(folder: Path) -> None:
        signed(ALICE_KEY, public=True)(folder)
        request = json.loads((folder / "authdata").read_text())
        request["PublicKey"] = public_pem(OTHER_KEY).decode()
        (folder / "authdata").write_text(json.dumps(request))

    out = run(tmp_path, monkeypatch, *ADMIN, "createUser CO alice password1 -2fa authdata", "y", wrong_public_key, "",
              "I", "I", "createUser CO carol password1 -2fa broken", "y",
              lambda folder: (folder / "broken").write_text("{not json"), "", "listUsers")
    assert out.count("createUser failed: RET_INVALID_SIGNATURE") == 2
    assert any(line.startswith("Error: broken: not an authdata file") for line in out)
    assert not [r for r in after(out, "listUsers") if "alice" in r or "carol" in r]


def test_a_world_giving_a_crypto_user_2fa_is_refused(tmp_path):
    path = WORLD.write(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["clusters"][0]["hsms"][0]["users"][2]["two_factor"] = True  # crypto_user3, as kmsuser would be
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(WorldError, match="two-factor authentication is for crypto officers only"):
        session(path, ["listUsers"])
