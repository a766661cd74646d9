"""key_mgmt_util's keys are real: round trips through independent tools, ownership rules,
session keys, and files in the formats other tools read."""

from __future__ import annotations

import base64
import math
import random
import re

import pytest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
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


MARKER = 0xEEFCFCEA  # CAV_SIG_HSM_KEY of the Cfm2Util source: the first prime of a fake PEM file


def _der(tag: int, content: bytes) -> bytes:
    """A DER element, its length in the short or the shortest long form (X.690 8.1.3)."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def _int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _pem(der: bytes) -> bytes:
    body = base64.b64encode(der)
    return b"\n".join([b"-----BEGIN RSA PRIVATE KEY-----", *(body[i:i + 64] for i in range(0, len(body), 64)),
                       b"-----END RSA PRIVATE KEY-----"]) + b"\n"


def _probable_prime(rand: random.Random, bits: int) -> int:
    """A prime of exactly bits bits with its top two bits set (so two of them make a modulus of
    twice the bits): Miller-Rabin with 32 random bases."""
    while True:
        p = rand.getrandbits(bits) | (3 << (bits - 2)) | 1
        d, s = p - 1, 0
        while d % 2 == 0:
            d, s = d // 2, s + 1
        for _ in range(32):
            x = pow(rand.randrange(2, p - 1), d, p)
            if x in (1, p - 1):
                continue
            for _ in range(s - 1):
                x = pow(x, 2, p)
                if x == p - 1:
                    break
            else:
                break
        else:
            return p


def _rsa_pem(bits: int) -> bytes:
    """An RSA private key whose modulus has exactly bits bits (cryptography makes none under 1024)."""
    rand = random.Random(bits)
    while True:
        p, q = _probable_prime(rand, bits // 2), _probable_prime(rand, bits - bits // 2)
        if p != q and math.gcd(65537, (p - 1) * (q - 1)) == 1:
            break
    d = pow(65537, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
                                    rsa.RSAPublicNumbers(65537, p * q))
    return numbers.private_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                               serialization.NoEncryption())


# The modulus's INTEGER takes 127 bytes (a short length, the longest), 128 (the shortest long one,
# 0x81 0x80), 129 and 257; the SEQUENCE's length takes one byte (0x81) for the first three, two for 2048.
@pytest.mark.parametrize("bits", [1010, 1016, 1024, 2048])
def test_fake_pem_is_a_pkcs1_key_other_tools_read(doors, tmp_path, monkeypatch, bits):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    (tmp_path / "rsa.pem").write_bytes(_rsa_pem(bits))
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\nexit\n")
    (wrapping,) = handles(out, r"Key Handle: ")
    out = doors.kmu(KMSUSER + f"importPrivateKey -f rsa.pem -l imported -w {wrapping}\nexit\n")
    (private,) = handles(out, r"Key Handle: ")
    assert private > 65535  # the private exponent takes a multi-byte INTEGER
    out = doors.kmu(KMSUSER + f"getCaviumPrivKey -k {private} -out fake.pem\nIsValidKeyHandlefile -f fake.pem\nexit\n")
    assert f"Input file has invalid key handle: {private}" in out
    pem = (tmp_path / "fake.pem").read_bytes()
    # The fake key fails RSA's checks (its "primes" are the marker and 1), so they are skipped.
    key = serialization.load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)
    numbers = key.private_numbers()
    real = serialization.load_pem_private_key(_rsa_pem(bits), None).private_numbers().public_numbers
    assert numbers.public_numbers == real and numbers.public_numbers.n.bit_length() == bits
    assert (numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp) == (private, MARKER, 1, 0, 0, 0)
    # DER, not merely BER: what an independent encoder makes of the same numbers, byte for byte.
    again = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption())
    assert pem == again


def test_get_cavium_priv_key_takes_only_rsa_private_keys(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "genSymKey -t 31 -s 16 -l w\ngenRSAKeyPair -m 2048 -e 65537 -l r\n"
                    "genECCKeyPair -i 2 -l ec\nexit\n")
    (aes,), rsa_public, ec_private = (handles(out, r"Key Handle: "), handles(out, r"public key handle: ")[0],
                                      handles(out, r"private key handle: ")[1])
    for handle in (aes, rsa_public, ec_private):
        out = doors.kmu(KMSUSER + f"getCaviumPrivKey -k {handle} -out fake.pem\nexit\n")
        assert "getCaviumPrivKey returned: 0x" in out and "in fake PEM format" not in out, handle
        assert "Traceback" not in out and not (tmp_path / "fake.pem").exists(), handle


def _fake(n: int, handle: int, marker: int = MARKER, count: int = 9) -> bytes:
    """The DER of a fake PEM file written here (the numbers getCaviumPrivKey writes, or some other count)."""
    return _der(0x30, b"".join(_int(v) for v in [0, n, 65537, handle, marker, 1, 0, 0, 0, 0][:count]))


N = (1 << 1015) | 0x1234567  # 128 bytes of content with a leading zero: the length is 0x81 0x80
FAKE = _fake(N, 262150)
NO_KEY = "Input file has no private key"  # GAP: the tool's text for a file that is neither is undocumented


def _no_zero_marker() -> bytes:
    """The marker's INTEGER without the leading zero DER needs: it reads as a negative number."""
    content = b"".join(_int(v) for v in [0, N, 65537, 262150]) + b"\x02\x04" + MARKER.to_bytes(4, "big")
    return _der(0x30, content + b"".join(_int(v) for v in [1, 0, 0, 0]))


