"""Real cryptography: signatures OpenSSL verifies, key files OpenSSL reads, wrapped keys that
unwrap (with the CLI, and with OpenSSL where the private half is outside the HSM)."""

from __future__ import annotations

import base64
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding, aes_key_wrap_with_padding

from hsmshell.cloudhsm import attributes as attr
from hsmshell.cloudhsm.signatures import HASHES

from hsmshell.shells.cli.wrapping import MECHANISMS


def openssl(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("kind,args,mechanism,extra", [
    ("rsa", ["--modulus-size-bits", "2048", "--public-exponent", "65537"], "rsa-pkcs", []),
    ("rsa", ["--modulus-size-bits", "2048", "--public-exponent", "65537"], "rsa-pkcs-pss",
     ["--mgf", "mgf1-sha256", "--salt-length", "32"]),
    ("ec", ["--curve", "secp256r1"], "ecdsa", []),
])
def test_signature_verifies_with_openssl(kmsuser, tmp_path, kind, args, mechanism, extra):
    made = kmsuser("key", "generate-asymmetric-pair", kind, "--public-label", "pub", "--private-label", "priv", *args)
    data = made.json["data"]
    assert data["public_key"]["attributes"]["check-value"] == data["private_key"]["attributes"]["check-value"]
    (tmp_path / "data.bin").write_bytes(b"rehearse the runbook")
    signed = kmsuser("crypto", "sign", mechanism, "--key-filter", "attr.label=priv", "--hash-function", "sha256",
                     "--data-path", str(tmp_path / "data.bin"), *extra).json["data"]
    assert signed["key-reference"] == data["private_key"]["key-reference"]
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(signed["signature"]))
    assert kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "pub.pem"),
                   "--filter", "attr.label=pub").json["error_code"] == 0
    pss = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] if mechanism == "rsa-pkcs-pss" else []
    done = openssl("dgst", "-sha256", "-verify", "pub.pem", *pss, "-signature", "sig.bin", "data.bin", cwd=tmp_path)
    assert done.stdout.strip() == "Verified OK", done.stderr
    verified = kmsuser("crypto", "verify", mechanism, "--key-filter", "attr.label=pub", "--hash-function", "sha256",
                       "--data", base64.b64encode(b"rehearse the runbook").decode(),
                       "--signature", signed["signature"], *extra)
    assert verified.json == {"error_code": 0, "data": {"message": "Signature verified successfully"}}
    tampered = kmsuser("crypto", "verify", mechanism, "--key-filter", "attr.label=pub", "--hash-function", "sha256",
                       "--data", base64.b64encode(b"another text").decode(), "--signature", signed["signature"],
                       *extra)
    assert tampered.json == {"error_code": 1, "data": "Signature verification failed"}


def test_generate_file_writes_pem_openssl_reads_and_a_reference_pem(kmsuser, tmp_path):
    kmsuser("key", "generate-asymmetric-pair", "ec", "--public-label", "ecpub", "--private-label", "ecpriv",
            "--curve", "secp384r1")
    kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "ec.pem"),
            "--filter", "attr.label=ecpub")
    done = openssl("pkey", "-pubin", "-in", "ec.pem", "-noout", "-text", cwd=tmp_path)
    assert done.returncode == 0 and "NIST CURVE: P-384" in done.stdout
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "rsapub", "--private-label", "rsapriv",
            "--modulus-size-bits", "2048", "--public-exponent", "65537")
    ref = kmsuser("key", "generate-file", "--encoding", "reference-pem", "--path", str(tmp_path / "ref.pem"),
                  "--filter", "attr.label=rsapriv")
    assert ref.json == {"error_code": 0, "data": {"message": "Successfully generated key file"}}
    done = openssl("pkey", "-in", "ref.pem", "-noout", cwd=tmp_path)  # a fake PEM OpenSSL still parses
    assert done.returncode == 0, done.stderr
    secret = kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "x.pem"),
                     "--filter", "attr.label=ecpriv", "attr.class=public-key")
    assert secret.json == {"error_code": 1, "data": "No key matched the filter"}


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_a_wrapped_key_unwraps_to_the_same_key(kmsuser, mechanism):
    rsa_mechanism = mechanism.startswith("rsa")
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"] if mechanism in ("rsa-aes", "rsa-oaep") else []
    if rsa_mechanism:
        kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "kek", "--private-label", "kek",
                "--modulus-size-bits", "2048", "--public-exponent", "65537")
        wrapping, unwrapping = ["attr.label=kek", "attr.class=public-key"], ["attr.label=kek", "attr.class=private-key"]
    else:
        kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
                "--attributes", "wrap=true", "unwrap=true")
        wrapping = unwrapping = ["attr.label=kek"]
    payload = kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "24").json
    wrapped = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload",
                      "--wrapping-filter", *wrapping, *hashing).json["data"]
    assert wrapped["payload_key_reference"] == payload["data"]["key"]["key-reference"]
    unwrapped = kmsuser("key", "unwrap", mechanism, "--filter", *unwrapping, "--data", wrapped["wrapped_key_data"],
                        "--key-type-class", "aes", "--label", "copy", *hashing).json["data"]["key"]
    assert unwrapped["attributes"]["check-value"] == payload["data"]["key"]["attributes"]["check-value"]
    assert unwrapped["attributes"]["local"] is False


