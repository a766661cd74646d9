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
