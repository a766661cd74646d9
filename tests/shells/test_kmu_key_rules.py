"""Rules of the HSMs' keys (cloudhsm/keys.py) that no test broke before (found by
benchmarks/mutation.py), each through a key_mgmt_util line: a crypto user cannot reach another
user's key, and the material of a hand-written world's keys is made as the keys say."""

from __future__ import annotations

import re

import pytest

from ..conftest import Doors
from .test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, PASSWORD, World, key


def shell(tmp_path, keys: list[dict]):
    doors = Doors(World(EXAMPLE_NET[:1], CRYPTO_USERS, keys).write(tmp_path))
    return lambda lines: doors.kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n{lines}\nexit\n")


def attributes(tmp_path, name: str) -> dict[str, str]:
    """An attribute file getAttribute -a 512 wrote: name -> value (a wrapped modulus joined)."""
    lines = (tmp_path / name).read_text().splitlines()
    found, current = {}, None
    for line in lines:
        if line.startswith("OBJ_ATTR_"):
            current = line
            found[current] = ""
        elif current:
            found[current] += line
    return found


def test_a_crypto_user_cannot_reach_a_key_neither_its_own_nor_shared_with_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(16, 6, [4, 5])])
    out = kmu("getAttribute -o 16 -a 3 -out label16\ngetAttribute -o 10 -a 3 -out label10")
    assert out.count("Cfm3GetAttribute returned: 0xa8 : HSM Error: Invalid object handle is passed to this operation") \
        == 1, out
    assert out.index("0xa8") < out.index("Attributes dumped into label10 file"), out
    assert not (tmp_path / "label16").exists()


def test_a_hand_written_rsa_key_of_a_size_the_hsm_cannot_make_gets_2048_bits_and_exponent_65537(tmp_path,
                                                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(20, 3, key_class=3, key_type=0, size=1024, label="odd"),
                           key(21, 3, key_class=2, key_type=0, size=1024, label="odd")])
    out = kmu("getAttribute -o 20 -a 512 -out private\ngetAttribute -o 21 -a 512 -out public")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    assert attributes(tmp_path, "private")["OBJ_ATTR_MODULUS_BITS"] == "0x00000800"
    got = attributes(tmp_path, "public")
    assert (got["OBJ_ATTR_MODULUS_BITS"], got["OBJ_ATTR_PUBLIC_EXPONENT"]) == ("0x00000800", "0x010001"), got


def test_the_public_key_of_a_hand_written_pair_is_the_half_of_the_private_key_with_its_label(tmp_path,
                                                                                             monkeypatch):
    """Key 19, labelled `a`, sits as near to the public key 20 as its pair 21, labelled `b`, and
    comes first: only the label makes 21 its partner."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(19, 3, key_class=3, label="a", **rsa), key(20, 3, key_class=2, label="b", **rsa),
                           key(21, 3, key_class=3, label="b", **rsa)])
    out = kmu("getAttribute -o 20 -a 512 -out public\ngetAttribute -o 21 -a 512 -out private\n"
              "getAttribute -o 19 -a 512 -out other")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 3, out
    public, private, other = (attributes(tmp_path, n)["OBJ_ATTR_MODULUS"] for n in ("public", "private", "other"))
    assert public == private != other


def test_a_hand_written_dsa_key_is_made_a_dsa_key(tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa

    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, key_type=1, size=2048, label="dsa")])
    out = kmu("exportPrivateKey -k 20 -w 10 -out dsa.pem")
    assert "PEM formatted private key is written to dsa.pem" in out, out
    exported = serialization.load_pem_private_key((tmp_path / "dsa.pem").read_bytes(), password=None)
    assert isinstance(exported, dsa.DSAPrivateKey) and exported.key_size == 2048


def test_a_secret_key_s_kept_check_value_is_shown_without_making_its_material(tmp_path, monkeypatch):
    """An HSM keeps OBJ_ATTR_KCV (371) from a key's creation: a hand-written world's secret key
    that gives one shows it, and its material, which the world leaves out, is not made for it."""
    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3, attributes={371: "a1b2c3"})]).write(tmp_path)
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\ngetAttribute -o 10 -a 371 -out kcv\nexit\n")
    assert "Cfm3GetAttribute returned: 0x00" in out, out
    assert (tmp_path / "kcv").read_text() == "OBJ_ATTR_KCV\n0xa1b2c3\n"
    assert open_store(path).read().clusters["cluster-1a23b4cdefg"].keys[10].material is None


def test_a_seeded_world_makes_a_hand_written_secret_longer_than_a_digest_at_its_size(tmp_path, monkeypatch):
    """Seeded, a key's material comes from a digest of 32 bytes, and past 32 from a stream drawn
    from it: a generic secret of 64 bytes has 64."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(14, 3, key_type=16, size=64, label="long"), key(15, 3, key_type=16, size=16)])
    kmu("getAttribute -o 14 -a 353 -out long\ngetAttribute -o 15 -a 353 -out short")
    assert (tmp_path / "long").read_text() == "OBJ_ATTR_VALUE_LEN\n0x00000040\n"
    assert (tmp_path / "short").read_text() == "OBJ_ATTR_VALUE_LEN\n0x00000010\n"


def test_an_rsa_private_key_lists_the_asymmetric_attributes_but_not_the_public_key_s(tmp_path, monkeypatch):
    """getAttribute -a 512: the RSA public key's list (kmu-52) ends with its exponent and the
    trust attributes; a private key's is the common list and its modulus, as the documented EC
    private key's (kmu-54)."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(20, 3, key_class=3, label="pair", **rsa), key(21, 3, key_class=2, label="pair", **rsa)])
    kmu("getAttribute -o 20 -a 512 -out private\ngetAttribute -o 21 -a 512 -out public")
    private, public = attributes(tmp_path, "private"), attributes(tmp_path, "public")
    assert "OBJ_ATTR_MODULUS" in private and "OBJ_ATTR_PUBLIC_EXPONENT" in public
    assert sorted(set(public) - set(private)) == [
        "OBJ_ATTR_ALWAYS_SENSITIVE", "OBJ_ATTR_DERIVE", "OBJ_ATTR_DESTROYABLE", "OBJ_ATTR_NEVER_EXTRACTABLE",
        "OBJ_ATTR_PUBLIC_EXPONENT", "OBJ_ATTR_TRUSTED", "OBJ_ATTR_WRAP_WITH_TRUSTED"], private


def test_a_signature_of_a_hand_written_private_key_verifies_after_the_key_is_deleted(tmp_path, monkeypatch):
    """The public half gets its material when the private key's is made: deleting the private
    key first leaves a public key that still verifies what it signed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"signed before the key went")
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(20, 3, key_class=3, label="pair", **rsa), key(21, 3, key_class=2, label="pair", **rsa)])
    out = kmu("sign -f message -k 20 -m 1 -out message.sig\ndeleteKey -k 20\n"
              "verify -f message -s message.sig -k 21 -m 1")
    assert "Cfm3DeleteKey returned: 0x00" in out, out
    assert "Signature verification successful" in out, out


def test_gensymkey_makes_generic_secrets_of_1_to_3583_bytes(tmp_path):
    """cloudhsm-shells-spec: a generic secret's -s is below 3584 bytes."""
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 16 -s 1 -l one\ngenSymKey -t 16 -s 3583 -l most\ngenSymKey -t 16 -s 3584 -l over\n"
              "genSymKey -t 16 -s 0 -l none")
    assert re.findall(r"Cfm3GenerateSymmetricKey returned: (0x\w\w)", out) == ["0x00", "0x00", "0xb2", "0xb2"], out


def test_a_crypto_user_does_not_see_another_s_object_of_a_class_before_the_public_keys(tmp_path):
    """Every crypto user sees every public key (class 2); a hand-written world's object of class 0
    or 1 (data, certificate) owned by another user is not one."""
    kmu = shell(tmp_path, [key(10, 4, key_class=0, label="data"), key(11, 4, key_class=1, label="certificate"),
                           key(12, 4, key_class=2, key_type=3, size=256, label="public")])
    assert matched(kmu("findKey")) == [[12]]


def test_a_hand_written_ec_key_of_384_bits_is_on_p_384(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(11, 3, key_class=3, key_type=3, size=384, label="p384")])
    assert "Cfm3GetAttribute returned: 0x00" in kmu("getAttribute -o 11 -a 512 -out ec")
    assert attributes(tmp_path, "ec")["OBJ_ATTR_MODULUS_BITS"] == "0x00000180"


FIND = [key(10, 3), key(11, 3, key_class=3, key_type=3, size=256, label="ec"),
        key(12, 3, key_class=2, key_type=3, size=256, label="ec"), key(13, 3, key_type=21, size=24)]


def matched(out: str) -> list[list[int]]:
    return [[int(h) for h in m.split(", ")] if m else []
            for m in re.findall(r"number of keys matched from start index 0::\d+\n([\d, ]*)\n", out)]


def test_find_key_c_and_t_keep_the_keys_of_that_class_and_type_only(tmp_path):
    """Each class and type asked for (findKey.md: -c 2 public, 3 private, 4 secret; -t 3 EC,
    21 DES3, 31 AES), the lowest and highest among them."""
    kmu = shell(tmp_path, FIND)
    out = kmu("findKey -c 2\nfindKey -c 3\nfindKey -c 4\nfindKey -t 3\nfindKey -t 21\nfindKey -t 31")
    assert matched(out) == [[12], [11], [10, 13], [11, 12], [13], [10]], out


def test_find_key_id_keeps_the_keys_of_that_id_only(tmp_path):
    kmu = shell(tmp_path, [key(10, 3, attributes={258: "a"}), key(11, 3, attributes={258: "b"}),
                           key(12, 3, attributes={258: "c"}), key(13, 3)])
    out = kmu("findKey -id b\nfindKey -id a\nfindKey -id c")
    assert matched(out) == [[11], [10], [12]], out


