"""Rules of the HSMs' keys (cloudhsm/keys.py) the CloudHSM CLI reaches that no test broke before
(found by benchmarks/mutation.py)."""

from __future__ import annotations

import pytest


def test_a_wrapped_private_key_unwraps_as_a_private_key_without_a_quorum(kmsuser):
    """`key unwrap` makes the private key the data holds; with no quorum value asked for, its
    use-key-quorum-value is 0, as a key generated without one."""
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "pub", "--private-label", "priv",
            "--modulus-size-bits", "2048", "--public-exponent", "65537")
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", "wrap=true", "unwrap=true")
    original = kmsuser("key", "list", "--filter", "attr.label=priv", "--verbose").json["data"]["matched_keys"][0]
    wrapped = kmsuser("key", "wrap", "aes-pkcs5-pad", "--payload-filter", "attr.label=priv",
                      "--wrapping-filter", "attr.label=kek").json["data"]
    unwrapped = kmsuser("key", "unwrap", "aes-pkcs5-pad", "--filter", "attr.label=kek",
                        "--data", wrapped["wrapped_key_data"], "--key-type-class", "rsa-private",
                        "--label", "copy").json
    assert unwrapped["error_code"] == 0, unwrapped
    key = unwrapped["data"]["key"]
    assert (key["attributes"]["class"], key["attributes"]["modulus"]) == ("private-key",
                                                                          original["attributes"]["modulus"])
    assert key["key-info"]["key-quorum-values"]["use-key-quorum-value"] == 0


RSA_PAIR = ("rsa", "--modulus-size-bits", "2048", "--public-exponent", "65537")
EC_PAIR = ("ec", "--curve", "secp256r1")


def private_key_unwrapped_as(kmsuser, key_type_class: str, pair: tuple[str, ...] = RSA_PAIR) -> dict:
    """A pair's private key (label priv; an RSA pair unless `pair` says otherwise) wrapped under an
    AES key (kek), unwrapped as `key_type_class` with the label copy: the CLI's answer."""
    kmsuser("key", "generate-asymmetric-pair", pair[0], "--public-label", "pub", "--private-label", "priv",
            *pair[1:])
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", "wrap=true", "unwrap=true")
    wrapped = kmsuser("key", "wrap", "aes-pkcs5-pad", "--payload-filter", "attr.label=priv",
                      "--wrapping-filter", "attr.label=kek").json["data"]
    unwrapped = kmsuser("key", "unwrap", "aes-pkcs5-pad", "--filter", "attr.label=kek",
                        "--data", wrapped["wrapped_key_data"], "--key-type-class", key_type_class,
                        "--label", "copy").json
    return unwrapped


def test_a_key_unwrapped_by_the_cli_is_not_local(kmsuser):
    """The HSM made the unwrapped key from data it was given: `local` false, as an imported key's."""
    unwrapped = private_key_unwrapped_as(kmsuser, "rsa-private")
    assert unwrapped["error_code"] == 0, unwrapped
    made = kmsuser("key", "list", "--filter", "attr.label=priv", "--verbose").json["data"]["matched_keys"][0]
    assert (made["attributes"]["local"], unwrapped["data"]["key"]["attributes"]["local"]) == (True, False)


@pytest.mark.parametrize("pair, said", [(RSA_PAIR, "ec-private"), (EC_PAIR, "rsa-private")], ids=["rsa", "ec"])
def test_a_wrapped_private_key_said_to_be_of_another_type_is_refused(kmsuser, pair, said):
    """`--key-type-class ec-private` for the RSA private key the data holds, or rsa-private for an
    EC one (a type after RSA's): no key is made."""
    unwrapped = private_key_unwrapped_as(kmsuser, said, pair)
    assert unwrapped["error_code"] != 0, unwrapped
    assert kmsuser("key", "list", "--filter", "attr.label=copy").json["data"]["matched_keys"] == []


def wrapped_aes_payload(kmsuser) -> str:
    """A 32-byte AES key `payload` wrapped (aes-pkcs5-pad) under a 32-byte AES key `kek`."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "kek", "--key-length-bytes", "32",
            "--attributes", "wrap=true", "unwrap=true")
    kmsuser("key", "generate-symmetric", "aes", "--label", "payload", "--key-length-bytes", "32")
    return kmsuser("key", "wrap", "aes-pkcs5-pad", "--payload-filter", "attr.label=payload",
                   "--wrapping-filter", "attr.label=kek").json["data"]["wrapped_key_data"]


def test_a_wrapped_aes_key_unwraps_as_an_aes_key_of_its_length_only(kmsuser):
    """`key unwrap --key-type-class aes` makes the AES key the data holds; the same 32 bytes said
    to be a 3DES key (24 bytes) make none."""
    wrapped = wrapped_aes_payload(kmsuser)
    unwrapped = kmsuser("key", "unwrap", "aes-pkcs5-pad", "--filter", "attr.label=kek", "--data", wrapped,
                        "--key-type-class", "aes", "--label", "copy").json
    assert unwrapped["error_code"] == 0, unwrapped
    original = kmsuser("key", "list", "--filter", "attr.label=payload", "--verbose").json["data"]["matched_keys"][0]
    made = unwrapped["data"]["key"]["attributes"]
    assert (made["key-type"], made["check-value"]) == ("aes", original["attributes"]["check-value"])
    des3 = kmsuser("key", "unwrap", "aes-pkcs5-pad", "--filter", "attr.label=kek", "--data", wrapped,
                   "--key-type-class", "des3", "--label", "wrong").json
    assert des3["error_code"] != 0, des3
    assert kmsuser("key", "list", "--filter", "attr.label=wrong").json["data"]["matched_keys"] == []


def test_an_imported_public_key_is_a_token_key_without_a_quorum(kmsuser, tmp_path):
    """`key import pem` has no --session: the key it makes is a token key, kept past the login;
    nor has it a quorum value (use-key-quorum-value 0)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    (tmp_path / "ec.pem").write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    made = kmsuser("key", "import", "pem", "--path", str(tmp_path / "ec.pem"), "--label", "ecpub",
                   "--key-type-class", "ec-public").json["data"]["key"]
    assert made["attributes"]["token"] is True, made
    assert made["key-info"]["key-quorum-values"]["use-key-quorum-value"] == 0, made
    assert len(kmsuser("key", "list", "--filter", "attr.label=ecpub").json["data"]["matched_keys"]) == 1


