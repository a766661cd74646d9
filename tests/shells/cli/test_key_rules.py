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


# -- the attributes `key list --verbose` prints and `--filter attr.NAME=VALUE` matches
# (named_attributes.py; cloudhsm-cli-spec §6.1, §6.10) -----------------------------------------

BOOLEAN_NAMES = ["encrypt", "decrypt", "token", "always-sensitive", "derive", "destroyable", "extractable",
                 "local", "modifiable", "never-extractable", "private", "sensitive", "sign", "trusted",
                 "unwrap", "verify", "wrap", "wrap-with-trusted"]


def keys_of_every_kind(kmsuser) -> dict[str, dict]:
    """kmsuser's two 32-byte AES keys, a 16-byte AES key (a16), an RSA-2048 pair (rsa-pub,
    rsa-priv) and a P-256 pair (ec-pub, ec-priv): every key in scope, by reference, as
    `key list --verbose` prints its attributes."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "a16", "--key-length-bytes", "16")
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "rsa-pub", "--private-label", "rsa-priv",
            *RSA_PAIR[1:])
    kmsuser("key", "generate-asymmetric-pair", "ec", "--public-label", "ec-pub", "--private-label", "ec-priv",
            *EC_PAIR[1:])
    listed = kmsuser("key", "list", "--verbose", "--max-items", "20").json["data"]["matched_keys"]
    return {k["key-reference"]: k["attributes"] for k in listed}


def references_listed(kmsuser, *terms: str) -> set[str]:
    ran = kmsuser("key", "list", "--filter", *terms, "--max-items", "20").json
    assert ran["error_code"] == 0, (terms, ran)
    return {k["key-reference"] for k in ran["data"]["matched_keys"]}


def test_every_boolean_attribute_filters_by_true_and_false(kmsuser):
    """`attr.NAME=true` selects the keys `key list --verbose` shows NAME true for, `=false` the
    others, for each of the usage booleans §6.10 lists (`modifiable` is true for every key).
    GAP: the pages are silent on a value that is no boolean (`attr.encrypt=yes`); here it is no
    error and matches no key."""
    keys = keys_of_every_kind(kmsuser)
    assert len(keys) == 7
    assert all(attributes["modifiable"] is True for attributes in keys.values())
    for name in BOOLEAN_NAMES:
        on = {ref for ref, attributes in keys.items() if attributes[name] is True}
        off = {ref for ref, attributes in keys.items() if attributes[name] is False}
        assert on | off == set(keys), name
        assert (references_listed(kmsuser, f"attr.{name}=true"),
                references_listed(kmsuser, f"attr.{name}=false")) == (on, off), name
        assert references_listed(kmsuser, f"attr.{name}=yes") == set(), name


def test_every_number_attribute_filters_by_its_decimal_value(kmsuser):
    """`attr.key-length-bytes=16` selects the 16-byte AES key only, =32 kmsuser's keys; and so on
    for each length the keys show, and `modulus-size-bits`."""
    keys = keys_of_every_kind(kmsuser)
    for name in ("key-length-bytes", "modulus-size-bits"):
        for value in {attributes[name] for attributes in keys.values() if name in attributes}:
            wanted = {ref for ref, attributes in keys.items() if attributes.get(name) == value}
            assert references_listed(kmsuser, f"attr.{name}={value}") == wanted, (name, value)
    assert len(references_listed(kmsuser, "attr.key-length-bytes=32")) == 2


def test_every_name_attribute_filters_by_its_name(kmsuser):
    """`attr.key-type=rsa`, `attr.class=secret-key`, `attr.curve=secp256r1`: the keys of that
    type, class or curve, none of the others (whichever way their names sort)."""
    keys = keys_of_every_kind(kmsuser)
    for name in ("key-type", "class", "curve"):
        for value in {attributes[name] for attributes in keys.values() if name in attributes}:
            wanted = {ref for ref, attributes in keys.items() if attributes.get(name) == value}
            assert references_listed(kmsuser, f"attr.{name}={value}") == wanted, (name, value)
    assert len(references_listed(kmsuser, "attr.class=secret-key")) == 3


def test_every_hex_attribute_filters_by_its_value_in_either_case(kmsuser):
    """`attr.check-value=0x...` (and modulus, public-exponent, ec-point, id) selects the keys
    showing that value, written in lower or upper case hex digits; an RSA pair's two keys share
    their modulus, exponent and check value."""
    keys = keys_of_every_kind(kmsuser)
    for label, key_id in (("a16", "0x6b6579"), ("rsa-priv", "0x7273612d31")):
        assert kmsuser("key", "set-attribute", "--filter", f"attr.label={label}", "--name", "id",
                       "--value", key_id).json["error_code"] == 0
    keys = {ref: kmsuser("key", "list", "--filter", f"key-reference={ref}", "--verbose").json["data"][
        "matched_keys"][0]["attributes"] for ref in keys}
    for name in ("check-value", "modulus", "public-exponent", "ec-point", "id"):
        for value in {attributes[name] for attributes in keys.values() if attributes.get(name)}:
            wanted = {ref for ref, attributes in keys.items() if attributes.get(name) == value}
            for spelling in (value, "0x" + value[2:].upper()):
                assert references_listed(kmsuser, f"attr.{name}={spelling}") == wanted, (name, spelling)


def test_rsa_and_ec_values_as_the_tool_prints_them(kmsuser):
    """The public exponent as §6.10 prints it (`0x010001`, whole bytes), the modulus in whole
    bytes (an even number of hex digits) of 2048 bits; the EC private key's length is its PKCS #8
    length (0x8a for P-256, as documented: keys.attribute_values).  GAP: a public key's
    key-length-bytes is the length of its SubjectPublicKeyInfo (91 for P-256, 294 for RSA-2048)."""
    keys = {attributes["label"]: attributes for attributes in keys_of_every_kind(kmsuser).values()}
    for label in ("rsa-pub", "rsa-priv"):
        modulus = keys[label]["modulus"]
        assert keys[label]["public-exponent"] == "0x010001"
        assert len(modulus) % 2 == 0 and int(modulus, 16).bit_length() == 2048, modulus
    assert (keys["ec-priv"]["key-length-bytes"], keys["ec-pub"]["key-length-bytes"]) == (0x8a, 91)
    assert keys["rsa-pub"]["key-length-bytes"] == 294 and keys["rsa-priv"]["key-length-bytes"] > 1200


def test_an_id_is_set_in_hex_or_as_text_and_listed_in_hex(kmsuser):
    """`key set-attribute --name id --value 0x6b6579` keeps the bytes "key", which
    `key list --verbose` shows as `0x6b6579`, as it shows the id set as the text `key`; a key with
    no id shows "".  Hex that is no bytes (`0xzz`, an odd number of digits) is refused and the id
    kept."""
    for label in ("hex", "text", "none"):
        kmsuser("key", "generate-symmetric", "aes", "--label", label, "--key-length-bytes", "16")
    for label, value in (("hex", "0x6b6579"), ("text", "key")):
        assert kmsuser("key", "set-attribute", "--filter", f"attr.label={label}", "--name", "id",
                       "--value", value).json == {"error_code": 0, "data": {"message": "Attribute set successfully"}}
    for value in ("0xzz", "0x6b657"):
        assert kmsuser("key", "set-attribute", "--filter", "attr.label=hex", "--name", "id",
                       "--value", value).json == {"error_code": 1, "data": "The attribute cannot be set to this value"}
    ids = {label: kmsuser("key", "list", "--filter", f"attr.label={label}", "--verbose").json["data"][
        "matched_keys"][0]["attributes"]["id"] for label in ("hex", "text", "none")}
    assert ids == {"hex": "0x6b6579", "text": "0x6b6579", "none": ""}
    assert sorted(labels_listed(kmsuser("key", "list", "--filter", "attr.id=0x6B6579"))) == ["hex", "text"]


def test_a_key_reference_and_an_attribute_must_both_hold(kmsuser):
    """`key-reference=... attr.key-type=rsa` names kmsuser's AES key and a type it is not: no
    key; with its own type, that key."""
    assert references_listed(kmsuser, "key-reference=0x0000000000040012", "attr.key-type=rsa") == set()
    assert references_listed(kmsuser, "key-reference=0x0000000000040012", "attr.key-type=aes") == \
        {"0x0000000000040012"}


@pytest.mark.parametrize("term", ["label=a16", "class=secret-key", "key-type=aes", "token=true"])
def test_an_attribute_named_without_attr_is_refused(kmsuser, term):
    """Only `key-reference=` goes without `attr.` (§6.1): `label=a16` is no filter.  GAP: the
    text of the real tool's refusal."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "a16", "--key-length-bytes", "16")
    assert kmsuser("key", "list", "--filter", term).json == {"error_code": 1, "data": f"Invalid filter: {term}"}


