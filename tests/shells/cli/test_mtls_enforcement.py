"""mTLS enforced on a cluster (cloudhsm-cli-spec §5.3): the CloudHSM CLI configured with a
client certificate a trust anchor issued (`configure-cli --client-cert-hsm-tls-file ...
--client-key-hsm-tls-file ...`) connects over mTLS, so the built-in admin may enforce it;
with enforcement on, a client without such a certificate gets `HSM is disconnected` on every
command, and KMS cannot connect a key store (NETWORK_ERRORS)."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .test_configure import configure_cli

DISCONNECTED = 'Error: "HSM is disconnected"\n'
STORE = "cks-1234567890abcdef0"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(obj) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def issuer_and_client(folder, team: str):
    """A CA (the trust anchor to register) and a client certificate and key it issued."""
    start, end = datetime.datetime(2025, 1, 1), datetime.datetime(2036, 1, 1)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def certificate(subject, public_key, ca: bool):
        return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(f"{team} CA"))
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .sign(ca_key, hashes.SHA256()))

    files = {"ca": folder / f"{team}-ca.crt", "cert": folder / f"{team}.crt", "key": folder / f"{team}.key"}
    files["ca"].write_bytes(_pem(certificate(f"{team} CA", ca_key.public_key(), True)))
    files["cert"].write_bytes(_pem(certificate(f"{team}-client", key.public_key(), False)))
    files["key"].write_bytes(_pem(key))
    return files


@pytest.fixture
def enforced(store, cli, tmp_path):
    """The host configured with ops' certificate, ops' CA registered, mTLS enforced."""
    ops = issuer_and_client(tmp_path, "ops")
    assert configure_cli(store, "--client-cert-hsm-tls-file", str(ops["cert"]),
                         "--client-key-hsm-tls-file", str(ops["key"])) == (0, "")
    assert cli.as_admin("cluster", "mtls", "register-trust-anchor", "--path", str(ops["ca"])).json["error_code"] == 0
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "cluster").json == \
        {"error_code": 0, "data": {"message": "Mtls enforcement level set to Cluster successfully"}}
    return ops


def test_over_mtls_the_admin_enforces_it_and_the_client_keeps_working(enforced, cli):
    assert cli.as_admin("cluster", "mtls", "get-enforcement").json == \
        {"error_code": 0, "data": {"mtls-enforcement-level": "cluster"}}
    assert cli("user", "list").json["error_code"] == 0


def test_a_client_without_a_certificate_the_cluster_trusts_is_disconnected(enforced, store, cli, tmp_path):
    other = issuer_and_client(tmp_path, "batch")
    assert configure_cli(store, "--client-cert-hsm-tls-file", str(other["cert"]),
                         "--client-key-hsm-tls-file", str(other["key"])) == (0, "")
    assert (cli("user", "list").status, cli("user", "list").output) == (1, DISCONNECTED)
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "none").output == DISCONNECTED
    assert "HSM is disconnected" in cli.session("cluster mtls list-trust-anchors\nquit\n")
    # a host with no certificate at all: the configuration rewritten for the cluster
    assert configure_cli(store, "remove-cluster", "--cluster-id", "cluster-1a23b4cdefg")[0] == 0
    assert configure_cli(store, "add-cluster", "-a", "10.0.2.9")[0] == 0
    assert cli("cluster", "hsm-info").output == DISCONNECTED


def test_kms_cannot_connect_a_store_on_it_until_enforcement_is_off(enforced, doors, cli):
    doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE)
    doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE)
    assert doors.describe()["ConnectionErrorCode"] == "NETWORK_ERRORS"
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "none").json == \
        {"error_code": 0, "data": {"message": "Mtls enforcement level set to None successfully"}}
    doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE)
    doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", STORE)
    assert doors.describe()["ConnectionState"] == "CONNECTED"


def test_the_last_trust_anchor_stays_while_mtls_is_enforced(enforced, cli):
    assert cli.as_admin("cluster", "mtls", "deregister-trust-anchor", "--certificate-reference", "0x01").json == \
        {"error_code": 1, "data": "Cannot deregister the last trust anchor while mtls enforcement is set to cluster"}


def test_configure_cli_takes_a_certificate_with_its_own_key_only(store, tmp_path):
    ops, batch = issuer_and_client(tmp_path, "ops"), issuer_and_client(tmp_path, "batch")
    assert configure_cli(store, "--client-cert-hsm-tls-file", str(ops["cert"])) == \
        (2, "error: --client-cert-hsm-tls-file and --client-key-hsm-tls-file must be given together\n")
    status, out = configure_cli(store, "--client-cert-hsm-tls-file", str(ops["cert"]),
                                "--client-key-hsm-tls-file", str(batch["key"]))
    assert status == 1 and "does not match" in out
    status, out = configure_cli(store, "--client-cert-hsm-tls-file", str(tmp_path / "nope.crt"),
                                "--client-key-hsm-tls-file", str(ops["key"]))
    assert status == 1 and out.startswith(f"Error: Could not read {tmp_path / 'nope.crt'}")
    assert store.read().client.cli is None  # nothing written
