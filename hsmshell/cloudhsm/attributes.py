"""The key attribute table (cloudhsm-shells-spec §1.4): `OBJ_ATTR_*` names, their numeric ids,
what kind of value each holds, the defaults a new key gets, and how the shells print values.

A plain table, shared by both shells: key_mgmt_util's getAttribute/listAttributes and
cloudhsm_mgmt_util's getAttribute/setAttribute/listAttributes read it; the values of one key
come from `keys.attribute_values`, which knows the key material.
"""

from __future__ import annotations

from typing import Any

import msgspec

BOOL, ULONG, STRING, KCV_VALUE, BIG = "bool", "ulong", "string", "kcv", "big"


class Attribute(msgspec.Struct, frozen=True):
    name: str
    id: int
    kind: str  # BOOL, ULONG (class, type, lengths), STRING, KCV_VALUE (3 bytes), BIG (bytes)


# In the order cloudhsm_mgmt_util's listAttributes prints them.
ATTRIBUTES = [
    Attribute("OBJ_ATTR_CLASS", 0, ULONG),
    Attribute("OBJ_ATTR_TOKEN", 1, BOOL),
    Attribute("OBJ_ATTR_PRIVATE", 2, BOOL),
    Attribute("OBJ_ATTR_LABEL", 3, STRING),
    Attribute("OBJ_ATTR_TRUSTED", 134, BOOL),
    Attribute("OBJ_ATTR_KEY_TYPE", 256, ULONG),
    Attribute("OBJ_ATTR_ID", 258, STRING),
    Attribute("OBJ_ATTR_SENSITIVE", 259, BOOL),
    Attribute("OBJ_ATTR_ENCRYPT", 260, BOOL),
    Attribute("OBJ_ATTR_DECRYPT", 261, BOOL),
    Attribute("OBJ_ATTR_WRAP", 262, BOOL),
    Attribute("OBJ_ATTR_UNWRAP", 263, BOOL),
    Attribute("OBJ_ATTR_SIGN", 264, BOOL),
    Attribute("OBJ_ATTR_VERIFY", 266, BOOL),
    Attribute("OBJ_ATTR_DERIVE", 268, BOOL),
    Attribute("OBJ_ATTR_LOCAL", 355, BOOL),
    Attribute("OBJ_ATTR_MODULUS", 288, BIG),
    Attribute("OBJ_ATTR_MODULUS_BITS", 289, ULONG),
    Attribute("OBJ_ATTR_PUBLIC_EXPONENT", 290, BIG),
    Attribute("OBJ_ATTR_VALUE_LEN", 353, ULONG),
    Attribute("OBJ_ATTR_EXTRACTABLE", 354, BOOL),
    Attribute("OBJ_ATTR_NEVER_EXTRACTABLE", 356, BOOL),
    Attribute("OBJ_ATTR_ALWAYS_SENSITIVE", 357, BOOL),
    Attribute("OBJ_ATTR_DESTROYABLE", 370, BOOL),
    Attribute("OBJ_ATTR_KCV", 371, KCV_VALUE),
    Attribute("OBJ_ATTR_WRAP_WITH_TRUSTED", 528, BOOL),
    Attribute("OBJ_ATTR_WRAP_TEMPLATE", 1073742353, STRING),
    Attribute("OBJ_ATTR_UNWRAP_TEMPLATE", 1073742354, STRING),
    Attribute("OBJ_ATTR_ALL", 512, ULONG),
]
BY_ID = {a.id: a for a in ATTRIBUTES}
BY_NAME = {a.name: a for a in ATTRIBUTES}

CLASS, TOKEN, PRIVATE, LABEL, TRUSTED = 0, 1, 2, 3, 134
KEY_TYPE, ID, SENSITIVE, ENCRYPT, DECRYPT, WRAP, UNWRAP = 256, 258, 259, 260, 261, 262, 263
SIGN, VERIFY, DERIVE, LOCAL, MODULUS, MODULUS_BITS, PUBLIC_EXPONENT = 264, 266, 268, 355, 288, 289, 290
VALUE_LEN, EXTRACTABLE, NEVER_EXTRACTABLE, ALWAYS_SENSITIVE = 353, 354, 356, 357
DESTROYABLE, KCV, WRAP_WITH_TRUSTED, WRAP_TEMPLATE, UNWRAP_TEMPLATE, ALL = 370, 371, 528, 1073742353, 1073742354, 512

# Which ids each listing shows (key_mgmt_util-listAttributes.md: 18; cloudhsm_mgmt_util: all 29).
KMU_LISTED = [0, 1, 2, 3, 256, 260, 261, 262, 263, 264, 266, 355, 288, 289, 290, 353, 354, 371]
CMU_LISTED = [a.id for a in ATTRIBUTES]

# Attributes a crypto user may change with cloudhsm_mgmt_util's setAttribute (spec §1.4); in
# key_mgmt_util only OBJ_ATTR_TOKEN.
CMU_SETTABLE = {LABEL, TRUSTED, ENCRYPT, DECRYPT, WRAP, UNWRAP, SIGN, VERIFY, DERIVE, DESTROYABLE, WRAP_WITH_TRUSTED,
                WRAP_TEMPLATE, UNWRAP_TEMPLATE}