@pytest.mark.parametrize("name", ["encrypt", "decrypt", "sign", "verify", "wrap", "unwrap", "derive", "destroyable"])
def test_the_owner_sets_a_usage_boolean_both_ways(kmsuser, name):
    """`key set-attribute --name NAME --value true|false` (§6.5) on the owner's key: `key list
    --verbose` shows the new value and `attr.NAME=` filters by it; a value that is no boolean
    (`yes`; GAP: the text, and whether `TRUE` is taken) is refused and the value kept."""
    ref = kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16").json["data"][
        "key"]["key-reference"]

    def shown() -> bool:
        return kmsuser("key", "list", "--filter", f"key-reference={ref}", "-v").json["data"]["matched_keys"][0][
            "attributes"][name]

    for value in ("false", "true", "false"):
        assert kmsuser("key", "set-attribute", "--filter", f"key-reference={ref}", "--name", name,
                       "--value", value).json == {"error_code": 0, "data": {"message": "Attribute set successfully"}}
        assert shown() is (value == "true")
        assert references_listed(kmsuser, f"key-reference={ref}", f"attr.{name}={value}") == {ref}
    assert kmsuser("key", "set-attribute", "--filter", f"key-reference={ref}", "--name", name,
                   "--value", "yes").json == {"error_code": 1, "data": "The attribute cannot be set to this value"}
    assert shown() is False


