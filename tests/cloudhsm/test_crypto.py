"""The cryptography the HSMs do (cloudhsm/crypto.py), through key_mgmt_util: a seeded world makes
the same key pairs on every run and in every version of hsmshell (a transcript pinned in CI may
show a modulus or a public key file), the curves are the ones genECCKeyPair's -i names, and the
Python library's advice about DSA is not output of the tool.  Found by benchmarks/mutation.py:
the prime search, its random stream and the EC and DSA draws were free to change."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

from ..conftest import Doors
from ..shells.test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, PASSWORD, World

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