KMU_SETTABLE = {TOKEN}

# The order of getAttribute -a 512's file (key_mgmt_util-getAttribute.md, genECCKeyPair.md,
# genRSAKeyPair.md): 17 for every key, then the modulus for asymmetric keys, then, for RSA
# public keys, the rest.
ALL_COMMON = [CLASS, KEY_TYPE, TOKEN, PRIVATE, ENCRYPT, DECRYPT, WRAP, UNWRAP, SIGN, VERIFY, LOCAL,
              SENSITIVE, EXTRACTABLE, LABEL, ID, VALUE_LEN, KCV]
ALL_ASYMMETRIC = [MODULUS, MODULUS_BITS]
ALL_RSA_PUBLIC = [PUBLIC_EXPONENT, TRUSTED, WRAP_WITH_TRUSTED, DESTROYABLE, DERIVE, ALWAYS_SENSITIVE,
                  NEVER_EXTRACTABLE]

PUBLIC_KEY, PRIVATE_KEY, SECRET_KEY = 2, 3, 4
RSA, DSA, EC, GENERIC_SECRET, RC4, DES3, AES = 0, 1, 3, 16, 18, 21, 31


def usage_defaults(key_class: int, key_type: int) -> dict[int, int]:
    """What a key may be used for when it is made, as the documented attribute files show:
    an RSA public key encrypts, wraps and verifies (genRSAKeyPair.md), an EC private key only
    signs (genECCKeyPair.md), a 3DES key encrypts and decrypts (genSymKey.md).
    GAP: the AES defaults (wrap/unwrap on) follow getAttribute.md's file; generic secrets are
    off for everything until set with cloudhsm_mgmt_util, as genSymKey.md says of HMAC."""
    flags = dict.fromkeys((ENCRYPT, DECRYPT, WRAP, UNWRAP, SIGN, VERIFY, DERIVE), 0)
    if key_class == SECRET_KEY and key_type == AES:
        flags.update({ENCRYPT: 1, DECRYPT: 1, WRAP: 1, UNWRAP: 1})
    elif key_class == SECRET_KEY and key_type in (DES3, RC4):
        flags.update({ENCRYPT: 1, DECRYPT: 1})
    elif key_class == PUBLIC_KEY:
        flags.update({VERIFY: 1} if key_type in (EC, DSA) else {ENCRYPT: 1, WRAP: 1, VERIFY: 1})
    elif key_class == PRIVATE_KEY:
        flags.update({SIGN: 1} if key_type in (EC, DSA) else {DECRYPT: 1, UNWRAP: 1, SIGN: 1})
    return flags


def listing(ids: list[int]) -> list[str]:
    """`      OBJ_ATTR_CLASS                  = 0`: the lines of listAttributes."""
    return [f"      {BY_ID[i].name:<32}= {i}" for i in ids]


def single_value(attribute_id: int, value: Any) -> str:
    """One attribute as getAttribute prints it alone: numbers `0x%08x`, the KCV as 6 hex
    digits, strings raw."""
    kind = BY_ID[attribute_id].kind
    if kind in (BOOL, ULONG):
        return f"0x{int(value):08x}"
    return _text(kind, value, attribute_id)


def all_value(attribute_id: int, value: Any) -> str:
    """One attribute in getAttribute -a 512's file: booleans, class and type `0x%02x`, lengths
    `0x%08x`."""
    kind = BY_ID[attribute_id].kind
    if kind == BOOL or attribute_id in (CLASS, KEY_TYPE):
        return f"0x{int(value):02x}"
    if kind == ULONG:
        return f"0x{int(value):08x}"
    return _text(kind, value, attribute_id)


def _text(kind: str, value: Any, attribute_id: int) -> str:
    if kind == KCV_VALUE:
        return "0x" + bytes(value).hex()
    if kind == BIG:
        raw = bytes(value)
        if attribute_id == MODULUS and isinstance(value, EcPoint):
            return raw.hex()  # the EC example prints its point as bare hex on one line
        text = "0x" + raw.hex()
        return "\n".join(text[i:i + 80] for i in range(0, len(text), 80))
    return str(value)


class EcPoint(bytes):
    """An EC public point held in OBJ_ATTR_MODULUS, which the tool prints without `0x`."""


def wire_size(values: dict[int, Any]) -> int:
    """The byte size getAttribute -a 512 reports: each attribute as type, length and value.
    GAP: the firmware's own encoding is undocumented; the documented sizes (444 for 17
    attributes of a symmetric key) do not follow from any encoding the docs give."""
    size = 0
    for attribute_id, value in values.items():
        kind = BY_ID[attribute_id].kind
        size += 8 + {BOOL: 1, ULONG: 4, KCV_VALUE: 3}.get(kind, 0)
        if kind in (STRING, BIG):
            size += len(value if isinstance(value, bytes) else str(value).encode())
    return size
