"""Quorum (M of N) authentication for crypto officers, one HSM at a time.

Each HSM keeps its own m value per service, like its users: a policy set while an HSM is
unreachable leaves that node behind.  Crypto officers register an RSA-2048 public key
(registerQuorumPubKey), proving they hold the private key by a signature over a token.

While a service's m value is above 1, a crypto officer does its operations with a quorum
token (quorum-authentication-crypto-officers.md): getToken has each HSM issue one to the
login, the approvers sign the token file outside the HSM (SHA-256, PKCS#1 v1.5, their
registered key), approveToken hands the signatures to each HSM, which checks every one
against the key it has registered, and a token with m approvals lets exactly one operation
of its service through on that HSM, which spends it.  A token lives only as long as the
login that got it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..world import ids
from ..world.clock import now
from ..world.model import Cluster, Hsm, QuorumToken, World
from . import returncodes as rc
from .nodes import answers, find_user

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

USER_MGMT, MISC_CO = 3, 4
SERVICES = {USER_MGMT: "USER_MGMT", MISC_CO: "MISC_CO"}
MAX_M = 8  # quorum-authentication-crypto-officers-first-time-setup.md
MAX_TOKEN_BYTES = 245  # registerQuorumPubKey.md
# Tokens expire ten minutes after they are issued, and an HSM keeps up to 1,024.  An expired
# token can still be used (the quorum page: "Even after the token validity time elapses (zero
# seconds), you can still use the token"); the HSM only purges one when it needs the room.
TOKEN_LIFETIME = 600
MAX_TOKENS = 1024
OFFICERS = ("CO", "PCO")
CO_APPROVER = 2  # the approval file's `Approver Type = 2; # 2 for CO, 1 for CU`


def m_value(hsm: Hsm, service: int) -> int:
    return hsm.m_values.get(service, 1)


def approved(world: World, hsm: Hsm, session_id: str, service: int) -> bool:
    """May this login run one of this service's operations on this HSM now?"""
    return m_value(hsm, service) <= 1 or _approved_token(hsm, session_id, service) is not None


def spend(hsm: Hsm, session_id: str, service: int) -> None:
    """An operation that needed the quorum has been done: its token is used up."""
    if m_value(hsm, service) > 1:
        hsm.tokens.remove(_approved_token(hsm, session_id, service))


def _approved_token(hsm: Hsm, session_id: str, service: int) -> QuorumToken | None:
    needed = m_value(hsm, service)
    return next((t for t in hsm.tokens if t.session_id == session_id and t.service == service
                 and len(t.approvers) >= needed), None)


def validity(world: World, token: QuorumToken) -> int:
    """Seconds the token is still guaranteed to stay on the HSM (listTokens' Token Validity)."""
    return max(0, int(TOKEN_LIFETIME - (now(world) - token.issued)))


def issue_token(world: World, cluster: Cluster, hsm: Hsm, session_id: str, service: int,
                user_name: str) -> tuple[rc.ReturnCode, QuorumToken | None]:
    """getToken on one HSM: a crypto officer asks for a token for themself."""
    session, code = _officer(world, hsm, session_id)
    if code:
        return code, None
    if service not in SERVICES:
        return rc.INVALID_INPUT, None
    if user_name.lower() != session.user_name.lower():
        return rc.PERMISSION_DENIED, None
    if len(hsm.tokens) >= MAX_TOKENS:
        expired = [t for t in hsm.tokens if not validity(world, t)]
        if not expired:
            return rc.TOKEN_LIMIT, None
        hsm.tokens.remove(min(expired, key=lambda t: t.issued))
    token = QuorumToken(token_id=hsm.next_token_id, service=service, node=cluster.hsms.index(hsm),
                        user=session.user_name, session_id=session_id, issued=now(world),
                        nonce=ids.draw(world, 16).hex())
    hsm.next_token_id += 1
    hsm.tokens.append(token)
    return rc.SUCCESS, token


def token_fields(token: QuorumToken) -> list[str]:
    """The token as the HSM describes it (getToken, listTokens)."""
    return ["Token:", f"Id:{token.token_id}", f"Service:{token.service}", f"Node:{token.node}",
            f"Key Handle:{token.key_handle}", f"User:{token.user}"]