def test_find_key_l_keeps_the_keys_of_that_label_only(tmp_path):
    """findKey -l: the label asked for, not the labels that sort before or after it."""
    kmu = shell(tmp_path, [key(10, 3, label="a"), key(11, 3, label="b"), key(12, 3, label="c")])
    out = kmu("findKey -l b\nfindKey -l a\nfindKey -l c")
    assert matched(out) == [[11], [10], [12]], out


def test_genrsakeypair_takes_3072_bits_and_refuses_a_small_exponent_or_an_unusual_modulus(tmp_path):
    """genRSAKeyPair.md: the public exponent is odd and at least 65537; moduli are 2048 and more
    (GAP: in steps of 256 up to 4096)."""
    kmu = shell(tmp_path, [])
    out = kmu("genRSAKeyPair -m 3072 -e 65537 -l big\ngenRSAKeyPair -m 2048 -e 3 -l small\n"
              "genRSAKeyPair -m 3000 -e 65537 -l odd\ngenRSAKeyPair -m 2048 -e 65538 -l even")
    assert re.findall(r"Cfm3GenerateKeyPair returned: (0x\w\w)", out) == ["0x00", "0xb2", "0xb2", "0xb2"], out


def test_genrsakeypair_refuses_a_modulus_below_2048_as_the_fips_policy_does(tmp_path):
    """An RSA modulus is at least 2048 bits (cloudhsm-shells-spec): one below, 2047 too, is the
    FIPS policy's refusal (0xb3), not an unusual modulus's (0xb2)."""
    kmu = shell(tmp_path, [])
    out = kmu("genRSAKeyPair -m 2047 -e 65537 -l short\ngenRSAKeyPair -m 1024 -e 65537 -l shorter")
    assert re.findall(r"Cfm3GenerateKeyPair:? returned: (0x\w\w)", out) == ["0xb3", "0xb3"], out


def test_the_keys_the_hsm_makes_are_local(tmp_path, monkeypatch):
    """OBJ_ATTR_LOCAL (355) is 1 for a key the HSM generated, as the documented attribute files show (an
    imported key's is 0: tests/shells/test_kmu_keys.py)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -l aes\ngenECCKeyPair -i 2 -l ec\n"
              + "".join(f"getAttribute -o {h} -a 355 -out local{h}\n" for h in (2200000, 2200001, 2200002)))
    assert "public key handle: 2200001    private key handle: 2200002" in out, out
    for handle in (2200000, 2200001, 2200002):
        assert (tmp_path / f"local{handle}").read_text() == "OBJ_ATTR_LOCAL\n0x00000001\n", handle


def test_only_an_aes_key_wraps(tmp_path, monkeypatch):
    """wrapKey's mechanisms are AES key wrap: a DES3 key cannot wrap, even one allowed to
    (OBJ_ATTR_WRAP, 262, set in a hand-written world)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(13, 3, key_type=21, size=24, label="des", attributes={262: 1})])
    out = kmu("wrapKey -k 10 -w 13 -m 4 -out by-des.wrapped")
    assert "Cfm2WrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert not (tmp_path / "by-des.wrapped").exists()


def test_a_wrapped_private_key_unwraps_as_the_same_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, label="pair", **rsa),
                           key(21, 3, key_class=2, label="pair", **rsa)])
    out = kmu("wrapKey -k 20 -w 10 -m 4 -out private.wrapped\nunWrapKey -f private.wrapped -w 10 -m 4\n"
              "getAttribute -o 20 -a 512 -out before\ngetAttribute -o 2200000 -a 512 -out after")
    assert "Key Unwrapped.  Key Handle: 2200000" in out, out
    before, after = attributes(tmp_path, "before"), attributes(tmp_path, "after")
    assert (after["OBJ_ATTR_CLASS"], after["OBJ_ATTR_MODULUS"]) == ("0x03", before["OBJ_ATTR_MODULUS"])


def test_a_wrapped_key_of_a_class_the_hsm_does_not_know_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, label="secret")])
    assert "Key Wrapped." in kmu("wrapKey -k 11 -w 10 -m 4 -out secret.wrapped")
    wrapped = (tmp_path / "secret.wrapped").read_bytes()
    (tmp_path / "secret.wrapped").write_bytes(wrapped.replace(b'"class": 4', b'"class": 5', 1))
    out = kmu("unWrapKey -f secret.wrapped -w 10 -m 4\nfindKey")
    assert "Cfm3UnWrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert matched(out) == [[10, 11]]


def test_gendsakeypair_makes_2048_bit_keys_only(tmp_path):
    """genDSAKeyPair.md: "2048 is the only valid value" of -m; the world records both halves so."""
    from hsmshell.services import open_store

    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, []).write(tmp_path)
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
                          "genDSAKeyPair -m 1024 -l small\ngenDSAKeyPair -m 2048 -l dsa\n"
                          "genDSAKeyPair -m 3072 -l large\nexit\n")
    assert re.findall(r"Cfm3GenerateKeyPair:? returned: (0x\w\w)", out) == ["0xb3", "0x00", "0xb3"], out
    assert "public key handle: 2200000    private key handle: 2200001" in out, out
    made = open_store(path).read().clusters["cluster-1a23b4cdefg"].keys
    assert sorted((k.handle, k.size) for k in made.values()) == [(2200000, 2048), (2200001, 2048)]


def test_a_session_key_of_another_login_of_the_same_user_is_out_of_reach(doors, store):
    """A session key belongs to the login that made it (PKCS #11 session objects): another
    login of kmsuser's, whose session IDs sort before and after this one's, does not see it."""
    from hsmshell.cloudhsm.sessions import open_session
    from hsmshell.world.model import Key

    from .test_kmu import KMSUSER, kmsuser_password_known

    kmsuser_password_known(doors)
    cluster_id = "cluster-1a23b4cdefg"
    with store.transaction() as world:
        cluster = world.clusters[cluster_id]
        for handle, session_id in ((cluster.next_handle, "0"), (cluster.next_handle + 1, "~")):
            other = open_session(world, session_id, "key_mgmt_util", cluster_id, "kmsuser", "CU",
                                 [cluster.hsms[0].hsm_id], None)
            cluster.keys[handle] = Key(handle=handle, owner=3, key_class=4, key_type=31, size=16, label="theirs",
                                       hsms=other.hsms, token=False, session_id=other.session_id)
    out = doors.kmu(KMSUSER + "findKey -l theirs\nexit\n")
    assert "Total number of keys present 0" in out, out


def test_the_public_key_of_a_hand_written_pair_is_not_the_half_of_a_key_labelled_after_it(tmp_path, monkeypatch):
    """Key 19, labelled `c` (after the public key's `b`), sits as near to the public key 20 as its
    pair 21 and comes first: only the same label makes a partner."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(19, 3, key_class=3, label="c", **rsa), key(20, 3, key_class=2, label="b", **rsa),
                           key(21, 3, key_class=3, label="b", **rsa)])
    out = kmu("getAttribute -o 20 -a 512 -out public\ngetAttribute -o 21 -a 512 -out private\n"
              "getAttribute -o 19 -a 512 -out other")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 3, out
    public, private, other = (attributes(tmp_path, n)["OBJ_ATTR_MODULUS"] for n in ("public", "private", "other"))
    assert public == private != other


def test_the_public_key_of_a_hand_written_pair_is_of_its_own_type(tmp_path, monkeypatch):
    """An RSA private key shares the label of an EC pair: the EC public key is still the EC
    private key's half."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(19, 3, key_class=3, key_type=0, size=2048, label="x"),
                           key(20, 3, key_class=2, key_type=3, size=256, label="x"),
                           key(21, 3, key_class=3, key_type=3, size=256, label="x")])
    out = kmu("getAttribute -o 20 -a 512 -out public\ngetAttribute -o 21 -a 512 -out private")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    public, private = (attributes(tmp_path, n) for n in ("public", "private"))
    assert public["OBJ_ATTR_MODULUS"] == private["OBJ_ATTR_MODULUS"]
    assert public["OBJ_ATTR_MODULUS_BITS"] == "0x00000100"


def test_a_hand_written_key_has_the_same_material_in_a_cluster_of_its_lineage(tmp_path, monkeypatch):
    """A key whose material a hand-written world leaves out is made when first used, and its
    copy in a cluster restored from the same backups (the same lineage) holds the same bytes,
    in a world without a seed too, whose draws are random."""
    import msgspec

    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3, label="aes")],
                 clone=[("10.0.9.9", "hsm-cl2aaaaaaaa")]).write(tmp_path)
    store = open_store(path)
    with store.transaction() as world:
        world.ids.seed = None
        original, clone = world.clusters["cluster-1a23b4cdefg"], world.clusters["cluster-2clone2222"]
        assert original.lineage == clone.lineage and original.keys[10].material is None
        clone.keys[10] = msgspec.structs.replace(original.keys[10], hsms=[h.hsm_id for h in clone.hsms])
    doors = Doors(path)
    login = f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
    assert "Cfm3GetAttribute returned: 0x00" in doors.kmu(login + "getAttribute -o 10 -a 371 -out first\nexit\n")
    with store.transaction() as world:
        world.client.cluster_id = "cluster-2clone2222"
    assert "Cfm3GetAttribute returned: 0x00" in doors.kmu(login + "getAttribute -o 10 -a 371 -out copy\nexit\n")
    assert (tmp_path / "first").read_text() == (tmp_path / "copy").read_text()


@pytest.mark.parametrize("lineage", ["lineage-0", "lineage-9"])
def test_a_hand_written_key_s_namesake_in_a_cluster_of_another_lineage_keeps_its_own_material(tmp_path,
                                                                                               monkeypatch, lineage):
    """A cluster of another lineage (one that sorts before this one's, or after) holding a key at
    the same handle gets nothing when this cluster's key is first used."""
    import msgspec

    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3, label="aes")],
                 clone=[("10.0.9.9", "hsm-cl2aaaaaaaa")]).write(tmp_path)
    with open_store(path).transaction() as world:
        original, other = world.clusters["cluster-1a23b4cdefg"], world.clusters["cluster-2clone2222"]
        other.lineage = lineage
        other.keys[10] = msgspec.structs.replace(original.keys[10], hsms=[h.hsm_id for h in other.hsms])
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\ngetAttribute -o 10 -a 371 -out kcv\nexit\n")
    assert "Cfm3GetAttribute returned: 0x00" in out, out
    world = open_store(path).read()
    assert world.clusters["cluster-1a23b4cdefg"].keys[10].material is not None
    assert world.clusters["cluster-2clone2222"].keys[10].material is None