def test_rsa_oaep_wrapped_key_unwraps_with_openssl(kmsuser, tmp_path):
    """The wrapping key's private half lives outside the HSM: OpenSSL unwraps, and the key it
    gets has the check value the HSM reports (AES-ECB of a zero block)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "priv.pem").write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                                              serialization.PrivateFormat.PKCS8,
                                                              serialization.NoEncryption()))
    (tmp_path / "pub.pem").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    imported = kmsuser("key", "import", "pem", "--path", str(tmp_path / "pub.pem"), "--label", "outside",
                       "--key-type-class", "rsa-public", "--attributes", "wrap=true")
    assert imported.json["data"]["key"]["attributes"]["class"] == "public-key"
    payload = kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16").json
    wrapped = kmsuser("key", "wrap", "rsa-oaep", "--payload-filter", "attr.label=payload", "--wrapping-filter",
                      "attr.label=outside", "--hash-function", "sha256", "--mgf", "mgf1-sha256",
                      "--path", str(tmp_path / "wrapped.bin")).json
    assert wrapped["error_code"] == 0
    done = openssl("pkeyutl", "-decrypt", "-inkey", "priv.pem", "-in", "wrapped.bin", "-out", "key.bin",
                   "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    key = (tmp_path / "key.bin").read_bytes()
    (tmp_path / "zero.bin").write_bytes(bytes(16))
    done = subprocess.run(["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", key.hex(), "-in", "zero.bin"],
                          capture_output=True, timeout=60, cwd=tmp_path)
    assert "0x" + done.stdout[:3].hex() == payload["data"]["key"]["attributes"]["check-value"]


def test_import_pem_ec_public_key_and_refusals(kmsuser, tmp_path):
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    (tmp_path / "ec.pem").write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    made = kmsuser("key", "import", "pem", "--path", str(tmp_path / "ec.pem"), "--label", "ecpub",
                   "--key-type-class", "ec-public").json["data"]["key"]
    assert (made["attributes"]["curve"], made["attributes"]["local"]) == ("secp256r1", False)
    wrong = kmsuser("key", "import", "pem", "--path", str(tmp_path / "ec.pem"), "--label", "x",
                    "--key-type-class", "rsa-public")
    assert wrong.json["error_code"] == 1
    assert kmsuser("crypto", "sign", "ecdsa", "--key-filter", "attr.label=ecpub", "--hash-function", "sha256",
                   "--data", "aGVsbG8=").json == {"error_code": 1, "data": "The key cannot be used for this operation"}
    not_extractable = kmsuser("key", "wrap", "aes-gcm", "--payload-filter",
                              "attr.label=arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                              "--wrapping-filter",
                              "attr.label=arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321")
    assert not_extractable.json == {"error_code": 1, "data": "The key is not extractable"}


REFUSED = {"error_code": 1, "data": "The key cannot be used for this operation"}
BAD_DATA = {"error_code": 1, "data": "Invalid value for wrapped key data"}


def kcv(key: bytes) -> str:
    """A secret key's check value as the HSM reports it: AES-ECB of a zero block, 3 bytes."""
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return "0x" + (encryptor.update(bytes(16)) + encryptor.finalize())[:3].hex()


