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
# Two RSA pairs more, after those: the first is made of primes found smaller first (p < q), and
# the prime search of each would end elsewhere if a prime took a witness more, or stopped at
# the first that passes (for the pair in PAIRS it happens not to).
MORE_RSA = [
    ("genRSAKeyPair -m 2048 -e 65537 -l rsa2", "ebf36c9a142a03e07bca8b58567269447558a133e2099c4f6ffb19996f571d36"),
    ("genRSAKeyPair -m 2048 -e 65537 -l rsa3", "7a5306b8464b4972037fa48d897d8c111aad5679f7ba7c4f02578a1f8f5eaee7"),
]
FIRST_HANDLE = 2_200_000  # the written world's next_handle; a pair takes two, the public key first


def generate_and_export(tmp_path, pairs=PAIRS) -> list[bytes]:
    world = World(EXAMPLE_NET[:1], CRYPTO_USERS, []).write(tmp_path)
    exports = "".join(f"exportPubKey -k {FIRST_HANDLE + 2 * i} -out pub{i}.pem\n" for i in range(len(pairs)))
    out = Doors(world).kmu(LOGIN + "".join(f"{command}\n" for command, _ in pairs) + exports + "exit\n")
    assert out.count("public key handle: ") == len(pairs), out
    return [(tmp_path / f"pub{i}.pem").read_bytes() for i in range(len(pairs))]