def test_find_key_m_and_kcv_find_the_keys_with_that_modulus_or_check_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(10, 3), key(11, 3), key(20, 3, key_class=3, label="pair", **rsa),
                           key(21, 3, key_class=2, label="pair", **rsa), key(22, 3, key_class=3, label="other", **rsa)])
    kmu("getAttribute -o 21 -a 512 -out public\ngetAttribute -o 10 -a 512 -out aes")
    public, aes = attributes(tmp_path, "public"), attributes(tmp_path, "aes")
    (tmp_path / "modulus.bin").write_bytes(bytes.fromhex(public["OBJ_ATTR_MODULUS"].removeprefix("0x")))
    out = kmu(f"findKey -m modulus.bin\nfindKey -kcv {aes['OBJ_ATTR_KCV']}")
    assert matched(out) == [[20, 21], [10]], out


def test_a_key_s_m_value_is_at_most_its_users_and_at_most_eight(tmp_path):
    """genSymKey.md: -m_value counts the owner and the users a key is shared with (-u), up to 8;
    a key's -id is unique in the cluster."""
    from .test_cmu_conformance import user

    users = [user(1, "PCO", "admin", mofn=True), *(user(i, "CU", f"crypto_user{i}") for i in range(3, 12))]
    doors = Doors(World(EXAMPLE_NET[:1], users, []).write(tmp_path))
    seven = ",".join(str(i) for i in range(4, 11))
    out = doors.kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
                    "genSymKey -t 31 -s 16 -l a -u 4 -m_value 2\ngenSymKey -t 31 -s 16 -l b -u 4 -m_value 3\n"
                    f"genSymKey -t 31 -s 16 -l c -u {seven} -m_value 8\n"
                    f"genSymKey -t 31 -s 16 -l d -u {seven},11 -m_value 9\n"
                    "genSymKey -t 31 -s 16 -l e -id dup\ngenSymKey -t 31 -s 16 -l f -id dup\n"
                    "genSymKey -t 31 -s 16 -l g\ngenSymKey -t 31 -s 16 -l h\nexit\n")
    assert re.findall(r"Cfm3GenerateSymmetricKey returned: (0x\w\w)", out) == [
        "0x00", "0xad", "0x00", "0xad", "0x00", "0xb2", "0x00", "0x00"], out


def test_a_masked_session_key_comes_back_as_a_session_key_of_this_login(tmp_path, monkeypatch):
    """insertMaskedObject: a session key comes back on the one HSM session keys are put on, and
    vanishes with the login, as the key it was extracted from."""
    monkeypatch.chdir(tmp_path)
    doors = Doors(World(EXAMPLE_NET[:3], CRYPTO_USERS, []).write(tmp_path))
    login = f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
    out = doors.kmu(login + "genSymKey -t 31 -s 16 -l s -sess\nextractMaskedObject -o 2200000 -out s.mask\n"
                    "insertMaskedObject -f s.mask\nexit\n")
    inserted = out[out.index("Command:  insertMaskedObject"):out.index("Command:  exit")]
    assert "New Key Handle: 2200001" in inserted, out
    assert re.findall(r"Node id (\d) and err state 0x00000000", inserted) == ["2"], out
    out = doors.kmu(login + "findKey -l s\nexit\n")
    assert "Total number of keys present 0" in out, out


def test_a_key_deleted_from_every_hsm_leaves_the_world(tmp_path):
    from hsmshell.services import open_store

    path = World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(10, 3), key(11, 3)]).write(tmp_path)
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\ndeleteKey -k 10\nexit\n")
    assert "Cfm3DeleteKey returned: 0x00 : HSM Return: SUCCESS" in out, out
    assert list(open_store(path).read().clusters["cluster-1a23b4cdefg"].keys) == [11]


def test_ex_sym_key_without_m_exports_a_secret_of_any_length(tmp_path, monkeypatch):
    """Without -m, exSymKey wraps as with -m 4 (NIST AES wrap, padded): a generic secret of 20
    bytes, no multiple of 8, comes out whole."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(14, 3, key_type=16, size=20, label="odd")])
    out = kmu("exSymKey -k 14 -w 10 -out odd.key\nexSymKey -k 14 -w 10 -m 4 -out odd4.key")
    assert out.count('Wrapped Symmetric Key written to file "odd') == 2, out
    assert len((tmp_path / "odd.key").read_bytes()) == 20
    assert (tmp_path / "odd.key").read_bytes() == (tmp_path / "odd4.key").read_bytes()


def test_a_key_held_only_on_an_hsm_that_does_not_answer_is_out_of_reach(tmp_path, monkeypatch):
    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(10, 3), key(11, 3, hsms=[EXAMPLE_NET[1][1]])]).write(tmp_path)
    with open_store(path).transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[1].reachable = False
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
                          "getAttribute -o 11 -a 3 -out label11\ngetAttribute -o 10 -a 3 -out label10\nexit\n")
    assert re.findall(r"Cfm3GetAttribute returned: (0x\w\w)", out) == ["0xa8", "0x00"], out


def test_find_key_does_not_list_a_key_held_only_on_an_hsm_that_does_not_answer(tmp_path):
    from hsmshell.services import open_store

    path = World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(10, 3), key(11, 3, hsms=[EXAMPLE_NET[1][1]])]).write(tmp_path)
    with open_store(path).transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[1].reachable = False
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\nfindKey\nexit\n")
    assert matched(out) == [[10]], out


def test_verify_takes_a_public_key_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"signed")
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, label="pair", **rsa),
                           key(21, 3, key_class=2, label="pair", **rsa)])
    out = kmu("sign -f message -k 20 -m 1 -out message.sig\nverify -f message -s message.sig -k 20 -m 1\n"
              "verify -f message -s message.sig -k 10 -m 1\nverify -f message -s message.sig -k 21 -m 1")
    assert re.findall(r"Cfm3Verify returned: (0x\w\w)", out)[:2] == ["0xb2", "0xb2"], out
    assert out.count("Signature verification successful") == 1, out


def unwrapped_with_header(tmp_path, field: bytes, changed: bytes) -> str:
    """An RSA private key (20) wrapped under an AES key (10), its file's header changed from
    `field` to `changed`, unwrapped; then findKey."""
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, label="pair", **rsa)])
    assert "Key Wrapped." in kmu("wrapKey -k 20 -w 10 -m 4 -out private.wrapped")
    wrapped = (tmp_path / "private.wrapped").read_bytes()
    assert field in wrapped
    (tmp_path / "private.wrapped").write_bytes(wrapped.replace(field, changed, 1))
    return kmu("unWrapKey -f private.wrapped -w 10 -m 4\nfindKey")


@pytest.mark.parametrize("named", [b"3", b"-1"])
def test_a_wrapped_private_key_whose_header_names_another_type_is_refused(tmp_path, monkeypatch, named):
    """The RSA key's header edited to name EC (3), or a type before RSA's 0."""
    monkeypatch.chdir(tmp_path)
    out = unwrapped_with_header(tmp_path, b'"type": 0', b'"type": ' + named)
    assert "Cfm3UnWrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert matched(out) == [[10, 20]]


def test_a_seeded_world_gives_a_hand_written_aes_256_key_its_seed_s_digest(tmp_path, monkeypatch):
    """Seeded, a hand-written key's material is the digest of the seed, the cluster's lineage and
    the handle (whoever uses it first, in every run): the check values a transcript shows stay."""
    import hashlib

    from hsmshell.cloudhsm import check_values

    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, size=32), key(11, 3, size=16)])
    kmu("getAttribute -o 10 -a 371 -out kcv10\ngetAttribute -o 11 -a 371 -out kcv11")
    for handle, size in ((10, 32), (11, 16)):
        digest = hashlib.sha256(f"6:material:lineage-1:{handle}".encode()).digest()
        expected = check_values.kcv(4, 31, digest[:size]).hex()
        assert (tmp_path / f"kcv{handle}").read_text() == f"OBJ_ATTR_KCV\n0x{expected}\n", handle


def test_set_attribute_makes_a_session_key_a_token_key_with_the_value_1_only(tmp_path):
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -sess -l s\nsetAttribute -o 2200000 -a 1\n2\nsetAttribute -o 2200000 -a 1\n0\n"
              "setAttribute -o 2200000 -a 1\n1")
    assert re.findall(r"Cfm3SetAttribute returned: (0x\w\w)", out) == ["0xb2", "0xb2", "0x00"], out


def test_a_secret_key_keeps_its_check_value_from_its_making(tmp_path, monkeypatch):
    """seal_material: the world keeps a new secret key's OBJ_ATTR_KCV beside its material, as an
    HSM keeps it from the key's creation (showing it then opens no material)."""
    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, []).write(tmp_path)
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\ngenSymKey -t 31 -s 16 -l aes\n"
                          "getAttribute -o 2200000 -a 371 -out kcv\nexit\n")
    assert "Cfm3GetAttribute returned: 0x00" in out, out
    kept = open_store(path).read().clusters["cluster-1a23b4cdefg"].keys[2200000].attributes.get(371)
    assert kept and (tmp_path / "kcv").read_text() == f"OBJ_ATTR_KCV\n0x{kept}\n"