def outside_rsa_kek(kmsuser, tmp_path, label: str = "outside") -> rsa.RSAPrivateKey:
    """An RSA key pair whose private half stays outside the HSM; its public half, imported, wraps."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / f"{label}.pem").write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert kmsuser("key", "import", "pem", "--path", str(tmp_path / f"{label}.pem"), "--label", label,
                   "--key-type-class", "rsa-public", "--attributes", "wrap=true").json["error_code"] == 0
    return private


@pytest.mark.parametrize("mechanism,hash_name,mgf", [
    ("rsa-oaep", "sha1", "mgf1-sha1"), ("rsa-oaep", "sha256", "mgf1-sha1"), ("rsa-oaep", "sha384", "mgf1-sha224"),
    ("rsa-aes", "sha1", "mgf1-sha1"), ("rsa-aes", "sha512", "mgf1-sha256"),
])
def test_rsa_oaep_and_rsa_aes_use_the_hash_and_mgf_asked_for(kmsuser, tmp_path, mechanism, hash_name, mgf):
    """The OAEP hash and the MGF1 hash are each the one named (PKCS #11's CK_RSA_PKCS_OAEP_PARAMS
    carries both): an independent implementation, told the same, unwraps.  rsa-aes is
    CKM_RSA_AES_KEY_WRAP: the ephemeral AES-256 key under OAEP (modulus-size bytes), then the
    payload under AES key wrap with padding (RFC 5649)."""
    private = outside_rsa_kek(kmsuser, tmp_path)
    payload = kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16").json
    wrapped = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload", "--wrapping-filter",
                      "attr.label=outside", "--hash-function", hash_name, "--mgf", mgf).json["data"]
    data = base64.b64decode(wrapped["wrapped_key_data"])
    oaep = padding.OAEP(mgf=padding.MGF1(HASHES[mgf.removeprefix("mgf1-")]()), algorithm=HASHES[hash_name](),
                        label=None)
    if mechanism == "rsa-aes":
        key = aes_key_unwrap_with_padding(private.decrypt(data[:256], oaep), data[256:])
    else:
        key = private.decrypt(data, oaep)
    assert kcv(key) == payload["data"]["key"]["attributes"]["check-value"]


@pytest.mark.parametrize("mechanism", ["aes-gcm", "cloudhsm-aes-gcm"])
def test_gcm_wrapping_authenticates_the_aad(kmsuser, mechanism):
    """The 12-byte IV, then the ciphertext and its 16-byte tag; the AAD must be the same to unwrap."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", "wrap=true", "unwrap=true")
    payload = kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "24").json
    wrapped = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload", "--wrapping-filter",
                      "attr.label=kek", "--aad", "0x0102030405").json["data"]["wrapped_key_data"]
    assert len(base64.b64decode(wrapped)) == 12 + 24 + 16

    def unwrap(*aad: str) -> dict:
        return kmsuser("key", "unwrap", mechanism, "--filter", "attr.label=kek", "--data", wrapped,
                       "--key-type-class", "aes", "--label", "copy", *aad).json

    assert unwrap() == BAD_DATA
    assert unwrap("--aad", "0102030406") == BAD_DATA
    copy = unwrap("--aad", "0102030405")["data"]["key"]
    assert copy["attributes"]["check-value"] == payload["data"]["key"]["attributes"]["check-value"]


