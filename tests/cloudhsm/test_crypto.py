"""The cryptography the HSMs do (cloudhsm/crypto.py), through key_mgmt_util: a seeded world makes
the same key pairs on every run and in every version of hsmshell (a transcript pinned in CI may
show a modulus or a public key file), the curves are the ones genECCKeyPair's -i names, and the
Python library's advice about DSA is not output of the tool.  Found by benchmarks/mutation.py:
the prime search, its random stream and the EC and DSA draws were free to change."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

from ..conftest import Doors
from ..shells.test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, PASSWORD, World, key

LOGIN = f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
# Each key pair genXKeyPair makes in the seeded world, in order: its command, and the SHA-256 of
# the PEM file exportPubKey writes of its public key.  Pinned: a change of the key a seed makes
# breaks every transcript that shows one.
PAIRS = [
    ("genRSAKeyPair -m 2048 -e 65537 -l rsa", "4b6feed2213adb0258da34472afaa488ec2ddc357ba887103a0f1fa5161223b7"),
    ("genECCKeyPair -i 2 -l p256", "c0be230c0355521f4df955f5b1070ac8c5a5f655abf52b123084852483dadc36"),
    ("genECCKeyPair -i 14 -l p384", "dc2100bf352ef4e5ec704b91ff145cd3b7e3e37687d14097d13cb9b96fd27191"),
    ("genECCKeyPair -i 16 -l k256", "97a056623fb003ee7e4d94bc7f3ef79c3a82d833e49c015d81ed3c23a483ea2e"),
    ("genDSAKeyPair -m 2048 -l dsa", "13cf7da050e9556307ba3695317d0f7fac1c91413164a629591deb9bfe961903"),
]
FIRST_HANDLE = 2_200_000  # the written world's next_handle; a pair takes two, the public key first


def generate_and_export(tmp_path) -> list[bytes]:
    world = World(EXAMPLE_NET[:1], CRYPTO_USERS, []).write(tmp_path)
    exports = "".join(f"exportPubKey -k {FIRST_HANDLE + 2 * i} -out pub{i}.pem\n" for i in range(len(PAIRS)))
    out = Doors(world).kmu(LOGIN + "".join(f"{command}\n" for command, _ in PAIRS) + exports + "exit\n")
    assert out.count("public key handle: ") == len(PAIRS), out
    return [(tmp_path / f"pub{i}.pem").read_bytes() for i in range(len(PAIRS))]


def test_a_seeded_world_makes_the_same_key_pairs_in_every_version(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = generate_and_export(tmp_path)
    assert [hashlib.sha256(f).hexdigest() for f in files] == [digest for _, digest in PAIRS]


def test_each_key_pair_is_of_the_kind_and_curve_its_command_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rsa_key, p256, p384, k256, dsa_key = map(serialization.load_pem_public_key, generate_and_export(tmp_path))
    assert isinstance(rsa_key, rsa.RSAPublicKey)
    assert (rsa_key.key_size, rsa_key.public_numbers().e) == (2048, 65537)
    assert [type(k.curve) for k in (p256, p384, k256)] == [ec.SECP256R1, ec.SECP384R1, ec.SECP256K1]
    assert isinstance(dsa_key, dsa.DSAPublicKey) and dsa_key.key_size == 2048


def test_a_dsa_key_pair_is_made_used_and_exported_with_no_python_warning(tmp_path):
    """The cryptography library deprecates DSA and says so on stderr; the HSMs still make DSA keys
    and key_mgmt_util prints nothing of the kind."""
    world = World(EXAMPLE_NET[:1], CRYPTO_USERS, []).write(tmp_path)
    script = (LOGIN + "genDSAKeyPair -m 2048 -l dsa\n"
              f"exportPubKey -k {FIRST_HANDLE} -out dsa.pem\ngetAttribute -o {FIRST_HANDLE + 1} -a 512 -out attrs\n"
              "exit\n")
    done = subprocess.run([shutil.which("key_mgmt_util")], input=script, cwd=tmp_path, capture_output=True,
                          text=True, env=dict(os.environ, HSMSHELL_WORLD=str(world)), timeout=120)
    assert done.stdout.count("returned: 0x00 : HSM Return: SUCCESS") == 4, done.stdout
    assert done.stderr == ""


def kmu_with(tmp_path, keys: list[dict]):
    doors = Doors(World(EXAMPLE_NET[:1], CRYPTO_USERS, keys).write(tmp_path))
    return lambda lines: doors.kmu(LOGIN + lines + "\nexit\n")


def test_a_seeded_world_makes_a_hand_written_secret_past_a_digest_from_a_counter_stream_from_one(tmp_path,
                                                                                                 monkeypatch):
    """Past the 32 bytes of its digest, a hand-written key's material is the stream SHA-256(digest ||
    counter) with an 8-byte big-endian counter from 1: a generic secret of 64 bytes is the first two
    blocks (exSymKey writes it).  Pinned: a transcript shows its check value."""

    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(14, 3, key_type=16, size=64, label="long")])
    out = kmu("exSymKey -k 14 -w 10 -out long.key")
    assert 'Wrapped Symmetric Key written to file "long.key"' in out, out
    digest = hashlib.sha256(b"6:material:lineage-1:14").digest()
    blocks = [hashlib.sha256(digest + counter.to_bytes(8, "big")).digest() for counter in (1, 2)]
    assert (tmp_path / "long.key").read_bytes() == b"".join(blocks)


def test_gen_rsa_key_pair_takes_an_exponent_that_is_not_prime(tmp_path, monkeypatch):
    """-e is "any odd number >= 65537": 65541 = 3 x 21847 shares a factor with p - 1 for half the
    primes, which cannot serve (the exponent would have no inverse); the HSM picks primes that
    can, and the pair is made with that exponent."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [])
    out = kmu(f"genRSAKeyPair -m 2048 -e 65541 -l odd\nexportPubKey -k {FIRST_HANDLE} -out odd.pem")
    assert "Cfm3GenerateKeyPair returned: 0x00 : HSM Return: SUCCESS" in out, out
    public = serialization.load_pem_public_key((tmp_path / "odd.pem").read_bytes())
    assert (public.key_size, public.public_numbers().e) == (2048, 65541)