def test_a_generated_pair_s_public_key_has_no_quorum_value(kmsuser):
    """`key generate-asymmetric-pair` without a quorum value: the public key's
    use-key-quorum-value is 0."""
    kmsuser("key", "generate-asymmetric-pair", EC_PAIR[0], "--public-label", "pub", "--private-label", "priv",
            *EC_PAIR[1:])
    listed = kmsuser("key", "list", "--filter", "attr.label=pub", "--verbose").json["data"]["matched_keys"]
    assert [k["key-info"]["key-quorum-values"]["use-key-quorum-value"] for k in listed] == [0], listed


def test_a_wrapped_secret_key_said_to_be_a_private_key_is_refused(kmsuser):
    """`key unwrap --key-type-class rsa-private` of data that holds an AES key, no PKCS #8 private
    key: the CLI's refusal of the class (no internal error), and no key is made."""
    wrapped = wrapped_aes_payload(kmsuser)
    unwrapped = kmsuser("key", "unwrap", "aes-pkcs5-pad", "--filter", "attr.label=kek", "--data", wrapped,
                        "--key-type-class", "rsa-private", "--label", "copy").json
    assert unwrapped["error_code"] == 1 and not unwrapped["data"].startswith("Internal error"), unwrapped
    assert "key-type-class" in unwrapped["data"], unwrapped  # GAP: the CLI's text for a wrong class
    assert kmsuser("key", "list", "--filter", "attr.label=copy").json["data"]["matched_keys"] == []


# -- which keys a filter selects (cloudhsm/key_selection.py, named_attributes.py) ---------------

def labels_listed(ran) -> list[str]:
    return [k["attributes"]["label"] for k in ran.json["data"]["matched_keys"]]


def test_an_attribute_only_some_keys_have_selects_those_that_have_it(kmsuser):
    """`attr.modulus=...` over kmsuser's AES keys and an RSA pair: the RSA keys of that modulus;
    an AES key has no modulus, so it does not match (no "Invalid filter", as a name the tool
    knows is no error whatever keys it meets)."""
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "pub", "--private-label", "priv",
            *RSA_PAIR[1:])
    modulus = kmsuser("key", "list", "--filter", "attr.label=pub", "--verbose").json["data"]["matched_keys"][0][
        "attributes"]["modulus"]
    assert sorted(labels_listed(kmsuser("key", "list", "--filter", f"attr.modulus={modulus}"))) == ["priv", "pub"]
    assert kmsuser("key", "list", "--filter", "attr.curve=secp256r1").json["data"]["total_key_count"] == 0
    assert kmsuser("key", "delete", "--filter", f"attr.modulus={modulus}", "attr.class=public-key").json == \
        {"error_code": 0, "data": {"message": "Key deleted successfully"}}


@pytest.mark.parametrize("terms", [("attr.nonsense=1", "attr.label=nothing"), ("attr.label=nothing", "attr.nonsense=1"),
                                   ("attr.label=a", "attr.nonsense=1")])
def test_an_unknown_attribute_is_refused_whether_or_not_a_key_has_the_label(kmsuser, terms):
    """The filter is read before any key is looked at: no key labelled `nothing` (and the ARNs of
    kmsuser's keys sort before and after it) changes nothing."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "a", "--key-length-bytes", "16")
    assert kmsuser("key", "list", "--filter", *terms).json == {"error_code": 1, "data": "Invalid filter: nonsense"}


def test_two_labels_in_one_filter_must_both_hold(kmsuser):
    """The terms of a filter all hold (§6.1): `attr.label=a attr.label=b` selects no key, though
    keys labelled a and b exist; the same label twice selects its key.  GAP: the pages are silent
    on a repeated attribute; a key has one label, so the AND of two can match none."""
    for label in ("a", "b"):
        kmsuser("key", "generate-symmetric", "aes", "--label", label, "--key-length-bytes", "16")
    assert kmsuser("key", "list", "--filter", "attr.label=a", "attr.label=b").json["data"]["total_key_count"] == 0
    assert kmsuser("key", "delete", "--filter", "attr.label=b", "attr.label=a").json == \
        {"error_code": 1, "data": "No key matched the filter"}
    assert labels_listed(kmsuser("key", "list", "--filter", "attr.label=b", "attr.label=b")) == ["b"]


def test_an_admin_lists_the_token_keys_of_the_hsms_it_reaches(cli, store):
    """An admin's `key list` (GAP: every token key, as findAllKeys shows a crypto officer): the
    key that only an HSM that does not answer holds is not among them."""
    with store.transaction() as world:
        cluster = world.clusters["cluster-1a23b4cdefg"]
        cluster.keys[0x40018].hsms = [cluster.hsms[2].hsm_id]
        cluster.hsms[2].reachable = False
    listed = cli.as_admin("key", "list").json["data"]["matched_keys"]
    assert [k["key-reference"] for k in listed] == ["0x0000000000040012"]
