"""Mutual TLS between the client and the HSMs (cloudhsm-cli-spec §5.3): up to two trust
anchors per cluster, and an enforcement level that only the built-in `admin`, connected over
mTLS, may set.  The client host's connection to a cluster is mTLS when its CloudHSM CLI is
configured with a client certificate (`configure-cli --client-cert-hsm-tls-file`) that one of
the cluster's trust anchors issued.  With enforcement `cluster`, the HSMs close every other
connection: the CLI's `HSM is disconnected`, and KMS, which has no client certificate, cannot
connect a key store (kms/custom_key_stores.py)."""

from __future__ import annotations

from ..world.model import Cluster, Session, TrustAnchor
from .roles import is_admin

MAX_ANCHORS = 2
MAX_CHAIN_BYTES = 6980
BUILT_IN_ADMIN = "admin"


class Refused(Exception):
    """`reason`: exists, full, too-long, invalid, not-mtls, not-admin, permission, unknown,
    last-anchor."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _certificate_ok(pem: bytes) -> bool:
    from cryptography import x509

    try:
        pem.decode()  # a file that is not text (UnicodeDecodeError is a ValueError)
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
        raise Refused("last-anchor")  # the clients could no longer connect
    if cluster.mtls_trust_anchors.pop(reference.lower(), None) is None:
        raise Refused("unknown")


def set_enforcement(cluster: Cluster, session: Session, level: str, *, over_mtls: bool) -> None:
    if not is_admin(session.user_type):
        raise Refused("permission")
    if session.user_name.lower() != BUILT_IN_ADMIN:
        raise Refused("not-admin")
    if level != "none" and not over_mtls:
        raise Refused("not-mtls")
    cluster.mtls_enforcement = level


def issued_by_anchor(cluster: Cluster, certificate: str | None) -> bool:
    """Does one of the cluster's trust anchors vouch for this client certificate?"""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    if not certificate:
        return False
    try:
        client = x509.load_pem_x509_certificate(certificate.encode())
    except ValueError:
        return False
    for anchor in cluster.mtls_trust_anchors.values():
        for issuer in x509.load_pem_x509_certificates(anchor.certificate.encode()):
            try:
                client.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return True
    return False


def admits(cluster: Cluster, certificate: str | None) -> bool:
    """Will the HSMs keep a connection from a client with this certificate (None: none)?"""
    return cluster.mtls_enforcement == "none" or issued_by_anchor(cluster, certificate)


def key_pair(certificate_pem: bytes, key_pem: bytes) -> str:
    """A client certificate and its private key, checked to belong together: the certificate's
    text.  Raises Refused("invalid") when either is unreadable or they do not match."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        text = certificate_pem.decode()  # UnicodeDecodeError is a ValueError
        certificate = x509.load_pem_x509_certificate(certificate_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)  # encrypted: TypeError
    except (ValueError, TypeError):
        raise Refused("invalid") from None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if certificate.public_key().public_bytes(der, public) != key.public_key().public_bytes(der, public):
        raise Refused("invalid")
    return text