@pytest.mark.parametrize("mechanism", ["aes-no-pad", "aes-pkcs5-pad", "aes-zero-pad"])
def test_only_aes_no_pad_needs_a_payload_of_whole_blocks(kmsuser, mechanism):
    """RFC 3394 wraps whole 8-byte blocks: aes-no-pad refuses a 20-byte key, the padding
    mechanisms pad it first (aes-zero-pad's copy keeps the zeros it was padded with)."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", "wrap=true", "unwrap=true")
    kmsuser("key", "generate-symmetric", "generic-secret", "--label", "payload", "--key-length-bytes", "20")
    wrapped = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload",
                      "--wrapping-filter", "attr.label=kek").json
    if mechanism == "aes-no-pad":
        assert wrapped == REFUSED
        return
    copy = kmsuser("key", "unwrap", mechanism, "--filter", "attr.label=kek", "--data",
                   wrapped["data"]["wrapped_key_data"], "--key-type-class", "generic-secret",
                   "--label", "copy").json["data"]["key"]
    assert copy["attributes"]["key-length-bytes"] == (20 if mechanism == "aes-pkcs5-pad" else 24), copy


def _rsa_pair(kmsuser, label: str) -> None:
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", label, "--private-label", label,
            "--modulus-size-bits", "2048", "--public-exponent", "65537")


@pytest.mark.parametrize("command,mechanism,setup,kek", [
    # An EC public key, even one allowed to wrap, is no RSA key.
    ("wrap", "rsa-oaep", ["key", "generate-asymmetric-pair", "ec", "--public-label", "kek", "--private-label",
                          "kek-priv", "--curve", "secp256r1"], ["attr.label=kek", "attr.class=public-key"]),
    # An RSA private key allowed to wrap: RSA wraps with the public half.
    ("wrap", "rsa-pkcs", None, ["attr.label=kek", "attr.class=private-key"]),
    # An RSA public key allowed to unwrap: RSA unwraps with the private half.
    ("unwrap", "rsa-oaep", None, ["attr.label=kek", "attr.class=public-key"]),
    # A generic secret of AES-256's length is no AES key.
    ("wrap", "aes-gcm", ["key", "generate-symmetric", "generic-secret", "--label", "kek", "--key-length-bytes", "32"],
     ["attr.label=kek"]),
    ("wrap", "aes-no-pad", ["key", "generate-symmetric", "generic-secret", "--label", "kek",
                            "--key-length-bytes", "16"], ["attr.label=kek"]),
])
def test_a_wrapping_key_of_the_wrong_type_or_class_is_refused(kmsuser, command, mechanism, setup, kek):
    if setup is None:
        _rsa_pair(kmsuser, "kek")
    else:
        assert kmsuser(*setup).json["error_code"] == 0
    use = "wrap" if command == "wrap" else "unwrap"
    assert kmsuser("key", "set-attribute", "--filter", *kek, "--name", use, "--value", "true").json["error_code"] == 0
    kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16")
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"] if mechanism == "rsa-oaep" else []
    if command == "wrap":
        done = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload", "--wrapping-filter", *kek,
                       *hashing)
    else:
        _rsa_pair(kmsuser, "good")
        wrapped = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload", "--wrapping-filter",
                          "attr.label=good", "attr.class=public-key", *hashing).json["data"]["wrapped_key_data"]
        done = kmsuser("key", "unwrap", mechanism, "--filter", *kek, "--data", wrapped, "--key-type-class", "aes",
                       "--label", "copy", *hashing)
    assert done.json == REFUSED


@pytest.mark.parametrize("command", ["wrap", "unwrap"])
def test_a_wrapping_key_must_allow_the_use(kmsuser, command):
    """An AES key generate-symmetric makes may not wrap or unwrap until its attributes say so."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", f"{'unwrap' if command == 'wrap' else 'wrap'}=true")
    kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16")
    wrapped = kmsuser("key", "wrap", "aes-gcm", "--payload-filter", "attr.label=payload",
                      "--wrapping-filter", "attr.label=kek")
    if command == "wrap":
        assert wrapped.json == REFUSED
        return
    done = kmsuser("key", "unwrap", "aes-gcm", "--filter", "attr.label=kek", "--data",
                   wrapped.json["data"]["wrapped_key_data"], "--key-type-class", "aes", "--label", "copy")
    assert done.json == REFUSED


def test_only_the_owner_of_a_payload_wraps_it(kmsuser, cli):
    """A key shared with a user is the owner's to wrap, whichever of the two was made first."""
    cli.as_admin("user", "create", "--username", "alice", "--role", "crypto-user", "--password", "alicePw1")
    alice = lambda *args: cli.as_user("alice", "alicePw1", *args)  # noqa: E731
    for user, label, other in ((kmsuser, "kms-payload", "alice"), (alice, "alice-payload", "kmsuser")):
        user("key", "generate-symmetric", "aes", "--label", label, "--key-length-bytes", "16",
             "--share-crypto-users", other)
        user("key", "generate-symmetric", "aes", "--label", f"{label}-kek", "--key-length-bytes", "32",
             "--attributes", "wrap=true")
    for user, label, kek in ((alice, "kms-payload", "alice-payload-kek"), (kmsuser, "alice-payload", "kms-payload-kek")):
        done = user("key", "wrap", "aes-gcm", "--payload-filter", f"attr.label={label}",
                    "--wrapping-filter", f"attr.label={kek}")
        assert done.json == {"error_code": 1, "data": "Only the owner of the key can perform this operation"}
        assert user("key", "wrap", "aes-gcm", "--payload-filter", f"attr.label={kek.removesuffix('-kek')}",
                    "--wrapping-filter", f"attr.label={kek}").json["error_code"] == 0


