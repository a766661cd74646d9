"""Mutual TLS between the client and the HSMs (cloudhsm-cli-spec §5.3): up to two trust
anchors per cluster, and an enforcement level that only the built-in `admin`, connected over
mTLS, may set.  The simulated client host has no client certificate configured, so its
connections are never mTLS (GAP: a choice; KMS custom key stores do not support mTLS)."""

from __future__ import annotations

from ..world.model import Cluster, Session, TrustAnchor
from .roles import is_admin

MAX_ANCHORS = 2
MAX_CHAIN_BYTES = 6980
BUILT_IN_ADMIN = "admin"


class Refused(Exception):
    """`reason`: exists, full, too-long, invalid, not-mtls, not-admin, permission, unknown."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _certificate_ok(pem: bytes) -> bool:
    from cryptography import x509

    try:
        x509.load_pem_x509_certificates(pem)
    except ValueError:
        return False
    return True


def register(cluster: Cluster, session: Session, pem: bytes) -> TrustAnchor:
    if not is_admin(session.user_type):
        raise Refused("permission")
    if len(pem) > MAX_CHAIN_BYTES:
        raise Refused("too-long")
    if not _certificate_ok(pem):
        raise Refused("invalid")
    text = pem.decode()
    if any(a.certificate == text for a in cluster.mtls_trust_anchors.values()):
        raise Refused("exists")
    if len(cluster.mtls_trust_anchors) >= MAX_ANCHORS:
        raise Refused("full")
    taken = set(cluster.mtls_trust_anchors)
    reference = next(f"0x{n:02x}" for n in range(1, 256) if f"0x{n:02x}" not in taken)
    anchor = TrustAnchor(reference, text)
    cluster.mtls_trust_anchors[reference] = anchor
    return anchor


def deregister(cluster: Cluster, session: Session, reference: str) -> None:
    if not is_admin(session.user_type):
        raise Refused("permission")
    if cluster.mtls_enforcement != "none" and len(cluster.mtls_trust_anchors) <= 1:
        raise Refused("not-mtls")  # the last anchor cannot go while mTLS is enforced
    if cluster.mtls_trust_anchors.pop(reference.lower(), None) is None:
        raise Refused("unknown")


def set_enforcement(cluster: Cluster, session: Session, level: str) -> None:
    if not is_admin(session.user_type):
        raise Refused("permission")
    if session.user_name.lower() != BUILT_IN_ADMIN:
        raise Refused("not-admin")
    if level != "none":
        raise Refused("not-mtls")  # this client's connection is not mTLS
    cluster.mtls_enforcement = level
