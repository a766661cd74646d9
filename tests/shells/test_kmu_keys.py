"""key_mgmt_util's keys are real: round trips through independent tools, ownership rules,
session keys, and files in the formats other tools read."""

from __future__ import annotations

import re

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

from hsmshell.cloudhsm.sessions import open_session
from hsmshell.world.model import Key

from .test_kmu import KMSUSER, kmsuser_password_known

CLUSTER = "cluster-1a23b4cdefg"


def handles(out: str, text: str) -> list[int]:
    return [int(h) for h in re.findall(text + r"(\d+)", out)]


def test_signature_verifies_with_the_exported_public_key(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    (tmp_path / "message").write_bytes(b"rehearse the runbook")
    out = doors.kmu(KMSUSER + "genRSAKeyPair -m 2048 -e 65537 -l signer\nexit\n")
    public, private = handles(out, r"public key handle: ")[0], handles(out, r"private key handle: ")[0]
    out = doors.kmu(KMSUSER + f"sign -f message -k {private} -m 1 -out message.sig\n"
                    f"exportPubKey -k {public} -out signer.pem\n"
                    f"verify -f message -s message.sig -k {public} -m 1\nexit\n")
    assert "signature is written to file message.sig" in out
    assert "PEM formatted public key is written to signer.pem" in out
    assert "Signature verification successful" in out
    key = serialization.load_pem_public_key((tmp_path / "signer.pem").read_bytes())
    key.verify((tmp_path / "message.sig").read_bytes(), b"rehearse the runbook", padding.PKCS1v15(), hashes.SHA256())
    (tmp_path / "message").write_bytes(b"tampered")
    out = doors.kmu(KMSUSER + f"verify -f message -s message.sig -k {public} -m 1\nexit\n")
    assert "Cfm3Verify returned: 0x1b\n\nCSP Error: ERR_BAD_PKCS_DATA" in out


def test_wrapped_and_unwrapped_key_is_byte_identical(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l wrapping\ngenSymKey -t 21 -s 24 -l secret\nexit\n")
    wrapping, secret = handles(out, r"Key Handle: ")
    out = doors.kmu(KMSUSER + f"wrapKey -k {secret} -w {wrapping} -m 4 -out secret.wrapped\n"
                    f"unWrapKey -f secret.wrapped -w {wrapping} -m 4\nexit\n")
    (copy,) = handles(out, r"Key Unwrapped.  Key Handle: ")
    out = doors.kmu(KMSUSER + f"exSymKey -k {secret} -w {wrapping} -out a.key\n"
                    f"exSymKey -k {copy} -w {wrapping} -out b.key\nexit\n")
    assert out.count('Wrapped Symmetric Key written to file') == 2
    assert (tmp_path / "a.key").read_bytes() == (tmp_path / "b.key").read_bytes()
    assert len((tmp_path / "a.key").read_bytes()) == 24


def test_exported_key_opens_what_the_hsm_key_wrapped(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    (tmp_path / "data").write_bytes(bytes(range(24)))
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 32 -l aes\nexit\n")
    (aes,) = handles(out, r"Key Handle: ")
    out = doors.kmu(KMSUSER + f"aesWrapUnwrap -m 1 -f data -w {aes} -out data.wrapped\n"
                    f"exSymKey -k {aes} -w {aes} -out aes.key\nexit\n")
    assert "0xA6A6A6A6A6A6A6A6 is considered as default IV" in out
    plain = aes_key_unwrap((tmp_path / "aes.key").read_bytes(), (tmp_path / "data.wrapped").read_bytes())
    # padded PKCS #5 style before it was wrapped, as aesWrapUnwrap.md's 24 bytes wrapped into 40
    assert plain == bytes(range(24)) + bytes([8]) * 8


def test_imported_key_is_the_file_and_is_not_local(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    (tmp_path / "aes256.key").write_bytes(bytes(range(32)))
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -sess -l import-wrapping-key\nexit\n")
    (wrapping,) = handles(out, r"Key Handle: ")
    # A session key vanishes with the session that made it: the next shell cannot use it.
    out = doors.kmu(KMSUSER + f"imSymKey -f aes256.key -t 31 -l imported -w {wrapping}\nexit\n")
    assert "Cfm3WrapHostKey returned: 0xa8" in out
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\nexit\n")
    (wrapping,) = handles(out, r"Key Handle: ")
    out = doors.kmu(KMSUSER + f"imSymKey -f aes256.key -t 31 -l imported -w {wrapping}\nexit\n")
    (imported,) = handles(out, r"Symmetric Key Unwrapped.  Key Handle: ")
    out = doors.kmu(KMSUSER + f"getAttribute -o {imported} -a 355 -out local\n"
                    f"exSymKey -k {imported} -w {wrapping} -out back.key\nexit\n")
    assert (tmp_path / "local").read_text() == "OBJ_ATTR_LOCAL\n0x00000000\n"
    assert (tmp_path / "back.key").read_bytes() == bytes(range(32))


def test_session_keys_live_on_one_node_and_end_with_the_session(doors, store):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -sess -l temp\nfindKey -sess 1\nexit\n")
    assert "Node id 2 and err state 0x00000000" in out.split("Symmetric Key Created")[1].split("Command:")[0]
    assert "Node id 0" not in out.split("Symmetric Key Created")[1].split("Command:")[0]
    assert "Total number of keys present 1" in out
    assert all(k.label != "temp" for k in store.read().clusters[CLUSTER].keys.values())


def test_new_handles_skip_another_sessions_keys_and_are_never_reused(doors, store):
    kmsuser_password_known(doors)
    with store.transaction() as world:
        cluster = world.clusters[CLUSTER]
        first = cluster.next_handle
        other = open_session(world, "other-login", "key_mgmt_util", CLUSTER, "kmsuser", "CU",
                             [cluster.hsms[0].hsm_id], None)
        cluster.keys[first] = Key(handle=first, owner=3, key_class=4, key_type=31, size=16, label="theirs",
                                  hsms=other.hsms, token=False, session_id=other.session_id)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l mine\nexit\n")
    (mine,) = handles(out, r"Key Handle: ")
    out = doors.kmu(KMSUSER + f"deleteKey -k {mine}\ngenSymKey -t 31 -s 16 -l again\nexit\n")
    assert (mine, handles(out, r"Key Handle: ")) == (first + 1, [first + 2])
    assert store.read().clusters[CLUSTER].keys[first].label == "theirs"


def test_only_the_owner_exports_and_non_extractable_keys_stay(doors, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\ngenSymKey -t 31 -s 32 -l nex -nex\nexit\n")
    wrapping, nex = handles(out, r"Key Handle: ")
    with store.transaction() as world:
        world.clusters[CLUSTER].keys[wrapping].owner = 1
        world.clusters[CLUSTER].keys[wrapping].shared_with = [3]
    out = doors.kmu(KMSUSER + f"exSymKey -k {nex} -w {wrapping} -out x\nexSymKey -k {wrapping} -w {wrapping} -out y\n"
                    "exit\n")
    assert "Cfm3WrapKey returned: 0xb1 : HSM Error: RET_KEY_NOT_EXTRACTABLE" in out
    assert "Cfm3WrapKey returned: 0xc6 : HSM Error: Key Access is denied." in out
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_backing_key_attributes_and_label(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "getAttribute -o 262162 -a 3 -out label\ngetAttribute -o 262162 -a 512 -out all\n"
                    "getAttribute -o 262162 -a 288 -out modulus\nexit\n")
    assert (tmp_path / "label").read_text().splitlines()[1].startswith("arn:aws:kms:us-west-2")
    lines = (tmp_path / "all").read_text().splitlines()
    assert lines[0::2] == ["OBJ_ATTR_CLASS", "OBJ_ATTR_KEY_TYPE", "OBJ_ATTR_TOKEN", "OBJ_ATTR_PRIVATE",
                           "OBJ_ATTR_ENCRYPT", "OBJ_ATTR_DECRYPT", "OBJ_ATTR_WRAP", "OBJ_ATTR_UNWRAP",
                           "OBJ_ATTR_SIGN", "OBJ_ATTR_VERIFY", "OBJ_ATTR_LOCAL", "OBJ_ATTR_SENSITIVE",
                           "OBJ_ATTR_EXTRACTABLE", "OBJ_ATTR_LABEL", "OBJ_ATTR_ID", "OBJ_ATTR_VALUE_LEN",
                           "OBJ_ATTR_KCV"]
    assert lines[1] == "0x04" and lines[3] == "0x1f" and lines[25] == "0x00" and lines[31] == "0x00000020"
    assert "attr cnt 17" in out
    assert "Cfm3GetAttribute returned: 0xab" in out  # an AES key has no modulus


def test_fake_pem_names_the_handle_and_a_real_key_is_real(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\ngenRSAKeyPair -m 2048 -e 65537 -l r\nexit\n")
    (wrapping,), private = handles(out, r"Key Handle: "), handles(out, r"private key handle: ")[0]
    out = doors.kmu(KMSUSER + f"getCaviumPrivKey -k {private} -out fake.pem\nIsValidKeyHandlefile -f fake.pem\n"
                    f"exportPrivateKey -k {private} -w {wrapping} -out real.pem\nIsValidKeyHandlefile -f real.pem\n"
                    "IsValidKeyHandlefile -f missing.pem\nexit\n")
    assert f"Input file has invalid key handle: {private}" in out
    assert "Input key file has real private key" in out
    assert "cannot read file missing.pem" in out
    serialization.load_pem_private_key((tmp_path / "real.pem").read_bytes(), None)