@pytest.mark.parametrize("mechanism", ["rsa-oaep", "rsa-pkcs"])
def test_rsa_oaep_and_rsa_pkcs_wrap_only_secret_keys(kmsuser, mechanism):
    """PKCS #11's RSA encryption wraps a secret key's value; a private key (an EC P-256 key's
    PKCS #8 would fit in one RSA-2048 block) needs rsa-aes."""
    _rsa_pair(kmsuser, "kek")
    kmsuser("key", "generate-asymmetric-pair", "ec", "--public-label", "ecpub", "--private-label", "ecpriv",
            "--curve", "secp256r1")
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"] if mechanism == "rsa-oaep" else []
    done = kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=ecpriv", "--wrapping-filter",
                   "attr.label=kek", "attr.class=public-key", *hashing)
    assert done.json == REFUSED
    assert kmsuser("key", "wrap", "rsa-aes", "--payload-filter", "attr.label=ecpriv", "--wrapping-filter",
                   "attr.label=kek", "attr.class=public-key", "--hash-function", "sha256", "--mgf",
                   "mgf1-sha256").json["error_code"] == 0


@pytest.mark.parametrize("mechanism,length", [("rsa-oaep", 127), ("rsa-pkcs", 246)])
def test_a_payload_too_long_for_one_rsa_block_is_refused(kmsuser, mechanism, length):
    """RSA-2048 encrypts at most 256 - 2 * 64 - 2 = 126 bytes under OAEP with SHA-512, 245 under PKCS #1 v1.5."""
    _rsa_pair(kmsuser, "kek")
    hashing = ["--hash-function", "sha512", "--mgf", "mgf1-sha512"] if mechanism == "rsa-oaep" else []
    for size, fits in ((length - 1, True), (length, False)):
        kmsuser("key", "generate-symmetric", "generic-secret", "--label", f"p{size}", "--key-length-bytes", str(size))
        done = kmsuser("key", "wrap", mechanism, "--payload-filter", f"attr.label=p{size}", "--wrapping-filter",
                       "attr.label=kek", "attr.class=public-key", *hashing).json
        assert (done["error_code"] == 0) if fits else (done == REFUSED)


@pytest.mark.parametrize("mechanism,where", [(m, w) for m in MECHANISMS for w in (0, -1)])
def test_tampered_wrapped_data_does_not_unwrap(kmsuser, mechanism, where):
    """A byte changed at the start or at the end: the RSA block, the GCM IV or tag, the RFC 3394
    integrity check (or, for rsa-aes, the wrapped payload after the RSA block) no longer holds."""
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"] if mechanism in ("rsa-aes", "rsa-oaep") else []
    if mechanism.startswith("rsa"):
        _rsa_pair(kmsuser, "kek")
        wrapping, unwrapping = ["attr.label=kek", "attr.class=public-key"], ["attr.label=kek", "attr.class=private-key"]
    else:
        kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
                "--attributes", "wrap=true", "unwrap=true")
        wrapping = unwrapping = ["attr.label=kek"]
    kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16")
    wrapped = bytearray(base64.b64decode(kmsuser("key", "wrap", mechanism, "--payload-filter", "attr.label=payload",
                                                 "--wrapping-filter", *wrapping, *hashing).json["data"]["wrapped_key_data"]))
    wrapped[where] ^= 1
    done = kmsuser("key", "unwrap", mechanism, "--filter", *unwrapping, "--data", base64.b64encode(wrapped).decode(),
                   "--key-type-class", "aes", "--label", "copy", *hashing)
    assert done.json == BAD_DATA