def test_a_seeded_world_makes_the_same_key_pairs_in_every_version(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = generate_and_export(tmp_path, PAIRS + MORE_RSA)
    assert [hashlib.sha256(f).hexdigest() for f in files] == [digest for _, digest in PAIRS + MORE_RSA]


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


def test_a_prime_is_taken_after_40_miller_rabin_witnesses():
    """The prime search's error bound (4^-40 for a composite to pass) is its number of rounds, which
    no output shows but the keys a seed makes, and those only for some seeds: each round draws one
    witness from the stream, so a prime must have drawn exactly 40 before it is taken."""
    from hsmshell.cloudhsm import crypto

    draws = []

    def counting(n: int) -> bytes:
        draws.append(n)
        return os.urandom(n)

    prime = 2**127 - 1  # a Mersenne prime, above every small prime the sieve tries first
    assert crypto._probably_prime(prime, counting) and len(draws) == 40
    draws.clear()
    assert not crypto._probably_prime(prime * (2**61 - 1), counting) and 1 <= len(draws) < 40


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


def test_wrap_key_with_zero_padding_pads_a_key_of_any_length_to_whole_blocks(tmp_path, monkeypatch):
    """wrapKey -m 6 pads with zeros to the next multiple of 8 (manage-aes-key-wrapping.md): a
    17-byte generic secret takes 7 zeros (24 bytes, wrapped in 32), and unWrapKey -m 6 gives the 17
    back."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(11, 3, key_type=16, size=17, label="odd")])
    out = kmu(f"wrapKey -k 11 -w 10 -m 6 -noheader -out zero.wrapped\nwrapKey -k 11 -w 10 -m 6 -out header.wrapped\n"
              f"unWrapKey -f header.wrapped -w 10 -m 6 -l back\n"
              f"exSymKey -k 11 -w 10 -out odd.key\nexSymKey -k {FIRST_HANDLE} -w 10 -out back.key")
    assert out.count('Wrapped Symmetric Key written to file "') == 2, out
    assert len((tmp_path / "zero.wrapped").read_bytes()) == 32
    assert len((tmp_path / "odd.key").read_bytes()) == 17
    assert (tmp_path / "back.key").read_bytes() == (tmp_path / "odd.key").read_bytes()


def test_wrap_key_without_padding_wraps_a_16_byte_key_the_least_rfc_3394_wraps(tmp_path, monkeypatch):
    """RFC 3394 wraps two blocks or more: wrapKey -m 5 of an AES-128 key (16 bytes, no padding)
    wraps it into 24 bytes, and unWrapKey -m 5 makes the same key of them."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(11, 3, size=16, label="aes128")])
    out = kmu(f"wrapKey -k 11 -w 10 -m 5 -noheader -out plain.wrapped\nwrapKey -k 11 -w 10 -m 5 -out header.wrapped\n"
              f"unWrapKey -f header.wrapped -w 10 -m 5 -l back\n"
              f"exSymKey -k 11 -w 10 -out aes.key\nexSymKey -k {FIRST_HANDLE} -w 10 -out back.key")
    assert out.count('Wrapped Symmetric Key written to file "') == 2, out
    assert len((tmp_path / "plain.wrapped").read_bytes()) == 24
    assert (tmp_path / "back.key").read_bytes() == (tmp_path / "aes.key").read_bytes()


def test_unwrap_key_without_padding_keeps_the_zeros_a_zero_padded_wrap_added(tmp_path, monkeypatch):
    """GAP (our choice): unWrapKey -m 5 (no padding) of what wrapKey -m 6 wrapped takes every
    unwrapped byte, the zeros too: a 20-byte generic secret comes back as 24 bytes.  Only -m 6
    cuts the key to the length its header gives."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(11, 3, key_type=16, size=20, label="odd")])
    out = kmu(f"wrapKey -k 11 -w 10 -m 6 -out zero.wrapped\nunWrapKey -f zero.wrapped -w 10 -m 5 -l back\n"
              f"exSymKey -k 11 -w 10 -out odd.key\nexSymKey -k {FIRST_HANDLE} -w 10 -out back.key")
    assert out.count('Wrapped Symmetric Key written to file "') == 2, out
    assert (tmp_path / "back.key").read_bytes() == (tmp_path / "odd.key").read_bytes() + bytes(4)


def test_unwrap_key_refuses_a_mechanism_wrap_key_refuses(tmp_path, monkeypatch):
    """unWrapKey -m takes the mechanisms wrapKey -m takes (4, 5, 6: manage-aes-key-wrapping.md);
    another, 3 or 7, is invalid input (0xb2) as it is for wrapKey, not an unwrap without padding."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [key(10, 3), key(11, 3, label="aes")])
    out = kmu("wrapKey -k 11 -w 10 -m 5 -out plain.wrapped\nwrapKey -k 11 -w 10 -m 7 -out seven.wrapped\n"
              "unWrapKey -f plain.wrapped -w 10 -m 3 -l three\nunWrapKey -f plain.wrapped -w 10 -m 7 -l seven\n"
              "unWrapKey -f plain.wrapped -w 10 -m 5 -l five")
    assert re.findall(r"Cfm\d(?:Un)?WrapKey returned: (0x\w\w)", out) == ["0x00", "0xb2", "0xb2", "0xb2", "0x00"], out


def kek_kmu(tmp_path, files: dict[str, bytes]):
    """key_mgmt_util with KEK imported first (as FIRST_HANDLE) and `files` written."""
    (tmp_path / "kek").write_bytes(KEK)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    kmu = kmu_with(tmp_path, [key(10, 3)])
    return lambda lines: kmu("imSymKey -f kek -w 10 -t 31 -l kek\n" + lines)


def test_aes_unwrap_refuses_one_block_even_if_it_is_the_iv(tmp_path, monkeypatch):
    """RFC 3394 unwraps three blocks or more (the check block and two of data): the 8 bytes of
    the default IV alone are bad data (0x1b), not an empty key."""
    monkeypatch.chdir(tmp_path)
    kmu = kek_kmu(tmp_path, {"iv": bytes.fromhex("A6A6A6A6A6A6A6A6")})
    out = kmu(f"aesWrapUnwrap -m 0 -f iv -w {FIRST_HANDLE} -out unwrapped")
    assert re.findall(r"Cfm3UnWrapHostKey returned: (0x\w\w)", out) == ["0x1b"], out
    assert not (tmp_path / "unwrapped").exists()


def test_aes_unwrap_with_another_iv_than_the_wrap_s_is_bad_data_whichever_is_greater(tmp_path, monkeypatch):
    """The integrity check is the IV, all of it: what was wrapped with -i ..01 unwraps with -i
    ..02 as bad data (0x1b), and the other way round, and with its own IV as it was."""
    monkeypatch.chdir(tmp_path)
    kmu = kek_kmu(tmp_path, {"plain": b"sixteen bytes!!!"})
    low, high = "0000000000000001", "0000000000000002"
    out = kmu(f"aesWrapUnwrap -m 1 -f plain -w {FIRST_HANDLE} -i {low} -out low\n"
              f"aesWrapUnwrap -m 1 -f plain -w {FIRST_HANDLE} -i {high} -out high\n"
              f"aesWrapUnwrap -m 0 -f low -w {FIRST_HANDLE} -i {high} -out bad1\n"
              f"aesWrapUnwrap -m 0 -f high -w {FIRST_HANDLE} -i {low} -out bad2\n"
              f"aesWrapUnwrap -m 0 -f high -w {FIRST_HANDLE} -i {high} -out good")
    after_import = out[out.index("Command:  aesWrapUnwrap"):]
    codes = re.findall(r"Cfm3(?:Un)?WrapHostKey returned: (0x\w\w)", after_import)
    assert codes == ["0x00", "0x00", "0x1b", "0x1b", "0x00"], out
    assert (tmp_path / "good").read_bytes() == b"sixteen bytes!!!"


PAIR_KEYS = [key(20, 3, key_class=3, key_type=0, size=2048, label="rsa"),
             key(21, 3, key_class=2, key_type=0, size=2048, label="rsa"),
             key(22, 3, key_class=3, key_type=3, size=256, label="ec"),
             key(23, 3, key_class=2, key_type=3, size=256, label="ec")]


def test_sign_with_rsa_pss_and_with_ecdsa_makes_signatures_the_host_verifies(tmp_path, monkeypatch):
    """sign -m 6 (SHA256_RSA_PKCS_PSS) makes an RSA-PSS signature, -m 17 (ECDSA_SHA256) of an EC
    key an ECDSA one: the host checks each with the public key exportPubKey writes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"a message")
    kmu = kmu_with(tmp_path, PAIR_KEYS)
    out = kmu("sign -f message -k 20 -m 6 -out pss.sig\nsign -f message -k 22 -m 17 -out ec.sig\n"
              "exportPubKey -k 21 -out rsa.pem\nexportPubKey -k 23 -out ec.pem")
    assert out.count("Cfm3Sign returned: 0x00") == 2, out
    rsa_key, ec_key = (serialization.load_pem_public_key((tmp_path / f).read_bytes()) for f in ("rsa.pem", "ec.pem"))
    rsa_key.verify((tmp_path / "pss.sig").read_bytes(), b"a message",
                   padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO), hashes.SHA256())
    ec_key.verify((tmp_path / "ec.sig").read_bytes(), b"a message", ec.ECDSA(hashes.SHA256()))


def test_sign_refuses_a_mechanism_of_the_other_family_either_way(tmp_path, monkeypatch):
    """An ECDSA mechanism (-m 17) with an RSA key, or an RSA one (-m 1) with an EC key, is
    invalid input (0xb2): neither signs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"a message")
    kmu = kmu_with(tmp_path, PAIR_KEYS)
    out = kmu("sign -f message -k 20 -m 17 -out rsa.sig\nsign -f message -k 22 -m 1 -out ec.sig")
    assert re.findall(r"Cfm3Sign returned: (0x\w\w)", out) == ["0xb2", "0xb2"], out
    assert not (tmp_path / "rsa.sig").exists() and not (tmp_path / "ec.sig").exists()