def test_export_pub_key_exports_public_keys_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ec = {"key_type": 3, "size": 256, "label": "ec"}
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, key_class=3, **ec), key(12, 3, key_class=2, **ec)])
    out = kmu("exportPubKey -k 11 -out private.pem\nexportPubKey -k 10 -out secret.pem\n"
              "exportPubKey -k 12 -out public.pem")
    assert re.findall(r"Cfm3ExportPubKey returned: (0x\w\w)", out) == ["0xb2", "0xb2", "0x00"], out
    assert sorted(p.name for p in tmp_path.glob("*.pem")) == ["public.pem"]


def test_export_pub_key_refuses_a_hand_written_object_of_a_class_below_the_public_keys(tmp_path, monkeypatch):
    """OBJ_ATTR_CLASS 0 and 1 (PKCS #11's data and certificate objects) sort before a public
    key's 2: a hand-written world's object of either is no public key to export."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, key_class=0, key_type=0, size=2048, label="data"),
                           key(11, 3, key_class=1, key_type=0, size=2048, label="certificate")])
    out = kmu("exportPubKey -k 10 -out data.pem\nexportPubKey -k 11 -out certificate.pem")
    assert re.findall(r"Cfm3ExportPubKey returned: (0x\w\w)", out) == ["0xb2", "0xb2"], out
    assert not list(tmp_path.glob("*.pem"))


def test_a_hand_written_key_s_copy_in_a_backup_of_its_lineage_gets_the_same_material(doors, store, tmp_path,
                                                                                      monkeypatch):
    """The backup taken of the cluster holds the same bytes as the key first used in the
    cluster; a backup of another lineage with a key at that handle keeps its own, whether its
    lineage sorts before the cluster's or after."""
    import msgspec

    from hsmshell.world.model import Key

    from .test_kmu import KMSUSER, kmsuser_password_known

    monkeypatch.chdir(tmp_path)
    kmsuser_password_known(doors)
    cluster_id, backup_id = "cluster-1a23b4cdefg", "backup-9g87f6edcba"
    with store.transaction() as world:
        world.ids.seed = None
        cluster = world.clusters[cluster_id]
        handle = cluster.next_handle
        made = Key(handle=handle, owner=3, key_class=4, key_type=31, size=32, label="hand-written",
                   hsms=[h.hsm_id for h in cluster.hsms])
        cluster.keys[handle] = made
        world.backups[backup_id].keys[handle] = msgspec.structs.replace(made, hsms=[])
        for other, lineage in (("backup-2other22222", "lineage-2other22222"),
                               ("backup-0before0000", cluster.lineage[:-1]), ("backup-3after33333", cluster.lineage + "0")):
            world.backups[other] = msgspec.structs.replace(
                world.backups[backup_id], backup_id=other, lineage=lineage,
                keys={handle: msgspec.structs.replace(made, hsms=[])})
    out = doors.kmu(KMSUSER + f"getAttribute -o {handle} -a 371 -out kcv\nexit\n")
    assert "Cfm3GetAttribute returned: 0x00" in out, out
    world = store.read()
    material = world.clusters[cluster_id].keys[handle].material
    assert material is not None and world.backups[backup_id].keys[handle].material == material
    for other in ("backup-2other22222", "backup-0before0000", "backup-3after33333"):
        assert world.backups[other].keys[handle].material is None, other


def test_the_public_key_of_a_hand_written_pair_is_the_half_of_the_nearest_private_key_with_its_label(
        tmp_path, monkeypatch):
    """Two private keys share the public key 20's label: the nearer handle (21, not 12) is its pair."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(12, 3, key_class=3, label="x", **rsa), key(20, 3, key_class=2, label="x", **rsa),
                           key(21, 3, key_class=3, label="x", **rsa)])
    out = kmu("getAttribute -o 20 -a 512 -out public\ngetAttribute -o 21 -a 512 -out near\n"
              "getAttribute -o 12 -a 512 -out far")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 3, out
    public, near, far = (attributes(tmp_path, n)["OBJ_ATTR_MODULUS"] for n in ("public", "near", "far"))
    assert public == near != far


def test_an_asymmetric_key_s_check_value_comes_from_its_material_not_from_a_written_one(tmp_path, monkeypatch):
    """Only a secret key's OBJ_ATTR_KCV is kept with it; a hand-written private key that gives
    one shows the check value of its material."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_class": 3, "key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(11, 3, label="given", attributes={371: "a1b2c3"}, **rsa), key(12, 3, label="none", **rsa)])
    out = kmu("getAttribute -o 11 -a 371 -out given\ngetAttribute -o 11 -a 512 -out all")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    shown = (tmp_path / "given").read_text()
    assert shown.startswith("OBJ_ATTR_KCV\n0x") and shown != "OBJ_ATTR_KCV\n0xa1b2c3\n", shown
    assert "OBJ_ATTR_MODULUS" in attributes(tmp_path, "all")


RSA_PRIVATE = {"key_class": 3, "key_type": 0, "size": 2048}
AES_SECRET = {"key_class": 4, "key_type": 31, "size": 32}


@pytest.mark.parametrize("mine, namesake", [(RSA_PRIVATE, AES_SECRET), (AES_SECRET, RSA_PRIVATE)])
def test_a_hand_written_key_s_namesake_of_another_class_in_a_cluster_of_its_lineage_keeps_its_own_material(
        tmp_path, monkeypatch, mine, namesake):
    """A cluster of the same lineage holding, at the same handle, a key of another class (a
    secret key where this cluster has a private key, or a private key where it has a secret key:
    a class after this one's or before it) gets nothing when this one is first used."""
    import msgspec

    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3, label="mine", **mine)],
                 clone=[("10.0.9.9", "hsm-cl2aaaaaaaa")]).write(tmp_path)
    with open_store(path).transaction() as world:
        original, clone = world.clusters["cluster-1a23b4cdefg"], world.clusters["cluster-2clone2222"]
        assert original.lineage == clone.lineage
        clone.keys[10] = msgspec.structs.replace(original.keys[10], **namesake, hsms=[h.hsm_id for h in clone.hsms])
    out = Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\ngetAttribute -o 10 -a 512 -out mine\nexit\n")
    assert "Cfm3GetAttribute returned: 0x00" in out, out
    world = open_store(path).read()
    assert world.clusters["cluster-1a23b4cdefg"].keys[10].material is not None
    assert world.clusters["cluster-2clone2222"].keys[10].material is None


def test_get_attribute_refuses_an_attribute_the_key_does_not_have(tmp_path, monkeypatch):
    """OBJ_ATTR_WRAP_TEMPLATE (1073742353), an id past OBJ_ATTR_ALL's 512, of a key that has none:
    RET_INVALID_ATTRIBUTE, and no file; 512 writes them all."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("getAttribute -o 10 -a 1073742353 -out template\ngetAttribute -o 10 -a 512 -out all")
    assert re.findall(r"Cfm3GetAttribute returned: (0x\w\w)", out) == ["0xab", "0x00"], out
    assert not (tmp_path / "template").exists()


def test_find_key_sess_0_finds_token_keys_and_sess_1_session_keys(tmp_path):
    """findKey -sess 1 matches session keys, -sess 0 token keys (cloudhsm-shells-spec, findKey)."""
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("genSymKey -t 31 -s 16 -l s -sess\nfindKey -sess 0\nfindKey -sess 1\nfindKey")
    assert matched(out) == [[10], [2200000], [10, 2200000]], out


def test_find_key_m_matches_rsa_keys_of_that_very_modulus_only(tmp_path, monkeypatch):
    """findKey -m: "the binary file containing RSA modulus to match with".  Each pair's modulus
    finds that pair only (whichever sorts first), and an EC key's point finds no key."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    ec = {"key_type": 3, "size": 256}
    kmu = shell(tmp_path, [key(20, 3, key_class=3, label="a", **rsa), key(21, 3, key_class=2, label="a", **rsa),
                           key(22, 3, key_class=3, label="b", **rsa), key(23, 3, key_class=2, label="b", **rsa),
                           key(24, 3, key_class=3, label="ec", **ec), key(25, 3, key_class=2, label="ec", **ec)])
    kmu("getAttribute -o 21 -a 512 -out a\ngetAttribute -o 23 -a 512 -out b\ngetAttribute -o 25 -a 512 -out ec")
    for name in ("a", "b", "ec"):
        modulus = attributes(tmp_path, name)["OBJ_ATTR_MODULUS"].removeprefix("0x")
        (tmp_path / f"{name}.bin").write_bytes(bytes.fromhex(modulus))
    out = kmu("findKey -m a.bin\nfindKey -m b.bin\nfindKey -m ec.bin")
    assert matched(out) == [[20, 21], [22, 23]], out
    assert out.split("Command:  findKey -m ec.bin")[1].count("Total number of keys present 0") == 1, out


def test_a_user_a_key_is_shared_with_cannot_export_it(tmp_path, monkeypatch):
    """Users a key is shared with may only use it (cloudhsm-shells-spec §1.3): crypto_user3 may
    not export crypto_user4's key shared with it, though its own exports."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 4, [3]), key(11, 3), key(12, 3)])
    out = kmu("exSymKey -k 10 -w 11 -out shared.key\nexSymKey -k 12 -w 11 -out own.key")
    assert re.findall(r"Cfm3WrapKey returned: (0x\w\w)", out)[:1] == ["0xc6"], out
    assert "Cfm3WrapKey returned: 0xc6 : HSM Error: Key Access is denied." in out, out
    assert 'Wrapped Symmetric Key written to file "own.key"' in out, out
    assert not (tmp_path / "shared.key").exists()


def test_insert_masked_object_min_srv_is_met_by_as_many_hsms_as_it_names(tmp_path, monkeypatch):
    """-min_srv: the HSMs that must hold the key; two of two are enough, three of two are not
    (the server-unavailable error, as genSymKey's -min_srv)."""
    monkeypatch.chdir(tmp_path)
    doors = Doors(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(10, 3)]).write(tmp_path))
    out = doors.kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\nextractMaskedObject -o 10 -out k.mask\n"
                    "insertMaskedObject -f k.mask -min_srv 2\ninsertMaskedObject -f k.mask -min_srv 3\nexit\n")
    assert re.findall(r"Cfm3InsertMaskedObject returned: (0x\w+)", out) == ["0x00", "0x30000085"], out
    assert "New Key Handle: 2200000" in out, out


