"""Real cryptography: signatures OpenSSL verifies, key files OpenSSL reads, wrapped keys that
unwrap (with the CLI, and with OpenSSL where the private half is outside the HSM)."""

from __future__ import annotations

import base64
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

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