def test_rsa_pkcs_unwrap_checks_the_pkcs1_block(kmsuser, tmp_path):
    """Blocks made here with the exported public key: the HSM takes a 00 02 block with at least
    8 nonzero padding bytes and a 00 separator, of the modulus's length and below it, and
    refuses any other (CKR_ENCRYPTED_DATA_INVALID) rather than make a key of what it decrypts."""
    import os
    import random

    _rsa_pair(kmsuser, "kek")
    kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "kek.pem"),
            "--filter", "attr.label=kek", "attr.class=public-key")
    numbers = serialization.load_pem_public_key((tmp_path / "kek.pem").read_bytes()).public_numbers()
    n, e = numbers.n, numbers.e
    chance = random.Random(7)

    def block(payload: bytes, header: bytes = b"\0\2", pad: int | None = None) -> bytes:
        pad = 256 - 3 - len(payload) if pad is None else pad
        return header + bytes(chance.randrange(1, 256) for _ in range(pad)) + b"\0" + payload

    def encrypt(plain: bytes) -> int:
        return pow(int.from_bytes(plain, "big"), e, n)

    def unwrap(wrapped: bytes, kind: str = "aes") -> dict:
        return kmsuser("key", "unwrap", "rsa-pkcs", "--filter", "attr.label=kek", "attr.class=private-key",
                       "--data", base64.b64encode(wrapped).decode(), "--key-type-class", kind,
                       "--label", "copy").json

    key = os.urandom(16)
    made = unwrap(encrypt(block(key)).to_bytes(256, "big"))["data"]["key"]
    assert made["attributes"]["check-value"] == kcv(key)
    shortest = unwrap(encrypt(block(bytes(range(1, 246)))).to_bytes(256, "big"), "generic-secret")
    assert shortest["data"]["key"]["attributes"]["key-length-bytes"] == 245
    assert unwrap(encrypt(block(bytes(range(1, 247)))).to_bytes(256, "big"), "generic-secret") == BAD_DATA
    for header in (b"\0\1", b"\0\3", b"\1\2"):
        assert unwrap(encrypt(block(key, header=header)).to_bytes(256, "big")) == BAD_DATA
    assert unwrap(encrypt(b"\0\2\0" + block(key)[2:]).to_bytes(256, "big"), "generic-secret") == BAD_DATA  # no padding
    assert unwrap(encrypt(b"\0\2" + bytes(range(1, 255))).to_bytes(256, "big"), "generic-secret") == BAD_DATA
    # A value at or above the modulus, or a block of another length, is refused even when
    # it stands for a good block (modulo n, or with its leading zero bytes dropped or added).
    above = next(c + n for c in (encrypt(block(key)) for _ in range(2000)) if c + n < 1 << 2048)
    assert unwrap(above.to_bytes(256, "big")) == BAD_DATA
    short = next(c for c in (encrypt(block(key)) for _ in range(5000)) if c < 1 << 2040)
    assert unwrap(short.to_bytes(255, "big")) == BAD_DATA
    assert unwrap(short.to_bytes(257, "big")) == BAD_DATA
    assert unwrap(short.to_bytes(256, "big"))["error_code"] == 0


@pytest.mark.parametrize("mechanism,changes", [
    ("rsa-oaep", {"key_type": -1}),  # a type no PKCS #11 key has, below RSA's 0
    ("aes-gcm", {"key_type": 0x2B}),  # CKK_SHA256_HMAC (PKCS #11 3.0), above AES's 0x1F
    ("aes-gcm", {"key_class": 0}),  # a data object, which a hand-written world may give a key type
])
def test_a_hand_written_object_of_another_type_or_class_does_not_wrap(kmsuser, store, mechanism, changes):
    """The wrapping key must be exactly an RSA public key or an AES secret key (CKR_KEY_TYPE_INCONSISTENT
    otherwise), whatever type or class a hand-written world gives an object holding such material."""
    if mechanism == "rsa-oaep":
        _rsa_pair(kmsuser, "kek")
        kek = ["attr.label=kek", "attr.class=public-key"]
    else:
        kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
                "--attributes", "wrap=true")
        kek = ["attr.label=kek"]
    kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16")
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"] if mechanism == "rsa-oaep" else []
    wrap = ("key", "wrap", mechanism, "--payload-filter", "attr.label=payload", "--wrapping-filter", *kek, *hashing)
    assert kmsuser(*wrap).json["error_code"] == 0
    kmsuser("key", "set-attribute", "--filter", *kek, "--name", "label", "--value", "odd")
    with store.transaction() as world:
        for cluster in world.clusters.values():
            for key in cluster.keys.values():
                if key.label == "odd":
                    key.attributes[attr.WRAP] = 1  # kept whatever the defaults of its new kind
                    for name, value in changes.items():
                        setattr(key, name, value)
    assert kmsuser(*wrap[:-len(kek) - len(hashing)], "attr.label=odd", *hashing).json == REFUSED


@pytest.mark.parametrize("hash_name,mgf,salt", [("sha256", "mgf1-sha1", 20), ("sha384", "mgf1-sha384", 0),
                                                ("sha1", "mgf1-sha512", 48)])
