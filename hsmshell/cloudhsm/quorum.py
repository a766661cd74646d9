"""Quorum (M of N) authentication for crypto officers, one HSM at a time.

Each HSM keeps its own m value per service, like its users: a policy set while an HSM is
unreachable leaves that node behind.  Crypto officers register an RSA-2048 public key
(registerQuorumPubKey), proving they hold the private key by a signature over a token.

GAP: the SDK 3 approval flow (getToken, approveToken, listTokens) is not emulated, so
while a service's m value is above 1 its operations fail with RET_MXN_AUTH_FAILED, which is
what the documentation shows for a CO who has no approved token.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..world.model import Hsm, World
from . import returncodes as rc
from .nodes import answers, find_user

USER_MGMT, MISC_CO = 3, 4
SERVICES = {USER_MGMT: "USER_MGMT", MISC_CO: "MISC_CO"}
MAX_M = 8  # quorum-authentication-crypto-officers-first-time-setup.md
MAX_TOKEN_BYTES = 245  # registerQuorumPubKey.md


def m_value(hsm: Hsm, service: int) -> int:
    return hsm.m_values.get(service, 1)


def authorised(hsm: Hsm, service: int) -> bool:
    """May a single crypto officer run this service's operations on this HSM now?"""
    return m_value(hsm, service) <= 1


def _officer(world: World, hsm: Hsm, session_id: str):
    session = world.sessions.get(session_id)
    if not answers(hsm):
        return None, rc.SERVER_UNAVAILABLE
    if session is None or hsm.hsm_id not in session.hsms:
        return None, rc.NOT_LOGGED_IN
    if session.user_type not in ("CO", "PCO"):
        return None, rc.PERMISSION_DENIED
    return session, rc.SUCCESS


def set_m_value(world: World, hsm: Hsm, session_id: str, service: int, m: int) -> rc.ReturnCode:
    """m is 1 (no quorum) to 8, and no more than the crypto officers of this HSM, or nobody
    could ever approve."""
    _, code = _officer(world, hsm, session_id)
    if code:
        return code
    if not authorised(hsm, MISC_CO):
        return rc.MXN_AUTH_FAILED
    officers = sum(u.user_type in ("CO", "PCO") for u in hsm.users)
    if service not in SERVICES or not 1 <= m <= min(MAX_M, officers):
        return rc.INVALID_M_VALUE
    hsm.m_values[service] = m
    return rc.SUCCESS


def check_registration(token: bytes, signature: bytes, public_pem: bytes) -> bool:
    """The public key is RSA-2048 and the signature over the token (at most 245 bytes) is
    its SHA256 PKCS#1 v1.5 signature."""
    if not token or len(token) > MAX_TOKEN_BYTES:
        return False
    try:
        public_key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError):
        return False
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size != 2048:
        return False
    try:
        public_key.verify(signature, token, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def register_public_key(world: World, hsm: Hsm, session_id: str, user_type: str, user_name: str,
                        public_pem: str) -> rc.ReturnCode:
    """A crypto officer registers their own quorum key (the signature is checked by
    check_registration before any HSM is asked)."""
    session, code = _officer(world, hsm, session_id)
    if code:
        return code
    user = find_user(hsm, user_name)
    if user is None or user_type != "CO" or user.user_type not in ("CO", "PCO"):
        return rc.USER_NOT_FOUND
    if user.name.lower() != session.user_name.lower():
        return rc.PERMISSION_DENIED
    if user.two_factor:
        return rc.PERMISSION_DENIED  # a 2FA user's key is rotated with changePswd instead
    user.quorum_pub_key = public_pem
    user.mofn_pub_key = True
    return rc.SUCCESS