def _indefinite_length() -> bytes:
    """The modulus's length 128 written 0x80, the indefinite form DER forbids (X.690 10.1)."""
    content = b"".join(_int(v) for v in [0, N, 65537, 262150, MARKER, 1, 0, 0, 0])
    return _der(0x30, content.replace(b"\x02\x81\x80", b"\x02\x80", 1))


def _short_sequence() -> bytes:
    """A SEQUENCE whose length stops one byte short of its last INTEGER."""
    assert FAKE[1] == 0x81
    return FAKE[:2] + bytes([FAKE[2] - 1]) + FAKE[3:]


# What IsValidKeyHandlefile says of files written here.  A fake PEM file is the nine INTEGERs of
# a PKCS #1 RSAPrivateKey (version 0) whose first prime is the marker; anything else, a file the
# tool's OpenSSL would not parse as DER included, is not one.
KEY_FILES = {
    "fake": (_pem(FAKE), "Input file has invalid key handle: 262150"),
    "fake-small-handle": (_pem(_fake(N, 100)), "Input file has invalid key handle: 100"),
    "five-integers": (_pem(_fake(N, 262150, count=5)), NO_KEY),
    "ten-integers": (_pem(_fake(N, 262150, count=10)), NO_KEY),
    "marker-minus-one": (_pem(_fake(N, 262150, MARKER - 1)), NO_KEY),
    "marker-plus-one": (_pem(_fake(N, 262150, MARKER + 1)), NO_KEY),
    "negative-marker": (_pem(_no_zero_marker()), NO_KEY),
    "set-not-sequence": (_pem(b"\x31" + FAKE[1:]), NO_KEY),
    "low-tag": (_pem(b"\x10" + FAKE[1:]), NO_KEY),
    "boolean-version": (_pem(FAKE[:3] + b"\x01" + FAKE[4:]), NO_KEY),  # after 0x30 0x81 <length>
    "bit-string-version": (_pem(FAKE[:3] + b"\x03" + FAKE[4:]), NO_KEY),
    "indefinite-length": (_pem(_indefinite_length()), NO_KEY),
    "truncated": (_pem(FAKE[:-1]), NO_KEY),
    # GAP: bytes after the key's SEQUENCE.  OpenSSL's d2i reads the one object its length gives
    # and leaves what follows, so the file still names its handle.
    "trailing-bytes": (_pem(FAKE + b"\0\0"), "Input file has invalid key handle: 262150"),
    "integer-past-sequence": (_pem(_short_sequence()), NO_KEY),
    "two-begin-lines": (_pem(FAKE).replace(b"-----END", b"-----BEGIN RSA PRIVATE KEY-----\n" + base64.b64encode(FAKE)
                                           + b"\n-----END"), NO_KEY),
    "not-pem": (b"hello\n", NO_KEY),
    # GAP: the tool reads the file without a passphrase; an encrypted key is not one it can use.
    "encrypted": (rsa.generate_private_key(65537, 1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"passphrase")), NO_KEY),
}


def test_is_valid_key_handlefile_tells_fake_real_and_neither(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    for name, (data, _) in KEY_FILES.items():
        (tmp_path / name).write_bytes(data)
    out = doors.kmu(KMSUSER + "".join(f"IsValidKeyHandlefile -f {name}\n" for name in KEY_FILES) + "exit\n")
    assert "Traceback" not in out
    said = re.findall(r"Input (?:key )?file has [^\n]*", out)
    assert dict(zip(KEY_FILES, said)) == {name: text for name, (_, text) in KEY_FILES.items()}
