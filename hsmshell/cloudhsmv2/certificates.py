"""The certificates of a cluster and its HSMs (kms-spec §6 Certificates, §6.3, §6.8; CMU
getCert in server mode).

Real X.509 on EC P-256 keys.  Only what a customer gave is stored in the world (the trust
anchor and the SignedCert of InitializeCluster); everything the HSMs and their makers hold is
derived on demand from the world's seed and the identities involved, so the world file stays
readable, fixtures need nothing new, and a seeded world shows the same certificates on every
run.  Signatures are deterministic (RFC 6979) for the same reason.

The chains, as the User Guide's "verify HSM identity" describes them:

    manufacturer root ─► manufacturer hardware ┐
                                                ├─ (one hardware key, cross-certified) ─► HSM certificate
    AWS root ─────────► AWS hardware ───────────┘

    the cluster's key: CSR while UNINITIALIZED; ClusterCertificate = SignedCert, issued by
    the customer's CA (the trust anchor); related clusters share it (the lineage).
"""

from __future__ import annotations

import datetime
import hashlib
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..world.model import Cluster, Hsm, World

# getCert's certificate types (cloudhsm-shells-spec "getCert (server mode)").
MANUFACTURER_ROOT = 1
MANUFACTURER_HARDWARE = 2
CUSTOMER_ROOT = 4
CLUSTER = 8
CLUSTER_CHAINED = 16

# GAP: the reference names these certificates but shows none; the names follow the files the
# User Guide has customers download (liquid_security_certificate.crt, AWS_CloudHSM_Root-G1.crt)
# and the subject of a LiquidSecurity HSM as printed by openssl in the UG.
_MAKER = [("O", "Cavium Networks"), ("OU", "LiquidSecurity")]
_MANUFACTURER_ROOT_NAME = _MAKER + [("CN", "LiquidSecurity Root CA")]
_AWS_ROOT_NAME = [("O", "Amazon Web Services"), ("OU", "CloudHSM"), ("CN", "AWS CloudHSM Root G1")]
_ROOTS_VALID = (datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc),
                datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc))