def test_gen_sym_key_min_srv_is_for_token_keys(tmp_path):
    """genSymKey -min_srv 2 on a cluster of one HSM: a token key cannot be on two (the
    server-unavailable error); a session key (-sess), kept on one HSM, is made."""
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -l token -min_srv 2\ngenSymKey -t 31 -s 16 -l session -min_srv 2 -sess\nfindKey")
    assert re.findall(r"Cfm3GenerateSymmetricKey returned: (0x\w+)", out) == ["0x30000085", "0x00"], out
    assert matched(out) == [[2200000]], out


def test_a_masked_object_from_another_lineage_is_refused_whichever_way_the_lineages_sort(tmp_path, monkeypatch):
    """Only an HSM of the same backup lineage holds the masking key: the clone, given a lineage
    that sorts before the key's, refuses the object, as one after it does."""
    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3)], clone=[("10.0.9.9", "hsm-cl2aaaaaaaa")]).write(tmp_path)
    doors, store = Doors(path), open_store(path)
    login = f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
    assert "Cfm3ExtractMaskedObject returned: 0x00" in doors.kmu(login + "extractMaskedObject -o 10 -out k.mask\nexit\n")
    codes = []
    for lineage in ("lineage-0", "lineage-9", "lineage-1"):
        with store.transaction() as world:
            world.client.cluster_id = "cluster-2clone2222"
            world.clusters["cluster-2clone2222"].lineage = lineage
        out = doors.kmu(login + "insertMaskedObject -f k.mask\nexit\n")
        codes += re.findall(r"Cfm3InsertMaskedObject returned: (0x\w+)", out)
    masked = re.findall(r"Cfm3InsertMaskedObject returned: (0x\w+ : .*)", out)
    assert codes[2] == "0x00" and codes[0] == codes[1] != "0x00", (codes, masked, out)


def test_aes_wrap_unwrap_names_the_host_key_call_of_its_mode(tmp_path, monkeypatch):
    """aesWrapUnwrap's return line: Cfm3WrapHostKey wrapping (-m 1), Cfm3UnWrapHostKey
    unwrapping (-m 0) (cloudhsm-shells-spec's call names), for a key it cannot use as for data
    that does not unwrap (0x1b, ERR_BAD_PKCS_DATA)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").write_bytes(bytes(range(24)))
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("aesWrapUnwrap -m 1 -f data -w 99\naesWrapUnwrap -m 0 -f data -w 99\naesWrapUnwrap -m 0 -f data -w 10")
    assert re.findall(r"(Cfm3\w+) returned: (0x\w\w)", out)[1:] == [
        ("Cfm3WrapHostKey", "0xa8"), ("Cfm3UnWrapHostKey", "0xa8"), ("Cfm3UnWrapHostKey", "0x1b")], out
    assert "Cfm3UnWrapHostKey returned: 0x1b : CSP Error: ERR_BAD_PKCS_DATA" in out, out


def test_aes_wrap_unwrap_wraps_with_a_key_that_may_wrap_and_unwraps_with_one_that_may_unwrap(tmp_path,
                                                                                               monkeypatch):
    """aesWrapUnwrap -m 1 needs OBJ_ATTR_WRAP (262), -m 0 OBJ_ATTR_UNWRAP (263): a hand-written AES
    key that may wrap only (10) wraps the data and cannot unwrap it; one that may unwrap only (11)
    the other way round."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").write_bytes(bytes(range(24)))
    kmu = shell(tmp_path, [key(10, 3, label="wrap", attributes={262: 1, 263: 0}),
                           key(11, 3, label="unwrap", attributes={262: 0, 263: 1})])
    out = kmu("aesWrapUnwrap -m 1 -f data -w 10 -out wrapped\naesWrapUnwrap -m 1 -f data -w 11\n"
              "aesWrapUnwrap -m 0 -f wrapped -w 10\naesWrapUnwrap -m 0 -f wrapped -w 11")
    assert re.findall(r"(Cfm3\w+) returned: (0x\w\w)", out)[1:] == [
        ("Cfm3WrapHostKey", "0x00"), ("Cfm3WrapHostKey", "0xb2"), ("Cfm3UnWrapHostKey", "0xb2"),
        ("Cfm3UnWrapHostKey", "0x1b")], out  # 11 may unwrap; the data is not wrapped under it


def test_a_generated_key_is_always_sensitive_and_never_extractable_only_with_nex(tmp_path, monkeypatch):
    """OBJ_ATTR_ALWAYS_SENSITIVE (357) is 1 for a secret or private key; OBJ_ATTR_NEVER_EXTRACTABLE
    (356) is 1 for a key made with -nex and 0 for one made without."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -l plain\ngenSymKey -t 31 -s 16 -l kept -nex\n"
              "getAttribute -o 2200000 -a 356 -out never0\ngetAttribute -o 2200001 -a 356 -out never1\n"
              "getAttribute -o 2200000 -a 357 -out always0")
    assert out.count("Cfm3GetAttribute returned: 0x00") == 3, out
    assert (tmp_path / "never0").read_text() == "OBJ_ATTR_NEVER_EXTRACTABLE\n0x00000000\n"
    assert (tmp_path / "never1").read_text() == "OBJ_ATTR_NEVER_EXTRACTABLE\n0x00000001\n"
    assert (tmp_path / "always0").read_text() == "OBJ_ATTR_ALWAYS_SENSITIVE\n0x00000001\n"


def test_im_sym_key_takes_an_aes_key_of_16_24_or_32_bytes_only(tmp_path, monkeypatch):
    """imSymKey -t 31: "AES, file size = 16, 24 and 32 bytes"; a file of 20 is refused."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "aes24").write_bytes(bytes(24))
    (tmp_path / "aes20").write_bytes(bytes(20))
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("imSymKey -f aes20 -w 10 -t 31 -l twenty\nimSymKey -f aes24 -w 10 -t 31 -l good\nfindKey")
    assert re.findall(r"Cfm3UnWrapKey returned: (0x\w\w)", out) == ["0xb2", "0x00"], out
    assert matched(out) == [[10, 2200000]], out


def test_a_wrapped_key_file_cut_after_its_header_is_refused(tmp_path, monkeypatch):
    """A file that has wrapKey's header but nothing after the header's line, or a header that is
    no JSON: RET_INVALID_INPUT."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, label="secret")])
    assert "Key Wrapped." in kmu("wrapKey -k 11 -w 10 -m 4 -out secret.wrapped")
    wrapped = (tmp_path / "secret.wrapped").read_bytes()
    magic, header, _ = wrapped.split(b"\n", 2)
    (tmp_path / "cut.wrapped").write_bytes(magic + b"\n" + header)
    (tmp_path / "garbled.wrapped").write_bytes(wrapped.replace(header, b"{no json" + header, 1))
    out = kmu("unWrapKey -f cut.wrapped -w 10 -m 4\nunWrapKey -f garbled.wrapped -w 10 -m 4\nfindKey")
    assert out.count("Cfm3UnWrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT") == 2, out
    assert matched(out) == [[10, 11]]


def test_unwrapping_with_a_hand_written_aes_key_of_no_aes_length_fails_as_bad_data(tmp_path, monkeypatch):
    """A hand-written world's AES key whose material is 20 bytes, though its size says 32 (a
    world refuses an AES size of 20 itself; its check value kept with it, so nothing ciphers with
    it before), is no key the cipher takes: unWrapKey with it fails as data that does not unwrap
    (0x1b), not with an internal error."""
    from hsmshell.services import open_store

    monkeypatch.chdir(tmp_path)
    path = World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(10, 3), key(11, 3, label="secret"),
                                                 key(12, 3, size=32, label="odd", attributes={371: "a1b2c3"})]
                 ).write(tmp_path)
    with open_store(path).transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].keys[12].material = world.sealer.seal(bytes(20))
    kmu = lambda lines: Doors(path).kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n{lines}\nexit\n")  # noqa: E731
    assert "Key Wrapped." in kmu("wrapKey -k 11 -w 10 -m 4 -out secret.wrapped")
    out = kmu("unWrapKey -f secret.wrapped -w 12 -m 4")
    assert "Cfm3UnWrapKey returned: 0x1b : CSP Error: ERR_BAD_PKCS_DATA" in out, out


def test_a_key_s_m_value_is_at_least_0(tmp_path):
    """-m_value 0..8 (genSymKey.md): -1 is RET_INVALID_M_VALUE."""
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -l minus -m_value -1\ngenSymKey -t 31 -s 16 -l zero -m_value 0")
    assert re.findall(r"Cfm3GenerateSymmetricKey returned: (0x\w\w)", out) == ["0xad", "0x00"], out


def test_only_a_secret_key_wraps_not_an_object_of_another_class_with_the_aes_type(tmp_path, monkeypatch):
    """A hand-written private key that says it is of type AES (31) and may wrap (OBJ_ATTR_WRAP
    262) is still no AES key: wrapKey and exSymKey refuse it (RET_INVALID_INPUT)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(11, 3, label="payload"),
                           key(12, 3, key_class=3, key_type=31, size=32, label="odd", attributes={262: 1})])
    out = kmu("wrapKey -k 11 -w 12 -m 4 -out by-odd.wrapped\nexSymKey -k 11 -w 12 -out by-odd.key")
    assert "Cfm2WrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert "Cfm3WrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert not list(tmp_path.glob("by-odd*"))