@pytest.mark.parametrize("name", ["class", "key-type", "modulus", "check-value", "modifiable", "nonsense"])
def test_an_attribute_that_cannot_be_set_is_refused(kmsuser, name):
    """Only the usage booleans, label, id and token are set (cloudhsm_cli-key-set-attribute):
    `--name class` and the like are refused whatever the value.  GAP: the text."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16")
    assert kmsuser("key", "set-attribute", "--filter", "attr.label=k", "--name", name, "--value", "true").json == \
        {"error_code": 1, "data": "The attribute cannot be set to this value"}


def test_a_label_set_is_the_key_s_label_everywhere(kmsuser):
    """`key set-attribute --name label` relabels the key itself: `attr.label=` finds it by the new
    label and no longer by the old, and `key list` shows the new one."""
    ref = kmsuser("key", "generate-symmetric", "aes", "--label", "old", "--key-length-bytes", "16").json["data"][
        "key"]["key-reference"]
    assert kmsuser("key", "set-attribute", "--filter", f"key-reference={ref}", "--name", "label",
                   "--value", "new").json == {"error_code": 0, "data": {"message": "Attribute set successfully"}}
    assert references_listed(kmsuser, "attr.label=new") == {ref}
    assert references_listed(kmsuser, "attr.label=old") == set()
    listed = kmsuser("key", "list", "--filter", f"key-reference={ref}", "-v").json["data"]["matched_keys"][0]
    assert listed["attributes"]["label"] == "new"