def test_pss_signs_with_the_mgf_and_salt_length_asked_for(kmsuser, tmp_path, hash_name, mgf, salt):
    """CK_RSA_PKCS_PSS_PARAMS: the MGF1 hash and the salt length are each the one named, not
    the message hash's; a verifier told exactly the same accepts the signature."""
    _rsa_pair(kmsuser, "pss")
    kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "pub.pem"),
            "--filter", "attr.label=pss", "attr.class=public-key")
    public = serialization.load_pem_public_key((tmp_path / "pub.pem").read_bytes())
    data = base64.b64encode(b"rehearse the runbook").decode()
    params = ["--hash-function", hash_name, "--mgf", mgf, "--salt-length", str(salt)]
    signature = kmsuser("crypto", "sign", "rsa-pkcs-pss", "--key-filter", "attr.label=pss", "attr.class=private-key",
                        "--data", data, *params).json["data"]["signature"]
    public.verify(base64.b64decode(signature), b"rehearse the runbook",
                  padding.PSS(mgf=padding.MGF1(HASHES[mgf.removeprefix("mgf1-")]()), salt_length=salt),
                  HASHES[hash_name]())
    verified = kmsuser("crypto", "verify", "rsa-pkcs-pss", "--key-filter", "attr.label=pss", "attr.class=public-key",
                       "--data", data, "--signature", signature, *params)
    assert verified.json["error_code"] == 0


@pytest.mark.parametrize("command,mechanism,kind,key_class,usage", [
    ("sign", "ecdsa", "rsa", "private-key", None),  # an RSA key signs no ECDSA
    ("sign", "rsa-pkcs", "ec", "private-key", None),  # nor an EC key RSA
    ("sign", "rsa-pkcs-pss", "ec", "private-key", None),
    ("verify", "ecdsa", "rsa", "public-key", None),
    ("verify", "rsa-pkcs", "ec", "public-key", None),
    ("sign", "ed25519ph", "ec", "private-key", None),  # the HSM makes no Ed25519 key
    ("verify", "ed25519", "ec", "public-key", None),
    ("sign", "rsa-pkcs", "rsa", "public-key", "sign"),  # a public key allowed to sign still cannot
    ("verify", "rsa-pkcs", "rsa", "private-key", "verify"),  # PKCS #11 verifies with the public key
])
def test_a_key_of_another_family_or_class_does_not_sign_or_verify(kmsuser, command, mechanism, kind, key_class,
                                                                    usage):
    if kind == "rsa":
        _rsa_pair(kmsuser, "k")
    else:
        kmsuser("key", "generate-asymmetric-pair", "ec", "--public-label", "k", "--private-label", "k",
                "--curve", "secp256r1")
    key = ["attr.label=k", f"attr.class={key_class}"]
    if usage:
        assert kmsuser("key", "set-attribute", "--filter", *key, "--name", usage,
                       "--value", "true").json["error_code"] == 0
    hashing = [] if mechanism.startswith("ed25519") else ["--hash-function", "sha256"]
    pss = ["--mgf", "mgf1-sha256", "--salt-length", "32"] if mechanism == "rsa-pkcs-pss" else []
    signature = ["--signature", base64.b64encode(bytes(64)).decode()] if command == "verify" else []
    done = kmsuser("crypto", command, mechanism, "--key-filter", *key, *hashing, "--data", "aGVsbG8=", *signature,
                   *pss)
    assert done.json == REFUSED


@pytest.mark.parametrize("mechanism", ["rsa-pkcs", "rsa-pkcs-pss", "ecdsa"])
def test_a_digest_signs_like_its_data_and_must_have_the_hash_length(kmsuser, mechanism):
    """--data-type digest: the data is the hash already (PKCS #11's CKM_RSA_PKCS over a DigestInfo,
    CKM_ECDSA over the hash); one of another length than the hash function's is refused
    (CKR_DATA_LEN_RANGE; the CLI's words for it are not documented)."""
    import hashlib

    if mechanism == "ecdsa":
        kmsuser("key", "generate-asymmetric-pair", "ec", "--public-label", "k", "--private-label", "k",
                "--curve", "secp256r1")
    else:
        _rsa_pair(kmsuser, "k")
    pss = ["--mgf", "mgf1-sha256", "--salt-length", "32"] if mechanism == "rsa-pkcs-pss" else []
    private, public = ["attr.label=k", "attr.class=private-key"], ["attr.label=k", "attr.class=public-key"]
    digest = base64.b64encode(hashlib.sha256(b"hello").digest()).decode()
    signed = kmsuser("crypto", "sign", mechanism, "--key-filter", *private, "--hash-function", "sha256",
                     "--data-type", "digest", "--data", digest, *pss).json["data"]["signature"]
    verified = kmsuser("crypto", "verify", mechanism, "--key-filter", *public, "--hash-function", "sha256",
                       "--data", base64.b64encode(b"hello").decode(), "--signature", signed, *pss)
    assert verified.json["error_code"] == 0
    short = base64.b64encode(hashlib.sha1(b"hello").digest()).decode()
    assert kmsuser("crypto", "sign", mechanism, "--key-filter", *private, "--hash-function", "sha256",
                   "--data-type", "digest", "--data", short, *pss).json == REFUSED
    assert kmsuser("crypto", "verify", mechanism, "--key-filter", *public, "--hash-function", "sha256",
                   "--data-type", "digest", "--data", short, "--signature", signed, *pss).json == REFUSED