def test_only_a_private_key_signs_not_a_public_key_allowed_to(tmp_path, monkeypatch):
    """sign takes a private key: a hand-written public key or secret key (a class before the
    private keys' or after it) with OBJ_ATTR_SIGN (264) set is refused (RET_INVALID_INPUT), not
    ended in an internal error, as the private key of the pair signs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"to sign")
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(20, 3, key_class=3, label="pair", **rsa),
                           key(21, 3, key_class=2, label="pair", attributes={264: 1}, **rsa),
                           key(22, 3, label="secret", attributes={264: 1})])
    out = kmu("sign -f message -k 21 -m 1 -out public.sig\nsign -f message -k 22 -m 1 -out secret.sig\n"
              "sign -f message -k 20 -m 1 -out private.sig")
    assert re.findall(r"Cfm3Sign returned: (0x\w\w)", out) == ["0xb2", "0xb2", "0x00"], out
    assert not (tmp_path / "public.sig").exists() and not (tmp_path / "secret.sig").exists()


def test_a_private_key_that_may_not_sign_does_not(tmp_path, monkeypatch):
    """A hand-written private key with OBJ_ATTR_SIGN (264) 0: sign, with a mechanism of its
    family, is refused (RET_INVALID_INPUT)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"to sign")
    kmu = shell(tmp_path, [key(20, 3, key_class=3, key_type=0, size=2048, attributes={264: 0})])
    out = kmu("sign -f message -k 20 -m 1 -out private.sig")
    assert re.findall(r"Cfm3Sign returned: (0x\w\w)", out) == ["0xb2"], out
    assert not (tmp_path / "private.sig").exists()


def test_a_hand_written_private_key_of_a_type_past_ec_is_made_a_dsa_key(tmp_path, monkeypatch):
    """A private key of a type the HSM makes no pair of (here 4, past EC's 3, and -1, before RSA's
    0) gets DSA material, as the other types that are neither RSA nor EC."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa

    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, key_type=4, size=2048, label="other"),
                           key(21, 3, key_class=3, key_type=-1, size=2048, label="before")])
    out = kmu("exportPrivateKey -k 20 -w 10 -out other.pem\nexportPrivateKey -k 21 -w 10 -out before.pem")
    assert "PEM formatted private key is written to other.pem" in out, out
    for name in ("other", "before"):
        exported = serialization.load_pem_private_key((tmp_path / f"{name}.pem").read_bytes(), password=None)
        assert isinstance(exported, dsa.DSAPrivateKey), name


def test_find_key_m_with_an_empty_modulus_matches_no_key_whatever_its_type(tmp_path, monkeypatch):
    """An empty -m file is no RSA modulus: it matches no key, not even a hand-written one of a
    type (here -1, before RSA's 0) that has no modulus either."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.bin").write_bytes(b"")
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, key_type=-1, size=16, label="secret"),
                           key(12, 3, key_class=3, key_type=-1, size=2048, label="private")])
    out = kmu("findKey -m empty.bin\nfindKey")
    assert out.split("Command:  findKey\n")[0].count("Total number of keys present 0") == 1, out
    assert matched(out) == [[10, 11, 12]], out


def test_a_data_or_certificate_object_of_the_rsa_type_shows_no_key_s_attributes(tmp_path, monkeypatch):
    """getAttribute -a 512 of a hand-written world's object of class 0 or 1 (PKCS #11's data
    and certificate objects) that says it is of the RSA type: the common attributes, without a
    modulus or the RSA public key's list, and no internal error (there was one)."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(10, 3, key_class=0, label="data", **rsa),
                           key(11, 3, key_class=1, label="certificate", **rsa)])
    out = kmu("getAttribute -o 10 -a 512 -out data\ngetAttribute -o 11 -a 512 -out certificate")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    for name, cls in (("data", "0x00"), ("certificate", "0x01")):
        got = attributes(tmp_path, name)
        assert got["OBJ_ATTR_CLASS"] == cls, got
        assert not {"OBJ_ATTR_MODULUS", "OBJ_ATTR_PUBLIC_EXPONENT", "OBJ_ATTR_TRUSTED"} & set(got), got
        assert got["OBJ_ATTR_SENSITIVE"] == "0x01", got  # as every object but a public key


def test_set_attribute_token_keeps_a_session_key_on_every_hsm_of_the_login(tmp_path):
    """setAttribute -a 1 (OBJ_ATTR_TOKEN) 1: the session key, made on one HSM, becomes a token key
    kept on every HSM the user is logged in to: with the HSM it was made on gone, the next login
    still finds it."""
    from hsmshell.services import open_store

    path = World(EXAMPLE_NET[:2], CRYPTO_USERS, []).write(tmp_path)
    doors = Doors(path)
    login = f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n"
    out = doors.kmu(login + "genSymKey -t 31 -s 16 -l s -sess\nsetAttribute -o 2200000 -a 1\n1\nexit\n")
    assert "Cfm3SetAttribute returned: 0x00" in out, out
    with open_store(path).transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[1].reachable = False
    assert matched(doors.kmu(login + "findKey -l s\nfindKey -sess 0\nexit\n")) == [[2200000], [2200000]]


def test_the_public_key_of_a_hand_written_pair_is_not_the_half_of_a_nearer_key_of_another_type(tmp_path,
                                                                                                monkeypatch):
    """An RSA public key (type 0) whose label an EC private key (type 3) nearer to it shares: its
    pair is the RSA private key further off."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, key_class=3, key_type=0, size=2048, label="x"),
                           key(20, 3, key_class=2, key_type=0, size=2048, label="x"),
                           key(21, 3, key_class=3, key_type=3, size=256, label="x")])
    out = kmu("getAttribute -o 20 -a 512 -out public\ngetAttribute -o 10 -a 512 -out private")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    public, private = (attributes(tmp_path, n) for n in ("public", "private"))
    assert public["OBJ_ATTR_MODULUS_BITS"] == "0x00000800", public
    assert public["OBJ_ATTR_MODULUS"] == private["OBJ_ATTR_MODULUS"]


def test_a_hand_written_ec_key_of_a_size_other_than_384_is_on_p_256(tmp_path, monkeypatch):
    """The material of a hand-written EC key: P-384 for a size of 384, P-256 for any other (here
    521, larger than 384)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(11, 3, key_class=3, key_type=3, size=521, label="big")])
    assert "Cfm3GetAttribute returned: 0x00" in kmu("getAttribute -o 11 -a 512 -out ec")
    assert attributes(tmp_path, "ec")["OBJ_ATTR_MODULUS_BITS"] == "0x00000100"


def test_a_key_s_written_usage_attributes_rule_over_its_defaults(tmp_path, monkeypatch):
    """An AES key wraps by default; a hand-written one with OBJ_ATTR_WRAP (262) 0 does not, and one
    with OBJ_ATTR_WRAP_WITH_TRUSTED (528, an id past the check value's 371) 1 shows it."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, label="payload"),
                           key(12, 3, label="nowrap", attributes={262: 0, 528: 1})])
    out = kmu("getAttribute -o 12 -a 262 -out wrap\ngetAttribute -o 12 -a 528 -out trusted\n"
              "wrapKey -k 11 -w 12 -m 4 -out no.wrapped\nwrapKey -k 11 -w 10 -m 4 -out yes.wrapped")
    assert (tmp_path / "wrap").read_text() == "OBJ_ATTR_WRAP\n0x00000000\n"
    assert (tmp_path / "trusted").read_text() == "OBJ_ATTR_WRAP_WITH_TRUSTED\n0x00000001\n"
    assert re.findall(r"Cfm2WrapKey returned: (0x\w\w)", out) == ["0xb2", "0x00"], out


def test_import_private_key_makes_a_key_that_is_not_local_and_refuses_a_file_of_no_key(tmp_path, monkeypatch):
    """importPrivateKey: the key came from outside, OBJ_ATTR_LOCAL (355) 0, and is extractable
    (OBJ_ATTR_EXTRACTABLE, 354: importPrivateKey cannot make it otherwise); a file that holds no
    private key fails at the tool's wrapping (Cfm3WrapHostKey, RET_INVALID_INPUT)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    monkeypatch.chdir(tmp_path)
    private = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.pem").write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    (tmp_path / "junk.pem").write_bytes(b"no key here")
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("importPrivateKey -f junk.pem -l junk -w 10\nimportPrivateKey -f ec.pem -l ec -w 10\n"
              "getAttribute -o 2200000 -a 355 -out local\ngetAttribute -o 2200000 -a 354 -out extractable")
    assert "Cfm3WrapHostKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert "Private Key Unwrapped.  Key Handle: 2200000" in out, out
    assert (tmp_path / "local").read_text() == "OBJ_ATTR_LOCAL\n0x00000000\n"
    assert (tmp_path / "extractable").read_text() == "OBJ_ATTR_EXTRACTABLE\n0x00000001\n"


def test_an_imported_public_key_and_an_unwrapped_key_are_not_local(tmp_path, monkeypatch):
    """importPubKey and unWrapKey make keys from data the HSM was given: OBJ_ATTR_LOCAL (355) 0,
    as importPrivateKey's."""
    monkeypatch.chdir(tmp_path)
    ec = {"key_type": 3, "size": 256, "label": "ec"}
    kmu = shell(tmp_path, [key(10, 3), key(20, 3, key_class=3, **ec), key(21, 3, key_class=2, **ec)])
    out = kmu("exportPubKey -k 21 -out ec.pem\nimportPubKey -f ec.pem -l public\n"
              "wrapKey -k 20 -w 10 -m 4 -out ec.wrapped\nunWrapKey -f ec.wrapped -w 10 -m 4 -l unwrapped\n"
              "getAttribute -o 2200000 -a 355 -out public\ngetAttribute -o 2200001 -a 355 -out unwrapped")
    assert out.count("Cfm3GetAttribute returned: 0x00") == 2, out
    for name in ("public", "unwrapped"):
        assert (tmp_path / name).read_text() == "OBJ_ATTR_LOCAL\n0x00000000\n", name