def test_import_private_key_takes_a_dsa_key(tmp_path, monkeypatch):
    """importPrivateKey reads RSA, EC and DSA keys: a DSA key's PEM becomes a private key of type
    1 (DSA)."""
    from hsmshell.cloudhsm import crypto

    monkeypatch.chdir(tmp_path)
    (tmp_path / "dsa.pem").write_bytes(crypto.private_pem(crypto.generate_dsa(os.urandom)))
    kmu = kmu_with(tmp_path, [key(10, 3)])
    out = kmu(f"importPrivateKey -f dsa.pem -l dsa -w 10\ngetAttribute -o {FIRST_HANDLE} -a 256 -out type")
    assert "Cfm3UnWrapKey returned: 0x00" in out, out
    assert (tmp_path / "type").read_text().split()[:2] == ["OBJ_ATTR_KEY_TYPE", "0x00000001"]


def test_a_public_exponent_above_20_bits_shows_without_a_leading_zero(tmp_path, monkeypatch):
    """OBJ_ATTR_PUBLIC_EXPONENT is the exponent's big-endian bytes, no more: 2^20 + 1 (21 bits)
    is the three bytes 0x100001."""
    monkeypatch.chdir(tmp_path)
    kmu = kmu_with(tmp_path, [])
    out = kmu(f"genRSAKeyPair -m 2048 -e 1048577 -l big\ngetAttribute -o {FIRST_HANDLE} -a 290 -out exponent")
    assert "Cfm3GenerateKeyPair returned: 0x00" in out, out
    assert (tmp_path / "exponent").read_text().split()[:2] == ["OBJ_ATTR_PUBLIC_EXPONENT", "0x100001"]