KEK = bytes(range(16))  # an AES key imSymKey imports: its bytes are known, so a test can wrap under it


def host_unwrap(tmp_path, plain: list[bytes]) -> str:
    """aesWrapUnwrap -m 0 (PKCS #5 padding, default IV) of each of `plain` wrapped (RFC 3394)
    under KEK, imported first as handle FIRST_HANDLE; unwrapped to unwrapped<i>."""
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap


    (tmp_path / "kek").write_bytes(KEK)
    for i, data in enumerate(plain):
        (tmp_path / f"wrapped{i}").write_bytes(aes_key_wrap(KEK, data))
    kmu = kmu_with(tmp_path, [key(10, 3)])
    return kmu("imSymKey -f kek -w 10 -t 31 -l kek\n" + "\n".join(
        f"aesWrapUnwrap -m 0 -f wrapped{i} -w {FIRST_HANDLE} -out unwrapped{i}" for i in range(len(plain))))


def test_aes_unwrap_of_the_shortest_wrapped_data_takes_one_byte_of_padding(tmp_path, monkeypatch):
    """24 bytes, the least RFC 3394 wraps (two blocks and the check block), whose last byte is
    0x01: one byte of PKCS #5 padding, whatever the byte before it (0x09, no padding length)."""
    monkeypatch.chdir(tmp_path)
    out = host_unwrap(tmp_path, [b"fourteen bytes\x09\x01"])
    assert "Cfm3UnWrapHostKey returned: 0x00 : HSM Return: SUCCESS" in out, out
    assert (tmp_path / "unwrapped0").read_bytes() == b"fourteen bytes\x09"


def test_aes_unwrap_refuses_padding_that_is_wrong_in_a_byte_before_the_last(tmp_path, monkeypatch):
    """PKCS #5 padding of 2 is the bytes 02 02: ending 03 02 is bad data (0x1b), as 01 02 is."""
    monkeypatch.chdir(tmp_path)
    out = host_unwrap(tmp_path, [b"fourteen bytes\x03\x02", b"fourteen bytes\x01\x02", b"fourteen bytes\x02\x02"])
    assert re.findall(r"Cfm3UnWrapHostKey returned: (0x\w\w)", out) == ["0x1b", "0x1b", "0x00"], out
    assert (tmp_path / "unwrapped2").read_bytes() == b"fourteen bytes"


def test_a_key_wrapped_with_zero_padding_unwraps_at_its_own_length(tmp_path, monkeypatch):
    """wrapKey -m 6 pads a 20-byte generic secret with zeros to 24; unWrapKey -m 6 takes the
    length from the header and makes a key of the 20 bytes, not of the 24."""

    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(11, 3, key_type=16, size=20, label="odd")])
    out = kmu(f"wrapKey -k 11 -w 10 -m 6 -out zero.wrapped\nunWrapKey -f zero.wrapped -w 10 -m 6 -l back\n"
              f"exSymKey -k 11 -w 10 -out odd.key\nexSymKey -k {FIRST_HANDLE} -w 10 -out back.key")
    assert out.count('Wrapped Symmetric Key written to file "') == 2, out
    assert len((tmp_path / "odd.key").read_bytes()) == 20
    assert (tmp_path / "back.key").read_bytes() == (tmp_path / "odd.key").read_bytes()
