"""The cluster's certificates in describe-clusters: the CSR of an uninitialized cluster, the
customer's SignedCert once initialized (inherited by clusters made from its backups), and the
HSM's identity with its hardware certificates; the same in every run of a seeded world."""

from __future__ import annotations

import datetime
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hsmshell.cli import main as hsmshell
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world

from ..conftest import Doors

CLUSTER = "cluster-1a23b4cdefg"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]


def certificates(doors: Doors, cluster_id: str = CLUSTER) -> dict:
    status, out, err = doors.aws("cloudhsmv2", "describe-clusters", "--filters", f"clusterIds={cluster_id}")
    assert status == 0, err
    return json.loads(out)["Clusters"][0]["Certificates"]


def load(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def customer_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "customerCA")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def sign(csr_pem: str, key, ca: x509.Certificate) -> str:
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    cert = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca.subject)
            .public_key(csr.public_key()).serial_number(8).not_valid_before(ca.not_valid_before_utc)
            .not_valid_after(ca.not_valid_after_utc).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_an_active_cluster_shows_its_hsm_and_cluster_certificates(doors, store):
    certs = certificates(doors)
    assert list(certs) == ["HsmCertificate", "AwsHardwareCertificate", "ManufacturerHardwareCertificate",
                           "ClusterCertificate"]  # the model's order; no CSR once initialized
    hsm, aws, maker = (load(certs[k]) for k in list(certs)[:3])
    # The hardware key is certified by AWS and by the maker: the HSM certificate verifies under both.
    assert aws.subject == maker.subject == hsm.issuer
    assert aws.public_key() == maker.public_key()
    hsm.verify_directly_issued_by(aws)
    hsm.verify_directly_issued_by(maker)
    assert aws.issuer != maker.issuer
    first_hsm = store.read().clusters[CLUSTER].hsms[0].hsm_id
    assert first_hsm.removeprefix("hsm-").upper() in hsm.subject.rfc4514_string()
    # The fixture holds no SignedCert: the stand-in is issued in the trust anchor's name.
    anchor = load(store.read().clusters[CLUSTER].trust_anchor)
    assert load(certs["ClusterCertificate"]).issuer == anchor.subject


def test_csr_until_initialized_then_the_signed_certificate_inherited_by_related_clusters(doors, api):
    fresh = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]
    assert fresh["Certificates"] == {}  # as in the UG's create-cluster example
    cluster = fresh["ClusterId"]
    assert certificates(doors, cluster) == {}  # UNINITIALIZED, but no HSM has made the CSR yet
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")
    certs = certificates(doors, cluster)
    assert list(certs) == ["ClusterCsr", "HsmCertificate", "AwsHardwareCertificate",
                           "ManufacturerHardwareCertificate"]
    csr = x509.load_pem_x509_csr(certs["ClusterCsr"].encode())
    assert csr.is_signature_valid
    assert load(certs["HsmCertificate"]).subject == csr.subject  # the CSR names the HSM that made it
    # The User Guide's verification of the HSM's identity: the HSM certificate's public key is
    # the CSR's (`openssl x509 -pubkey` beside `openssl req -pubkey`).
    pem = serialization.PublicFormat.SubjectPublicKeyInfo
    assert load(certs["HsmCertificate"]).public_key().public_bytes(serialization.Encoding.PEM, pem) == \
        csr.public_key().public_bytes(serialization.Encoding.PEM, pem)

    key, ca = customer_ca()
    signed = sign(certs["ClusterCsr"], key, ca)
    anchor = ca.public_bytes(serialization.Encoding.PEM).decode()
    api.cloudhsmv2.InitializeCluster(ClusterId=cluster, SignedCert=signed, TrustAnchor=anchor)
    certs = certificates(doors, cluster)
    assert "ClusterCsr" not in certs
    assert certs["ClusterCertificate"] == signed
    load(certs["ClusterCertificate"]).verify_directly_issued_by(ca)

    assert hsmshell(["cluster", "activate", cluster]) == 0
    (backup,) = api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [cluster]})["Backups"]
    copy = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS,
                                        SourceBackupId=backup["BackupId"])["Cluster"]["ClusterId"]
    assert certificates(doors, copy) == {"ClusterCertificate": signed}  # related: the same certificate