def token_text(hsm: Hsm, token: QuorumToken) -> str:
    """What the HSM hands out for the token file: the approvers sign a file of these, one per
    HSM.  GAP: the real token file is an opaque blob; this one is readable, and names its HSM
    and a nonce so that no two tokens, on any HSM, read the same."""
    return "\n".join([*token_fields(token), f"HsmId:{hsm.hsm_id}", f"Nonce:{token.nonce}"]) + "\n"


def approve_token(world: World, hsm: Hsm, session_id: str, token_file: bytes,
                  approvals: list[tuple[int, str, bytes]]) -> rc.ReturnCode:
    """approveToken on one HSM: the token of this login that the signed file holds gains the
    approvals of the (approver type, name, signature over the whole file) given, when every
    signature verifies with the key its crypto officer registered on this HSM; otherwise it
    gains none."""
    _, code = _officer(world, hsm, session_id)
    if code:
        return code
    token = next((t for t in hsm.tokens if t.session_id == session_id
                  and token_text(hsm, t).encode() in token_file), None)
    if token is None:
        return rc.INVALID_TOKEN
    names = []
    for approver_type, name, signature in approvals:
        approver = find_user(hsm, name)
        if approver is None:
            return rc.USER_NOT_FOUND
        if approver_type != CO_APPROVER or approver.user_type not in OFFICERS:
            return rc.INVALID_USER_TYPE  # a CU's approval is for a key's own quorum
        if not approver.quorum_pub_key or not signed_by(approver.quorum_pub_key.encode(), signature, token_file):
            return rc.INVALID_SIGNATURE
        names.append(approver.name)
    token.approvers.extend(n for n in dict.fromkeys(names) if n not in token.approvers)
    return rc.SUCCESS


def _officer(world: World, hsm: Hsm, session_id: str):
    session = world.sessions.get(session_id)
    if not answers(hsm):
        return None, rc.SERVER_UNAVAILABLE
    if session is None or hsm.hsm_id not in session.hsms:
        return None, rc.NOT_LOGGED_IN
    if session.user_type not in OFFICERS:
        return None, rc.PERMISSION_DENIED
    return session, rc.SUCCESS


def set_m_value(world: World, hsm: Hsm, session_id: str, service: int, m: int) -> rc.ReturnCode:
    """m is 1 (no quorum) to 8, and no more than the crypto officers of this HSM, or nobody
    could ever approve."""
    _, code = _officer(world, hsm, session_id)
    if code:
        return code
    if not approved(world, hsm, session_id, MISC_CO):
        return rc.MXN_AUTH_FAILED
    officers = sum(u.user_type in OFFICERS for u in hsm.users)
    if service not in SERVICES or not 1 <= m <= min(MAX_M, officers):
        return rc.INVALID_M_VALUE
    spend(hsm, session_id, MISC_CO)
    hsm.m_values[service] = m
    return rc.SUCCESS


def check_registration(token: bytes, signature: bytes, public_pem: bytes) -> bool:
    """The public key is RSA-2048 and the signature over the token (at most 245 bytes) is
    its SHA256 PKCS#1 v1.5 signature."""
    return bool(token) and len(token) <= MAX_TOKEN_BYTES and signed_by(public_pem, signature, token)


def rsa_2048(public_pem: bytes) -> rsa.RSAPublicKey | None:
    """The public key of a PEM text, if it is the RSA-2048 key quorum and 2FA require."""
    # Imported here: cryptography costs the shells' start-up tens of milliseconds.
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        public_key = serialization.load_pem_public_key(public_pem)
    except (ValueError, UnsupportedAlgorithm):  # every caller passes bytes: no TypeError
        return None
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size != 2048:
        return None
    return public_key


def signed_by(public_pem: bytes, signature: bytes, data: bytes, algorithm=None) -> bool:
    """Is `signature` the sha256WithRSAEncryption signature of `data` by this RSA-2048 key?
    (`algorithm` = Prehashed(SHA256()) when `data` is itself the SHA-256 digest.)"""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    public_key = rsa_2048(public_pem)
    if public_key is None:
        return False
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), algorithm or hashes.SHA256())
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
    if user is None or user_type != "CO" or user.user_type not in OFFICERS:
        return rc.USER_NOT_FOUND
    if user.name.lower() != session.user_name.lower():
        return rc.PERMISSION_DENIED
    if user.two_factor:
        return rc.PERMISSION_DENIED  # a 2FA user's key is rotated with changePswd instead
    user.quorum_pub_key = public_pem
    user.mofn_pub_key = True
    return rc.SUCCESS
