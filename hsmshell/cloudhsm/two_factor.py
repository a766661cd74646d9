"""Two-factor authentication for crypto officers (manage-2fa.md).

The second factor is the RSA-2048 key a crypto officer also uses for quorum: for each HSM,
CMU asks for a digest, the officer signs it outside the HSM, and the HSM checks the signature
with the officer's registered public key (logging in) or with the new public key the officer
hands over (createUser, changePswd), which then becomes the officer's key for 2FA and quorum
alike.  Only crypto officers can have 2FA, so kmsuser, a crypto user, never can.
"""

from __future__ import annotations

import msgspec

from ..world import ids
from ..world.model import User, World
from .quorum import OFFICERS, signed_by

DIGEST_BYTES = 32  # the documented digests are 44 Base64 characters: a SHA-256 size


class SecondFactor(msgspec.Struct):
    """One HSM's part of a -2fa exchange: the digest it asked for, what came back signed, and
    (createUser, changePswd) the public key the signer says is theirs."""

    digest: bytes
    signature: bytes | None = None
    public_key: str | None = None


def challenge(world: World) -> bytes:
    """A fresh digest for one HSM to have signed."""
    return ids.draw(world, DIGEST_BYTES)


def allowed(user_type: str) -> bool:
    return user_type in OFFICERS


def proves(public_pem: str | None, factor: SecondFactor | None) -> bool:
    """Is the factor's signature the key's signature of the digest?  GAP: the docs say only
    "sign the digests"; both readings are accepted: the digest signed as the SHA-256 value it
    is (openssl pkeyutl -pkeyopt digest:sha256), or hashed again (openssl dgst -sha256 -sign)."""
    from cryptography.hazmat.primitives import hashes  # here: cryptography slows every shell's start-up
    from cryptography.hazmat.primitives.asymmetric import utils

    if not public_pem or factor is None or factor.signature is None:
        return False
    key, digest, signature = public_pem.encode(), factor.digest, factor.signature
    return (signed_by(key, signature, digest, utils.Prehashed(hashes.SHA256()))
            or signed_by(key, signature, digest))


def enrol(user: User, public_pem: str) -> None:
    """2FA on, with this key, which also registers the user for quorum (manage-2fa.md)."""
    user.two_factor = True
    user.quorum_pub_key = public_pem
    user.mofn_pub_key = True


def withdraw(user: User) -> None:
    """changePswd without -2fa on a 2FA user: 2FA is off, and so is the quorum registration
    that came with its key (manage-2fa.md, "Quorum authentication and 2FA")."""
    if user.two_factor:
        user.two_factor = False
        user.quorum_pub_key = None
        user.mofn_pub_key = False
