"""The mechanism numbers key_mgmt_util's flags take, apart from the cryptography that performs
them: a shell declares its commands with these without loading `cryptography` at start-up."""

from __future__ import annotations

# sign/verify -m (key_mgmt_util-sign.md): the padding family and the hash, by the name
# cryptography's `hashes` gives it.  GAP: DSA keys are not in the documented list; they take
# the ECDSA numbers, hashing the same way.
RSA_PKCS, RSA_PSS, ECDSA = "pkcs1", "pss", "ecdsa"
SIGNING = {
    0: (RSA_PKCS, "SHA1"), 1: (RSA_PKCS, "SHA256"), 2: (RSA_PKCS, "SHA384"),
    3: (RSA_PKCS, "SHA512"), 4: (RSA_PKCS, "SHA224"),
    5: (RSA_PSS, "SHA1"), 6: (RSA_PSS, "SHA256"), 7: (RSA_PSS, "SHA384"),
    8: (RSA_PSS, "SHA512"), 9: (RSA_PSS, "SHA224"),
    15: (ECDSA, "SHA1"), 16: (ECDSA, "SHA224"), 17: (ECDSA, "SHA256"),
    18: (ECDSA, "SHA384"), 19: (ECDSA, "SHA512"),
}

# AES key wrap's default initial value (RFC 3394).
DEFAULT_IV = bytes.fromhex("A6A6A6A6A6A6A6A6")

# wrapKey/unWrapKey -m (manage-aes-key-wrapping.md): 4 pads PKCS #5 style, 5 does not pad,
# 6 pads with zeros.
WRAP_PAD_PKCS5, WRAP_NO_PAD, WRAP_ZERO_PAD = 4, 5, 6
