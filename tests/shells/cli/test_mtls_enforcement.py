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


# -- rules of cloudhsm/mtls.py no test broke before, found by benchmarks/mutation.py ----------

def _register(cli, path) -> dict:
    return cli.as_admin("cluster", "mtls", "register-trust-anchor", "--path", str(path)).json


def _references(cli) -> list[str]:
    anchors = cli("cluster", "mtls", "list-trust-anchors").json["data"]["trust_anchors"]
    return [a["certificate-reference"] for a in anchors]


def test_two_trust_anchors_whichever_sorts_first_and_no_third(cli, tmp_path):
    """Only the same certificate is `already exists`, not one whose text sorts before or after."""
    low, high, third = sorted((issuer_and_client(tmp_path, team)["ca"] for team in ("ops", "batch", "audit")),
                              key=lambda path: path.read_text())
    assert _register(cli, low)["data"]["trust_anchor"]["certificate-reference"] == "0x01"
    assert _register(cli, high)["data"]["trust_anchor"]["certificate-reference"] == "0x02"
    assert _register(cli, third) == {"error_code": 1, "data": "Maximum number of certificates registered."}
    assert cli.as_admin("cluster", "mtls", "deregister-trust-anchor", "--certificate-reference", "0x01").json[
        "error_code"] == 0
    # the one left sorts after the one registered again: the first free reference is taken
    assert _register(cli, low)["data"]["trust_anchor"]["certificate-reference"] == "0x01"
    assert _references(cli) == ["0x02", "0x01"]


def test_a_trust_anchor_file_of_exactly_6980_bytes_is_taken_and_one_byte_more_is_not(cli, tmp_path):
    files = issuer_and_client(tmp_path, "ops")
    pem = files["ca"].read_bytes()
    (tmp_path / "at.pem").write_bytes(pem + b"\n" * (6980 - len(pem)))
    (tmp_path / "past.pem").write_bytes(pem + b"\n" * (6981 - len(pem)))
    assert _register(cli, tmp_path / "past.pem") == \
        {"error_code": 1, "data": "Oversized Certificate: Certificate is too long"}
    assert _references(cli) == []
    assert _register(cli, tmp_path / "at.pem")["error_code"] == 0
    assert _references(cli) == ["0x01"]


def test_a_trust_anchor_file_that_is_not_a_certificate_is_refused(cli, tmp_path):
    files = issuer_and_client(tmp_path, "ops")
    (tmp_path / "text.pem").write_text("not a certificate\n")
    # a certificate with bytes that are not text after it (the real tool reads the file as text)
    (tmp_path / "binary.pem").write_bytes(files["ca"].read_bytes() + b"\xff\xfe\n")
    for path in (tmp_path / "text.pem", files["key"], tmp_path / "binary.pem"):
        assert _register(cli, path) == {"error_code": 1, "data": "Invalid value for path"}, path
    assert _references(cli) == []


def test_with_enforcement_on_an_anchor_that_is_not_the_last_can_go(enforced, cli, tmp_path):
    assert _register(cli, issuer_and_client(tmp_path, "batch")["ca"])["error_code"] == 0
    assert cli.as_admin("cluster", "mtls", "deregister-trust-anchor", "--certificate-reference", "0x02").json == \
        {"error_code": 0, "data": {"message": "Trust anchor with reference 0x02 deregistered successfully"}}
    assert cli.as_admin("cluster", "mtls", "deregister-trust-anchor", "--certificate-reference", "0x01").json == \
        {"error_code": 1, "data": "Cannot deregister the last trust anchor while mtls enforcement is set to cluster"}
    assert _references(cli) == ["0x01"]


@pytest.mark.parametrize("name", ["abby", "admin2"])  # sorting before and after "admin"
def test_only_the_built_in_admin_sets_enforcement(cli, name):
    assert cli.as_admin("user", "create", "--username", name, "--role", "admin", "--password",
                        "Adm1nPw1").json["error_code"] == 0
    ran = cli.as_user(name, "Adm1nPw1", "cluster", "mtls", "set-enforcement", "--level", "none", role="admin")
    assert ran.json == {"error_code": 1, "data": "An Admin must be logged in to set policy on an HSM"}


def test_the_admin_sets_enforcement_none_without_mtls(cli):
    """Only `cluster` needs an mTLS connection: `none` takes no mTLS away (the error's `this
    enforcement`); the spec is silent, this is the plausible reading."""
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "none").json == \
        {"error_code": 0, "data": {"message": "Mtls enforcement level set to None successfully"}}


def test_a_client_certificate_issued_by_the_second_certificate_of_an_anchor_file(store, cli, tmp_path):
    ops, batch = issuer_and_client(tmp_path, "ops"), issuer_and_client(tmp_path, "batch")
    (tmp_path / "chain.pem").write_bytes(batch["ca"].read_bytes() + ops["ca"].read_bytes())
    assert configure_cli(store, "--client-cert-hsm-tls-file", str(ops["cert"]),
                         "--client-key-hsm-tls-file", str(ops["key"])) == (0, "")
    assert _register(cli, tmp_path / "chain.pem")["error_code"] == 0
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "cluster").json["error_code"] == 0
    assert cli("user", "list").json["error_code"] == 0


def test_a_client_certificate_a_hand_written_world_holds_unreadable_is_no_mtls(store, cli, tmp_path):
    ops = issuer_and_client(tmp_path, "ops")
    assert configure_cli(store, "--client-cert-hsm-tls-file", str(ops["cert"]),
                         "--client-key-hsm-tls-file", str(ops["key"])) == (0, "")
    assert _register(cli, ops["ca"])["error_code"] == 0
    with store.transaction() as world:
        world.client.cli.clusters[0].client_certificate = "not a certificate\n"
    assert cli.as_admin("cluster", "mtls", "set-enforcement", "--level", "cluster").json == \
        {"error_code": 1, "data": "Failed to set the mtls enforcement. Current connection must be mtls to set "
                                  "this enforcement."}


def test_configure_cli_refuses_a_pair_that_does_not_match_either_way_round_or_cannot_be_read(store, tmp_path):
    ops, batch = issuer_and_client(tmp_path, "ops"), issuer_and_client(tmp_path, "batch")
    (tmp_path / "text.crt").write_text("not a certificate\n")
    (tmp_path / "binary.crt").write_bytes(ops["cert"].read_bytes() + b"\xff\xfe\n")
    key = serialization.load_pem_private_key(ops["key"].read_bytes(), password=None)
    (tmp_path / "locked.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))
    for cert, key_file in ((ops["cert"], batch["key"]), (batch["cert"], ops["key"]),
                           (tmp_path / "text.crt", ops["key"]), (tmp_path / "binary.crt", ops["key"]),
                           (ops["cert"], tmp_path / "locked.key")):
        assert configure_cli(store, "--client-cert-hsm-tls-file", str(cert), "--client-key-hsm-tls-file",
                             str(key_file)) == (1, "Error: The client key does not match the client certificate, "
                                                   "or one of them is not valid PEM\n"), (cert, key_file)
    assert store.read().client.cli is None