def test_certificates_are_the_same_in_every_run_of_a_seeded_world(doors, world_path, tmp_path):
    first = certificates(doors)
    assert certificates(doors) == first
    again = copy_world(world_path.parent, tmp_path / "again")
    assert certificates(Doors(again)) == first
    with open_store(again).transaction() as world:
        world.ids.seed = 2020
    other = certificates(Doors(again))
    assert other["HsmCertificate"] != first["HsmCertificate"]
    # One manufacturer, one AWS: their roots do not depend on the world, only what they sign.
    assert load(other["ManufacturerHardwareCertificate"]).issuer == load(first["ManufacturerHardwareCertificate"]).issuer


def facts(certificate: x509.Certificate) -> tuple:
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    return (hex(certificate.serial_number), certificate.not_valid_before_utc.isoformat(),
            certificate.not_valid_after_utc.isoformat(), constraints.value.ca, constraints.critical,
            certificate.fingerprint(hashes.SHA256()).hex()[:16])


def test_the_seeded_default_world_shows_the_chain_transcripts_and_labs_pin(doors):
    """Golden facts of seed 2019's chain: serials, validity (the makers' roots 2015-2045, an HSM's
    ten years from the cluster's creation), CA flags in a critical BasicConstraints, and the
    fingerprint (the derived keys and the deterministic signatures).  GAP: all our choices."""
    certs = {name: facts(load(pem)) for name, pem in certificates(doors).items()}
    assert certs == {
        "HsmCertificate": ("0x6912a8474f6e35f1707c946799895985f9e22f", "2017-07-05T20:53:20+00:00",
                           "2027-07-05T20:53:20+00:00", True, True, "5f40da416d7213ca"),
        "AwsHardwareCertificate": ("0x20950d7440e72c50ae902c0b09c21b57b1b427", "2015-01-01T00:00:00+00:00",
                                   "2045-01-01T00:00:00+00:00", True, True, "009e799a685d0bdd"),
        "ManufacturerHardwareCertificate": ("0xae9f6414267757b4921e7856a9c2faf9bb4c71", "2015-01-01T00:00:00+00:00",
                                            "2045-01-01T00:00:00+00:00", True, True, "5785aafbdbd215ea"),
        # The stand-in for the SignedCert the fixture does not hold: an end entity.
        "ClusterCertificate": ("0xa42cef06f9bc8eab57079ae46021e6006eb46b", "2017-07-05T20:53:20+00:00",
                               "2027-07-05T20:53:20+00:00", False, True, "f76fd555e1cf0d7c"),
    }


def test_the_csr_of_an_uninitialized_cluster_is_the_same_every_time(doors, api):
    """The CSR's signature is deterministic (RFC 6979), as the certificates' are: a seeded world
    shows the same CSR on every describe-clusters."""
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")
    first = certificates(doors, cluster)["ClusterCsr"]
    assert certificates(doors, cluster)["ClusterCsr"] == first


def test_the_certified_hsm_is_the_first_that_exists_even_while_deleted(doors, api, store):
    """GAP: the cluster shows the certificates of its first HSM that exists: not one still being
    created, but one being deleted (DELETE_IN_PROGRESS) until it is gone."""
    with store.transaction() as world:
        world.settings.control_plane_delay = 600
        world.clock.frozen_at = 1_700_000_000.0
    first, second = (h.hsm_id for h in store.read().clusters[CLUSTER].hsms[:2])
    api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, HsmId=first)
    assert first.removeprefix("hsm-").upper() in load(certificates(doors)["HsmCertificate"]).subject.rfc4514_string()

    fresh = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    hsmshell(["clock", "advance", "10m"])  # the cluster is UNINITIALIZED, its first HSM ...
    api.cloudhsmv2.CreateHsm(ClusterId=fresh, AvailabilityZone="us-west-2a")
    assert certificates(doors, fresh) == {}  # ... CREATE_IN_PROGRESS: no HSM has made the CSR yet


def test_no_csr_once_the_cluster_has_left_uninitialized(doors, store):
    """Only an UNINITIALIZED cluster shows its CSR: not one in any later state, such as
    UPDATE_IN_PROGRESS (a state only a world file gives)."""
    with store.transaction() as world:
        world.clusters[CLUSTER].state = "UPDATE_IN_PROGRESS"
    assert "ClusterCsr" not in certificates(doors)


def test_a_trust_anchor_that_is_no_certificate_gets_a_stand_in_from_customer_ca(doors, store):
    """GAP: a world file whose cluster holds no SignedCert and a trust anchor that is not a
    certificate still shows a cluster certificate, in the name CN=customerCA."""
    with store.transaction() as world:
        world.clusters[CLUSTER].trust_anchor = "not a certificate"
    cluster_cert = load(certificates(doors)["ClusterCertificate"])
    assert cluster_cert.issuer.rfc4514_string() == "CN=customerCA"
