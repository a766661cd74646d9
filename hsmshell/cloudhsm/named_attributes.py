"""Key attributes in Client SDK 5's words (cloudhsm-cli-spec §6.10): `key-type`, `label`,
`check-value`, `class`, the usage booleans, lengths; and the filters of `--filter`
(`key-reference=0x...` or `attr.NAME=VALUE` terms, all of which must match, §6.1).

The values are those key_mgmt_util reports as OBJ_ATTR_* (keys.attribute_values); only the
names and the spelling of values differ.
"""

from __future__ import annotations

from typing import Any

from ..world.model import Cluster, Key, World
from . import attributes as attr
from .references import handle_of

KEY_TYPES = {attr.AES: "aes", attr.RSA: "rsa", attr.EC: "ec", attr.GENERIC_SECRET: "generic-secret",
             attr.DES3: "des3", attr.DSA: "dsa", attr.RC4: "rc4"}
CLASSES = {attr.PUBLIC_KEY: "public-key", attr.PRIVATE_KEY: "private-key", attr.SECRET_KEY: "secret-key"}

# The booleans in the order the tool prints them, with the OBJ_ATTR_ id behind each; None for
# `modifiable`, which Client SDK 3 does not show (GAP: always true here, as a key made by
# either generation can have its attributes set).
BOOLEANS = [("encrypt", attr.ENCRYPT), ("decrypt", attr.DECRYPT), ("token", attr.TOKEN),
            ("always-sensitive", attr.ALWAYS_SENSITIVE), ("derive", attr.DERIVE),
            ("destroyable", attr.DESTROYABLE), ("extractable", attr.EXTRACTABLE), ("local", attr.LOCAL),
            ("modifiable", None), ("never-extractable", attr.NEVER_EXTRACTABLE), ("private", attr.PRIVATE),
            ("sensitive", attr.SENSITIVE), ("sign", attr.SIGN), ("trusted", attr.TRUSTED),
            ("unwrap", attr.UNWRAP), ("verify", attr.VERIFY), ("wrap", attr.WRAP),
            ("wrap-with-trusted", attr.WRAP_WITH_TRUSTED)]
BOOLEAN_IDS = {name: i for name, i in BOOLEANS}
# What `key set-attribute --name` may change (cloudhsm_cli-key-set-attribute): the usage
# booleans and the label/id; `token` makes a session key a token key.
SETTABLE = {"label", "id", "encrypt", "decrypt", "sign", "verify", "wrap", "unwrap", "derive",
            "token", "trusted", "wrap-with-trusted", "destroyable"}


# Every name `--filter attr.NAME=...` knows: those `values` shows for some key (§6.10).  A name
# no key has is refused whatever keys are in scope: the tool reads its filter before it asks the
# HSMs.  A key without the attribute named (an AES key's `modulus`) just does not match.  GAP:
# what the real tool says for an unknown name; the text is this emulator's.
FILTER_NAMES = {"key-reference", "key-type", "label", "id", "check-value", "class", *BOOLEAN_IDS,
                "key-length-bytes", "public-exponent", "modulus", "modulus-size-bits", "ec-point", "curve"}


class BadFilter(ValueError):
    pass


def id_text(stored: str) -> str:
    """CKA_ID as the CLI shows it: the hex of its bytes (KMS's backingKeyId in ASCII, say)."""
    return "0x" + stored.encode().hex() if stored else ""


def id_stored(text: str) -> str:
    """`--filter attr.id=0x3538...` or `--value 0x...` -> the ID as the HSM keeps it."""
    if text.lower().startswith("0x"):
        try:
            return bytes.fromhex(text[2:]).decode()
        except ValueError:  # not hex, or (a UnicodeDecodeError) not text this emulator keeps
            raise BadFilter(text) from None
    return text


def values(world: World, cluster: Cluster, key: Key) -> dict[str, Any]:
    """Every attribute, by its CLI name, in the order the tool prints them."""
    from . import keys  # cryptography is loaded only when a key's material is needed

    raw = keys.attribute_values(world, cluster, key)
    out: dict[str, Any] = {
        "key-type": KEY_TYPES.get(key.key_type, str(key.key_type)),
        "label": key.label,
        "id": id_text(key.attributes.get(attr.ID, "")),
        "check-value": "0x" + bytes(raw[attr.KCV]).hex(),
        "class": CLASSES.get(key.key_class, str(key.key_class)),
    }
    for name, i in BOOLEANS:  # attribute_values has every one of them
        out[name] = True if i is None else bool(raw[i])
    if key.key_class == attr.SECRET_KEY:
        out["key-length-bytes"] = raw[attr.VALUE_LEN]
        return out
    material = keys.material(world, cluster, key)
    out.update(_asymmetric(key, material))
    return out


def _asymmetric(key: Key, material: bytes) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if key.key_class == attr.PRIVATE_KEY:
        public = serialization.load_der_private_key(material, None).public_key()
    else:
        public = serialization.load_der_public_key(material)
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    out: dict[str, Any] = {"key-length-bytes": len(material) if key.key_class == attr.PRIVATE_KEY else len(spki)}
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        out["public-exponent"] = "0x" + _even_hex(numbers.e)
        out["modulus"] = "0x" + _even_hex(numbers.n)
        out["modulus-size-bits"] = public.key_size
    elif isinstance(public, ec.EllipticCurvePublicKey):
        point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        out["ec-point"] = "0x" + point.hex()
        out["curve"] = public.curve.name
    return out


def _even_hex(number: int) -> str:
    text = f"{number:x}"
    return text if len(text) % 2 == 0 else "0" + text


def parse_filter(terms: list[str]) -> list[tuple[str, str]]:
    """`key-reference=0x..` or `attr.NAME=VALUE` terms -> (name, value) pairs.  The KMS pages
    also write `attr.key-reference=...`, which means the same."""
    pairs = []
    for term in terms:
        name, sep, value = term.partition("=")
        if not sep:
            raise BadFilter(term)
        if name.startswith("attr."):
            name = name[len("attr."):]
        elif name != "key-reference":
            raise BadFilter(term)
        if name not in FILTER_NAMES:
            raise BadFilter(name)
        pairs.append((name, value))
    return pairs


def matches(world: World, cluster: Cluster, key: Key, pairs: list[tuple[str, str]]) -> bool:
    shown: dict[str, Any] | None = None
    for name, wanted in pairs:
        if name == "key-reference":
            if handle_of(wanted) != key.handle:
                return False
            continue
        if name == "label":  # the common case needs no key material
            if key.label != wanted:
                return False
            continue
        if shown is None:
            shown = values(world, cluster, key)
        if name not in shown:
            return False
        have = shown[name]
        if isinstance(have, bool):
            if wanted.lower() not in ("true", "false") or have != (wanted.lower() == "true"):
                return False
        elif isinstance(have, int):
            if str(have) != wanted:
                return False
        elif name in ("id", "check-value", "modulus", "ec-point", "public-exponent"):
            if str(have).lower() != wanted.lower():
                return False
        elif str(have) != wanted:
            return False
    return True