_TEN_YEARS = datetime.timedelta(days=3652)
_OIDS = {"C": NameOID.COUNTRY_NAME, "ST": NameOID.STATE_OR_PROVINCE_NAME, "L": NameOID.LOCALITY_NAME,
         "O": NameOID.ORGANIZATION_NAME, "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "CN": NameOID.COMMON_NAME}


# -- what describe-clusters shows ------------------------------------------------------------

def certified_hsm(cluster: Cluster) -> Hsm | None:
    """The HSM whose certificates the cluster shows.  GAP: the reference puts HsmCertificate
    and the hardware certificates on the cluster without saying of which HSM; the cluster's
    first HSM that exists (made the CSR, per the UG) is taken, none while none does."""
    return next((h for h in cluster.hsms if h.state != "CREATE_IN_PROGRESS"), None)


def of_cluster(world: World, cluster: Cluster) -> dict[str, str]:
    """Certificates in the model's member order."""
    shown: dict[str, str] = {}
    hsm = certified_hsm(cluster)
    if cluster.state == "UNINITIALIZED" and hsm is not None:
        # The UG: the CSR is made by the cluster's first HSM, and is gone once initialized.
        shown["ClusterCsr"] = cluster_csr(world, cluster, hsm)
    if hsm is not None:
        shown["HsmCertificate"] = _pem(hsm_certificate(world, cluster, hsm))
        shown["AwsHardwareCertificate"] = _pem(_hardware(world, hsm, aws=True))
        shown["ManufacturerHardwareCertificate"] = _pem(_hardware(world, hsm, aws=False))
    cluster_cert = cluster_certificate(world, cluster)
    if cluster_cert:
        shown["ClusterCertificate"] = cluster_cert
    return shown


def cluster_certificate(world: World, cluster: Cluster) -> str:
    """The SignedCert given to InitializeCluster (or inherited through a backup).  A cluster
    that is initialized but holds none (one a fixture made before the range kept it) gets a
    stand-in: see _stand_in."""
    if cluster.cluster_certificate:
        return cluster.cluster_certificate
    if cluster.trust_anchor:
        return _pem(_stand_in(world, cluster))
    return ""


# -- what getCert writes ---------------------------------------------------------------------

def for_hsm(world: World, cluster: Cluster, hsm: Hsm, cert_type: int) -> str | None:
    """The PEM text getCert writes for one HSM; None when the HSM holds no such certificate
    (the customer's certificates before the cluster is initialized)."""
    if cert_type == MANUFACTURER_ROOT:
        return _pem(_manufacturer_root())
    if cert_type == MANUFACTURER_HARDWARE:
        return _pem(_hardware(world, hsm, aws=False))
    if cert_type == CUSTOMER_ROOT:
        return cluster.trust_anchor or None
    if cert_type == CLUSTER:
        return cluster_certificate(world, cluster) or None
    if cert_type == CLUSTER_CHAINED:
        # GAP: not documented beyond its name.  The cluster's key certified by this HSM,
        # followed by the chain to the manufacturer root, leaf first (as a PEM bundle is read).
        chain = [_cluster_by_hsm(world, cluster, hsm), hsm_certificate(world, cluster, hsm),
                 _hardware(world, hsm, aws=False), _manufacturer_root()]
        return "".join(_pem(c) for c in chain)
    return None


def cluster_csr(world: World, cluster: Cluster, hsm: Hsm) -> str:
    csr = x509.CertificateSigningRequestBuilder().subject_name(_partition_name(cluster, hsm)).sign(
        _cluster_key(world, cluster), hashes.SHA256(), ecdsa_deterministic=True)
    return csr.public_bytes(serialization.Encoding.PEM).decode()


# -- derivations -----------------------------------------------------------------------------

def _key(*parts: str) -> ec.EllipticCurvePrivateKey:
    """An EC P-256 key from a hash of `parts`: cheap, and the same every time.  These keys
    stand for ones sealed in hardware; nothing in the range is protected by them, so an
    unseeded world derives them from the identities alone (they must not change between two
    commands on the same world)."""
    return _derived_key(tuple(parts))


@lru_cache(maxsize=256)
def _derived_key(parts: tuple[str, ...]) -> ec.EllipticCurvePrivateKey:
    digest = hashlib.sha256(b"hsmshell certificate key")
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part.encode())
    # Below 2^255 every scalar is under the order of P-256; | 1 keeps it from being zero.
    scalar = int.from_bytes(digest.digest(), "big") % (1 << 255) | 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _seed(world: World) -> str:
    return "" if world.ids.seed is None else str(world.ids.seed)


def _cluster_key(world: World, cluster: Cluster) -> ec.EllipticCurvePrivateKey:
    # Related clusters share their cluster certificate, so they share its key: the lineage.
    return _key(_seed(world), "cluster", cluster.lineage)


def _hardware_key(world: World, hsm: Hsm) -> ec.EllipticCurvePrivateKey:
    return _key(_seed(world), "hardware", hsm.hsm_id)


def _name(pairs: list[tuple[str, str]]) -> x509.Name:
    return x509.Name([x509.NameAttribute(_OIDS[k], v) for k, v in pairs])


def _hsm_label(hsm: Hsm) -> str:
    return "HSM:" + hsm.hsm_id.removeprefix("hsm-").upper()


def _hardware_name(hsm: Hsm) -> x509.Name:
    return _name(_MAKER + [("CN", _hsm_label(hsm))])


def _partition_name(cluster: Cluster, hsm: Hsm) -> x509.Name:
    # The partition certificate names the cluster's mode (left out of the world file: FIPS).
    mode = ", for NON-FIPS mode" if cluster.mode == "NON_FIPS" else ", for FIPS mode"
    return _name([("C", "US"), ("ST", "CA"), ("L", "San Jose"), ("O", "Cavium"), ("OU", "N3FIPS"),
                  ("CN", f"{_hsm_label(hsm)}:PARTN:0{mode}")])