def odd_rsa_key() -> rsa.RSAPrivateKey:
    """An RSA key with a 2049-bit modulus, which the library does not generate (it rounds the
    size): a 1024-bit prime of one key times a 1025-bit prime of another."""
    import math

    p = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_numbers().p
    q = rsa.generate_private_key(public_exponent=65537, key_size=2050).private_numbers().q
    d = pow(65537, -1, (p - 1) * (q - 1) // math.gcd(p - 1, q - 1))
    key = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
                                rsa.RSAPublicNumbers(65537, p * q)).private_key()
    assert key.key_size == 2049
    return key


def test_an_rsa_kek_of_a_modulus_not_a_whole_number_of_bytes(kmsuser, tmp_path):
    """A 2049-bit modulus takes 257-byte blocks: rsa-aes's OAEP block and rsa-pkcs's are that
    long.  The key comes in as a private key rsa-aes wraps here (CKM_RSA_AES_KEY_WRAP done by
    hand), its public half as a PEM."""
    import os

    _rsa_pair(kmsuser, "kek")
    kmsuser("key", "generate-file", "--encoding", "pem", "--path", str(tmp_path / "kek.pem"),
            "--filter", "attr.label=kek", "attr.class=public-key")
    kek = serialization.load_pem_public_key((tmp_path / "kek.pem").read_bytes())
    odd = odd_rsa_key()
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    ephemeral = os.urandom(32)
    pkcs8 = odd.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    wrapped = kek.encrypt(ephemeral, oaep) + aes_key_wrap_with_padding(ephemeral, pkcs8)
    hashing = ["--hash-function", "sha256", "--mgf", "mgf1-sha256"]
    made = kmsuser("key", "unwrap", "rsa-aes", "--filter", "attr.label=kek", "attr.class=private-key", "--data",
                   base64.b64encode(wrapped).decode(), "--key-type-class", "rsa-private", "--label", "odd", *hashing)
    assert made.json["error_code"] == 0, made.output
    (tmp_path / "odd.pem").write_bytes(odd.public_key().public_bytes(serialization.Encoding.PEM,
                                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    kmsuser("key", "import", "pem", "--path", str(tmp_path / "odd.pem"), "--label", "odd-pub",
            "--key-type-class", "rsa-public", "--attributes", "wrap=true")
    payload = kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "16").json
    check_value = payload["data"]["key"]["attributes"]["check-value"]
    wrapped = kmsuser("key", "wrap", "rsa-aes", "--payload-filter", "attr.label=payload", "--wrapping-filter",
                      "attr.label=odd-pub", *hashing).json["data"]["wrapped_key_data"]
    assert len(base64.b64decode(wrapped)) == 257 + 24  # the OAEP block, then RFC 5649 of 16 bytes
    copy = kmsuser("key", "unwrap", "rsa-aes", "--filter", "attr.label=odd", "--data", wrapped,
                   "--key-type-class", "aes", "--label", "copy", *hashing).json
    assert copy["data"]["key"]["attributes"]["check-value"] == check_value
    wrapped = kmsuser("key", "wrap", "rsa-pkcs", "--payload-filter", "attr.label=payload", "--wrapping-filter",
                      "attr.label=odd-pub").json["data"]["wrapped_key_data"]
    assert len(base64.b64decode(wrapped)) == 257
    copy = kmsuser("key", "unwrap", "rsa-pkcs", "--filter", "attr.label=odd", "--data", wrapped,
                   "--key-type-class", "aes", "--label", "copy").json
    assert copy["data"]["key"]["attributes"]["check-value"] == check_value