def test_a_wrapped_secret_said_to_be_what_it_cannot_be_is_refused(tmp_path, monkeypatch):
    """unWrapKey -noheader of a 32-byte AES key: said to be a 3DES key (-kc 4 -kt 21, 24 bytes
    only) or a secret of a type no secret key has (99), it is refused (RET_INVALID_INPUT); said to be
    an RSA private key (-kc 3 -kt 0), it holds no PKCS #8 key (ERR_BAD_PKCS_DATA); as AES it unwraps."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, label="payload")])
    assert "Key Wrapped." in kmu("wrapKey -k 11 -w 10 -m 4 -noheader -out secret.raw")
    out = kmu("\n".join(f"unWrapKey -f secret.raw -w 10 -m 4 -noheader -kc {kc} -kt {kt} -l as{kt}"
                        for kc, kt in ((4, 21), (4, 99), (3, 0), (4, 31))))
    assert re.findall(r"Cfm2UnWrapWithTemplate3 returned: (0x\w\w)", out) == ["0xb2", "0xb2", "0x1b", "0x00"], out


def test_wrap_key_without_padding_refuses_a_key_of_no_whole_blocks(tmp_path, monkeypatch):
    """wrapKey -m 5 (NIST AES key wrap, no padding) of a 20-byte generic secret, which is no
    multiple of 8 bytes: RET_INVALID_INPUT and no file; -m 6 pads it with zeros and wraps it."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, key_type=16, size=20, label="odd")])
    out = kmu("wrapKey -k 11 -w 10 -m 5 -out nopad.wrapped\nwrapKey -k 11 -w 10 -m 6 -out zeropad.wrapped")
    assert re.findall(r"Cfm2WrapKey returned: (0x\w\w)", out) == ["0xb2", "0x00"], out
    assert not (tmp_path / "nopad.wrapped").exists()


def test_import_pub_key_refuses_a_file_of_no_public_key(tmp_path, monkeypatch):
    """importPubKey -f of a file that holds no public key: Cfm3CreatePublicKey, RET_INVALID_INPUT;
    no key is made."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "junk.pem").write_bytes(b"no key here")
    kmu = shell(tmp_path, [key(10, 3)])
    out = kmu("importPubKey -f junk.pem -l junk\nfindKey")
    assert "Cfm3CreatePublicKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert matched(out) == [[10]], out


def test_only_the_owner_deletes_a_key_not_a_user_it_is_shared_with(tmp_path):
    """deleteKey by a user the key is shared with: Cfm3DeleteKey 0xc6, Key Access is denied; the
    key stays."""
    kmu = shell(tmp_path, [key(10, 4, [3]), key(11, 3)])
    out = kmu("deleteKey -k 10\nfindKey")
    assert "Cfm3DeleteKey returned: 0xc6" in out, out
    assert matched(out) == [[10, 11]], out


def test_verify_takes_no_data_or_certificate_object(tmp_path, monkeypatch):
    """verify with a hand-written object of class 0 or 1 that says it is an RSA key: refused
    (RET_INVALID_INPUT) as a private or secret key is, not checked against its material."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"signed")
    rsa = {"key_type": 0, "size": 2048}
    kmu = shell(tmp_path, [key(20, 3, key_class=3, label="pair", **rsa), key(21, 3, key_class=0, label="data", **rsa),
                           key(22, 3, key_class=1, label="certificate", **rsa)])
    out = kmu("sign -f message -k 20 -m 1 -out message.sig\nverify -f message -s message.sig -k 21 -m 1\n"
              "verify -f message -s message.sig -k 22 -m 1")
    assert re.findall(r"Cfm3Verify returned: (0x\w\w)", out) == ["0xb2", "0xb2"], out


def test_a_key_is_shared_with_other_crypto_users_only(tmp_path):
    """genSymKey -u: sharing with yourself fails (genSymKey.md), as sharing with a user who is no
    crypto user (2, the appliance user; 1, the crypto officer, a PCO, whose type sorts after CU)
    does; another crypto user is fine."""
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 31 -s 16 -l self -u 3\ngenSymKey -t 31 -s 16 -l au -u 2\n"
              "genSymKey -t 31 -s 16 -l pco -u 1\ngenSymKey -t 31 -s 16 -l cu -u 4")
    assert re.findall(r"Cfm3GenerateSymmetricKey returned: (0x\w\w)", out) == ["0xb2", "0xb2", "0xb2", "0x00"], out


def test_find_key_kcv_finds_a_key_after_one_with_another_check_value(tmp_path, monkeypatch):
    """findKey -kcv goes on past the keys whose check value differs: key 11's finds 11, after 10."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3), key(12, 3)])
    kmu("getAttribute -o 11 -a 371 -out kcv")
    kcv = (tmp_path / "kcv").read_text().split()[1]
    assert matched(kmu(f"findKey -kcv {kcv}")) == [[11]]


def test_a_secret_key_s_written_check_value_that_is_not_hex_is_not_kept(tmp_path, monkeypatch):
    """A hand edit that leaves OBJ_ATTR_KCV six characters but not hex, or hex of four bytes or of
    two: the check value shown is the one of the key's material (3 bytes), as for a key written
    without one."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, attributes={371: "zzzzzz"}), key(11, 3, attributes={371: "a1b2c3d4"}),
                           key(12, 3, attributes={371: "a1b2"})])
    out = kmu("getAttribute -o 10 -a 371 -out bad\ngetAttribute -o 10 -a 512 -out all\n"
              "getAttribute -o 11 -a 371 -out long\ngetAttribute -o 12 -a 371 -out short")
    assert out.count("Cfm3GetAttribute returned: 0x00") == 4, out
    for name in ("bad", "long", "short"):
        shown = (tmp_path / name).read_text()
        assert re.fullmatch(r"OBJ_ATTR_KCV\n0x[0-9a-f]{6}\n", shown), shown


def test_a_file_that_is_no_masked_object_is_refused_as_masked_with_another_key(tmp_path, monkeypatch):
    """insertMaskedObject of a file that is no masked object (or a damaged one): the HSM cannot
    unmask it, as one of another lineage; no key is made."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "junk.mask").write_bytes(b"no masked object here")
    kmu = shell(tmp_path, [key(10, 3)])
    assert "Cfm3ExtractMaskedObject returned: 0x00" in kmu("extractMaskedObject -o 10 -out k.mask")
    (tmp_path / "cut.mask").write_bytes((tmp_path / "k.mask").read_bytes()[:40])
    out = kmu("insertMaskedObject -f junk.mask\ninsertMaskedObject -f cut.mask\nfindKey")
    codes = re.findall(r"Cfm3InsertMaskedObject returned: (0x\w+ : .*)", out)
    assert len(codes) == 2 and codes[0] == codes[1] and not codes[0].startswith("0x00 "), out
    assert matched(out) == [[10]], out


def test_a_wrapped_key_whose_header_says_public_key_is_refused(tmp_path, monkeypatch):
    """unWrapKey makes secret and private keys: a header naming class 2 (a public key) over a
    wrapped private key is refused (RET_INVALID_INPUT) and no key is made."""
    monkeypatch.chdir(tmp_path)
    out = unwrapped_with_header(tmp_path, b'"class": 3', b'"class": 2')
    assert "Cfm3UnWrapKey returned: 0xb2 : HSM Error: RET_INVALID_INPUT" in out, out
    assert matched(out) == [[10, 20]]


def test_an_ec_public_key_lists_none_of_the_rsa_public_key_s_attributes(tmp_path, monkeypatch):
    """getAttribute -a 512: the trust attributes and the rest close the RSA public key's list
    (kmu-52) only; an EC public key's is the common list and its point."""
    monkeypatch.chdir(tmp_path)
    ec = {"key_type": 3, "size": 256}
    kmu = shell(tmp_path, [key(11, 3, key_class=3, label="ec", **ec), key(12, 3, key_class=2, label="ec", **ec)])
    assert "Cfm3GetAttribute returned: 0x00" in kmu("getAttribute -o 12 -a 512 -out public")
    got = attributes(tmp_path, "public")
    assert "OBJ_ATTR_MODULUS" in got and "OBJ_ATTR_TRUSTED" not in got and "OBJ_ATTR_DESTROYABLE" not in got, got


def test_unwrap_key_keeps_the_wrapped_key_s_label_and_id_unless_given_new_ones(tmp_path, monkeypatch):
    """unWrapKey without -l and -id: the label and ID the header carries; with them, the new ones."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3), key(11, 3, label="secret", attributes={258: "sid"})])
    assert "Key Wrapped." in kmu("wrapKey -k 11 -w 10 -m 4 -out secret.wrapped")
    out = kmu("deleteKey -k 11\nunWrapKey -f secret.wrapped -w 10 -m 4\n"
              "unWrapKey -f secret.wrapped -w 10 -m 4 -l fresh -id fid\n"
              "getAttribute -o 2200000 -a 3 -out label0\ngetAttribute -o 2200000 -a 258 -out id0\n"
              "getAttribute -o 2200001 -a 3 -out label1\ngetAttribute -o 2200001 -a 258 -out id1")
    assert out.count("Key Unwrapped.") == 2, out
    shown = [(tmp_path / n).read_text().split("\n")[1] for n in ("label0", "id0", "label1", "id1")]
    assert shown == ["secret", "sid", "fresh", "fid"], (shown, out)


def test_sign_and_verify_refuse_a_mechanism_of_another_key_family(tmp_path, monkeypatch):
    """sign and verify -m 1 (SHA256_RSA_PKCS) with an EC key: RET_INVALID_INPUT."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "message").write_bytes(b"to sign")
    (tmp_path / "message.sig").write_bytes(bytes(64))
    ec = {"key_type": 3, "size": 256}
    kmu = shell(tmp_path, [key(11, 3, key_class=3, label="ec", **ec), key(12, 3, key_class=2, label="ec", **ec)])
    out = kmu("sign -f message -k 11 -m 1 -out rsa.sig\nverify -f message -s message.sig -k 12 -m 1")
    assert re.findall(r"Cfm3(Sign|Verify) returned: (0x\w\w)", out) == [("Sign", "0xb2"), ("Verify", "0xb2")], out
    assert not (tmp_path / "rsa.sig").exists()


