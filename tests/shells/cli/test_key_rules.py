"""Rules of the HSMs' keys (cloudhsm/keys.py) the CloudHSM CLI reaches that no test broke before
(found by benchmarks/mutation.py)."""

from __future__ import annotations


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


def rsa_private_key_unwrapped_as(kmsuser, key_type_class: str) -> dict:
    """An RSA pair's private key (label priv) wrapped under an AES key (kek), unwrapped as
    `key_type_class` with the label copy: the CLI's answer."""
    kmsuser("key", "generate-asymmetric-pair", "rsa", "--public-label", "pub", "--private-label", "priv",
            "--modulus-size-bits", "2048", "--public-exponent", "65537")
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
    unwrapped = rsa_private_key_unwrapped_as(kmsuser, "rsa-private")
    assert unwrapped["error_code"] == 0, unwrapped
    made = kmsuser("key", "list", "--filter", "attr.label=priv", "--verbose").json["data"]["matched_keys"][0]
    assert (made["attributes"]["local"], unwrapped["data"]["key"]["attributes"]["local"]) == (True, False)


def test_a_wrapped_private_key_said_to_be_of_another_type_is_refused(kmsuser):
    """`--key-type-class ec-private` for the RSA private key the data holds: no key is made."""
    unwrapped = rsa_private_key_unwrapped_as(kmsuser, "ec-private")
    assert unwrapped["error_code"] != 0, unwrapped
    assert kmsuser("key", "list", "--filter", "attr.label=copy").json["data"]["matched_keys"] == []