def _serial(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:19], "big") | 1


def _issue(subject: x509.Name, public_key, issuer: x509.Name, issuer_key, valid: tuple, serial: int,
           ca: bool) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(serial).not_valid_before(valid[0]).not_valid_after(valid[1])
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256(), ecdsa_deterministic=True)


def _validity(cluster: Cluster) -> tuple:
    start = datetime.datetime.fromtimestamp(int(cluster.create_timestamp), datetime.timezone.utc)
    return start, start + _TEN_YEARS


@lru_cache(maxsize=1)
def _manufacturer_root() -> x509.Certificate:
    # One manufacturer for every world: its root is the same everywhere, as in reality.
    key = _key("manufacturer root")
    name = _name(_MANUFACTURER_ROOT_NAME)
    return _issue(name, key.public_key(), name, key, _ROOTS_VALID, _serial("manufacturer root"), ca=True)


@lru_cache(maxsize=1)
def _aws_root() -> x509.Certificate:
    key = _key("aws root")
    name = _name(_AWS_ROOT_NAME)
    return _issue(name, key.public_key(), name, key, _ROOTS_VALID, _serial("aws root"), ca=True)


def _hardware(world: World, hsm: Hsm, *, aws: bool) -> x509.Certificate:
    """The HSM's hardware key, certified by its maker and again by AWS (same subject and key,
    so the HSM certificate verifies under either root)."""
    root, root_key = (_aws_root(), _key("aws root")) if aws else (_manufacturer_root(), _key("manufacturer root"))
    return _issue(_hardware_name(hsm), _hardware_key(world, hsm).public_key(), root.subject, root_key,
                  _ROOTS_VALID, _serial(_seed(world), "aws" if aws else "maker", hsm.hsm_id), ca=True)


def hsm_certificate(world: World, cluster: Cluster, hsm: Hsm) -> x509.Certificate:
    """The HSM's identity: its partition's key, which is the cluster's (the key the CSR
    carries: the User Guide's verification compares the two public keys), signed by the
    hardware key."""
    return _issue(_partition_name(cluster, hsm), _cluster_key(world, cluster).public_key(),
                  _hardware_name(hsm), _hardware_key(world, hsm), _validity(cluster),
                  _serial(_seed(world), "hsm", hsm.hsm_id), ca=True)


def _cluster_by_hsm(world: World, cluster: Cluster, hsm: Hsm) -> x509.Certificate:
    return _issue(_partition_name(cluster, hsm), _cluster_key(world, cluster).public_key(),
                  _partition_name(cluster, hsm), _cluster_key(world, cluster),
                  _validity(cluster), _serial(_seed(world), "cluster by hsm", hsm.hsm_id), ca=False)


def _stand_in(world: World, cluster: Cluster) -> x509.Certificate:
    """GAP: a cluster initialized in a fixture (not through InitializeCluster) has a trust
    anchor but neither its SignedCert nor the customer CA's private key.  The range shows a
    cluster certificate in the trust anchor's name for the cluster's key; it cannot carry the
    CA's signature, so it does not verify against the trust anchor (a cluster initialized
    through InitializeCluster shows the customer's own SignedCert, which does)."""
    try:
        issuer = x509.load_pem_x509_certificate(cluster.trust_anchor.encode()).subject
    except ValueError:
        issuer = _name([("CN", "customerCA")])
    subject = _name([("C", "US"), ("ST", "CA"), ("L", "San Jose"), ("O", "Cavium"), ("OU", "N3FIPS"),
                     ("CN", f"HSM:{cluster.lineage.removeprefix('lineage-').upper()}:PARTN:0")])
    return _issue(subject, _cluster_key(world, cluster).public_key(), issuer,
                  _key(_seed(world), "customer CA stand-in", cluster.lineage), _validity(cluster),
                  _serial(_seed(world), "cluster", cluster.lineage), ca=False)


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