@pytest.mark.parametrize("object_class", [0, 1])
def test_a_data_or_certificate_object_is_no_half_of_the_key_pair_whose_label_it_shares(tmp_path, monkeypatch,
                                                                                         object_class):
    """A hand-written world's object of class 0 or 1 with an RSA pair's label and type, used
    first: the public key is still the half of the private key (it took the object's material)."""
    monkeypatch.chdir(tmp_path)
    rsa = {"key_type": 0, "size": 2048, "label": "x"}
    kmu = shell(tmp_path, [key(10, 3, key_class=object_class, **rsa), key(20, 3, key_class=2, **rsa),
                           key(21, 3, key_class=3, **rsa)])
    out = kmu("getAttribute -o 10 -a 512 -out object\ngetAttribute -o 21 -a 512 -out private\n"
              "getAttribute -o 20 -a 512 -out public")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 3, out
    public, private = (attributes(tmp_path, n) for n in ("public", "private"))
    assert public["OBJ_ATTR_MODULUS"] == private["OBJ_ATTR_MODULUS"]


def test_an_rsa_private_key_may_decrypt_unwrap_and_sign_and_an_ec_one_only_sign(tmp_path, monkeypatch):
    """usage_defaults: an RSA private key is made with OBJ_ATTR_DECRYPT, OBJ_ATTR_UNWRAP and
    OBJ_ATTR_SIGN on and the rest off; an EC private key with OBJ_ATTR_SIGN only (genECCKeyPair.md)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(20, 3, key_class=3, key_type=0, size=2048, label="rsa"),
                           key(21, 3, key_class=3, key_type=3, size=256, label="ec")])
    out = kmu("getAttribute -o 20 -a 512 -out rsa\ngetAttribute -o 21 -a 512 -out ec")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    usage = ("ENCRYPT", "DECRYPT", "WRAP", "UNWRAP", "SIGN", "VERIFY")
    for name, expected in (("rsa", ["0x00", "0x01", "0x00", "0x01", "0x01", "0x00"]),
                           ("ec", ["0x00", "0x00", "0x00", "0x00", "0x01", "0x00"])):
        got = attributes(tmp_path, name)
        assert [got[f"OBJ_ATTR_{u}"] for u in usage] == expected, (name, got)


def test_a_data_object_of_a_3des_or_rc4_type_may_not_encrypt(tmp_path, monkeypatch):
    """Only a secret key of the 3DES or RC4 type is made able to encrypt and decrypt: a
    hand-written world's data or certificate object (class 0, 1) that says it is of those types
    is made with every usage attribute off."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, key_class=0, key_type=21, size=24, label="data"),
                           key(11, 3, key_class=1, key_type=18, size=16, label="certificate")])
    out = kmu("getAttribute -o 10 -a 260 -out data260\ngetAttribute -o 10 -a 261 -out data261\n"
              "getAttribute -o 11 -a 260 -out certificate260")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 3, out
    assert (tmp_path / "data260").read_text() == "OBJ_ATTR_ENCRYPT\n0x00000000\n"
    assert (tmp_path / "data261").read_text() == "OBJ_ATTR_DECRYPT\n0x00000000\n"
    assert (tmp_path / "certificate260").read_text() == "OBJ_ATTR_ENCRYPT\n0x00000000\n"


# getAttribute -a 512's byte size (attributes.wire_size): GAP, our encoding of each attribute as
# type and length (8 bytes) and its value: booleans 1 byte, class, type and lengths 4, the KCV 3,
# a label or ID its UTF-8 bytes, a modulus, point or exponent its bytes.
ULONGS = {"OBJ_ATTR_CLASS", "OBJ_ATTR_KEY_TYPE", "OBJ_ATTR_VALUE_LEN", "OBJ_ATTR_MODULUS_BITS"}
STRINGS = {"OBJ_ATTR_LABEL", "OBJ_ATTR_ID"}
BIGS = {"OBJ_ATTR_MODULUS", "OBJ_ATTR_PUBLIC_EXPONENT"}


def value_bytes(name: str, text: str) -> int:
    if name in ULONGS:
        return 4
    if name == "OBJ_ATTR_KCV":
        return 3
    if name in STRINGS:
        return len(text.encode())
    if name in BIGS:
        return len(text.removeprefix("0x")) // 2
    return 1


def test_getattribute_512_size_is_8_bytes_and_the_value_of_each_attribute(tmp_path, monkeypatch):
    """GAP (attributes.wire_size): the firmware's encoding is undocumented (the documented 444
    for 17 attributes follows from none), so the size is our encoding's: 8 bytes of type and
    length for each attribute, then its value.  An AES key (17 attributes, a label and an ID),
    both halves of an EC pair (the point as bytes) and an RSA public key (26, the exponent too)."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(21, 3, key_class=2, key_type=0, size=2048, label="rsa")])
    out = kmu("genSymKey -t 31 -s 16 -l aes-key -id id01\ngenECCKeyPair -i 2 -l ec\n"
              "getAttribute -o 2200000 -a 512 -out aes\ngetAttribute -o 2200001 -a 512 -out ec-public\n"
              "getAttribute -o 2200002 -a 512 -out ec-private\ngetAttribute -o 21 -a 512 -out rsa-public")
    got = [(int(size), int(count)) for size, count in re.findall(r"got all attributes of size (\d+) attr cnt (\d+)",
                                                                   out)]
    files = [attributes(tmp_path, name) for name in ("aes", "ec-public", "ec-private", "rsa-public")]
    assert got == [(sum(8 + value_bytes(n, v) for n, v in found.items()), len(found)) for found in files], out
    # The AES key: 17 headers, class and type 4 + 4, 11 booleans, "aes-key" 7, "id01" 4, VALUE_LEN 4, KCV 3.
    assert got[0] == (17 * 8 + 4 + 4 + 11 + 7 + 4 + 4 + 3, 17)
    assert [count for _, count in got] == [17, 19, 19, 26], out


def test_a_generic_secret_may_do_nothing_and_an_ec_or_dsa_public_key_only_verify(tmp_path, monkeypatch):
    """usage_defaults: genSymKey -t 16 makes a generic secret with every usage attribute off
    (GAP: genSymKey.md says of HMAC keys that they are set with cloudhsm_mgmt_util); the public
    half of an EC pair (genECCKeyPair.md) and of a DSA pair has OBJ_ATTR_VERIFY on, 0x01, alone."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [])
    out = kmu("genSymKey -t 16 -s 32 -l generic\ngenECCKeyPair -i 2 -l ec\ngenDSAKeyPair -m 2048 -l dsa\n"
              "getAttribute -o 2200000 -a 512 -out generic\ngetAttribute -o 2200001 -a 512 -out ec\n"
              "getAttribute -o 2200003 -a 512 -out dsa\ngetAttribute -o 2200003 -a 266 -out dsa-verify")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 4, out
    usage = ("ENCRYPT", "DECRYPT", "WRAP", "UNWRAP", "SIGN", "VERIFY")
    for name, expected in (("generic", ["0x00"] * 6), ("ec", ["0x00"] * 5 + ["0x01"]),
                           ("dsa", ["0x00"] * 5 + ["0x01"])):
        got = attributes(tmp_path, name)
        assert [got[f"OBJ_ATTR_{u}"] for u in usage] == expected, (name, got)
    assert (tmp_path / "dsa-verify").read_text() == "OBJ_ATTR_VERIFY\n0x00000001\n"


def test_dsa_is_key_type_1_and_rc4_key_type_18(tmp_path, monkeypatch):
    """The OBJ_ATTR_KEY_TYPE values of cloudhsm-shells-spec's table: genDSAKeyPair's keys are of
    type 1, which getAttribute shows and findKey -t 1 finds; 18 is RC4, which genSymKey refuses as
    a FIPS HSM does (0xb3) and whose keys, hand-written, encrypt and decrypt as 3DES keys do."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, key_type=18, size=16, label="rc4")])
    out = kmu("genDSAKeyPair -m 2048 -l dsa\ngetAttribute -o 2200000 -a 256 -out public-type\n"
              "getAttribute -o 2200001 -a 256 -out private-type\nfindKey -t 1\nfindKey -t 18\n"
              "getAttribute -o 10 -a 512 -out rc4\ngenSymKey -t 18 -s 16 -l new-rc4")
    assert (tmp_path / "public-type").read_text() == (tmp_path / "private-type").read_text() \
        == "OBJ_ATTR_KEY_TYPE\n0x00000001\n"
    assert matched(out) == [[2200000, 2200001], [10]], out
    got = attributes(tmp_path, "rc4")
    assert [got["OBJ_ATTR_ENCRYPT"], got["OBJ_ATTR_DECRYPT"], got["OBJ_ATTR_WRAP"]] == ["0x01", "0x01", "0x00"], got
    assert "Cfm3GenerateSymmetricKey returned: 0xb3 : HSM Error: This operation violates the current configured/FIPS " \
           "policies" in out, out


def test_only_a_secret_key_of_the_aes_type_is_made_to_wrap(tmp_path, monkeypatch):
    """The AES defaults (encrypt, decrypt, wrap, unwrap) are a secret key's of type 31 only: a
    hand-written world's data object (class 0) of type 31, and a secret key of a type above 31
    that no shell makes (GAP: every usage off, as a generic secret's), have every usage off."""
    monkeypatch.chdir(tmp_path)
    kmu = shell(tmp_path, [key(10, 3, key_class=0, key_type=31, size=32, label="data"),
                           key(11, 3, key_type=32, size=16, label="unknown")])
    out = kmu("getAttribute -o 10 -a 512 -out data\ngetAttribute -o 11 -a 512 -out unknown")
    assert out.count("Cfm3GetAttribute returned: 0x00 : HSM Return: SUCCESS") == 2, out
    for name in ("data", "unknown"):
        got = attributes(tmp_path, name)
        assert [got[f"OBJ_ATTR_{u}"] for u in ("ENCRYPT", "DECRYPT", "WRAP", "UNWRAP")] == ["0x00"] * 4, (name, got)
