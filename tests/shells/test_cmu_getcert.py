"""cloudhsm_mgmt_util getCert in server mode: every certificate type, written as PEM for the
server's HSM, and the chains between them (key_mgmt_util's getCert reads the same ones)."""

from __future__ import annotations

import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes

SERVER_0_HSM = "hsm-udw0tkfg1ab"  # 10.0.2.9 in the default world


def get_certs(doors, tmp_path, server: int = 0) -> dict[int, list[x509.Certificate]]:
    script = f"server {server}\n" + "".join(f"getCert {tmp_path}/t{t}.pem {t}\n" for t in (1, 2, 4, 8, 16))
    out = doors.cmu(script + "exit\nquit\n")
    assert out.count("getCert Success") == 5, out
    return {t: x509.load_pem_x509_certificates((tmp_path / f"t{t}.pem").read_bytes()) for t in (1, 2, 4, 8, 16)}


def test_every_certificate_type_and_its_chain(doors, tmp_path):
    certs = get_certs(doors, tmp_path)
    assert [len(certs[t]) for t in (1, 2, 4, 8)] == [1, 1, 1, 1]
    (root,), (hardware,), (customer,), (cluster,) = certs[1], certs[2], certs[4], certs[8]
    root.verify_directly_issued_by(root)  # the manufacturer root is self-signed
    hardware.verify_directly_issued_by(root)
    assert SERVER_0_HSM.removeprefix("hsm-").upper() in hardware.subject.rfc4514_string()
    assert cluster.issuer == customer.subject  # the cluster certificate is the customer's
    # 16: the cluster's key certified by this HSM, up to the manufacturer root, leaf first.
    chain = certs[16]
    assert chain[-2:] == [hardware, root]
    for child, parent in zip(chain, chain[1:]):
        child.verify_directly_issued_by(parent)
    assert chain[0].public_key() == cluster.public_key()

    status, out, _ = doors.aws("cloudhsmv2", "describe-clusters")
    shown = json.loads(out)["Clusters"][0]["Certificates"]
    assert x509.load_pem_x509_certificate(shown["HsmCertificate"].encode()) == chain[1]
    assert (tmp_path / "t4.pem").read_text() == doors_trust_anchor(doors)


def doors_trust_anchor(doors) -> str:
    from hsmshell.services import open_store
    return open_store(doors.path).read().clusters["cluster-1a23b4cdefg"].trust_anchor


def test_each_server_answers_with_its_own_hsm(doors, tmp_path):
    (tmp_path / "0").mkdir()
    (tmp_path / "1").mkdir()
    zero, one = get_certs(doors, tmp_path / "0"), get_certs(doors, tmp_path / "1", server=1)
    assert zero[1] == one[1] and zero[8] == one[8]  # one maker, one cluster
    assert zero[2] != one[2]
    assert zero[16][0].public_key() == one[16][0].public_key()


def test_kmu_get_cert_writes_the_same_certificates(doors, tmp_path):
    cmu = get_certs(doors, tmp_path)
    out = doors.kmu(f"getCert -f {tmp_path}/k2.pem -s 2\ngetCert -f {tmp_path}/k16.pem -s 16\nexit\n")
    assert out.count("Cfm3GetCert() returned 0 :HSM Return: SUCCESS") == 2, out
    assert x509.load_pem_x509_certificates((tmp_path / "k16.pem").read_bytes())[-1] == cmu[1][0]


def test_the_seeded_default_world_s_chain_to_the_manufacturer_root(doors, tmp_path):
    """Golden facts of seed 2019's type-16 chain, leaf first: the cluster's key certified by the
    HSM (an end entity), the HSM's and the hardware certificates (CAs), the manufacturer root
    (a CA, 2015-2045); every BasicConstraints critical; the fingerprints pin the keys and the
    deterministic signatures.  GAP: all our choices (the reference shows no certificate)."""
    def facts(certificate: x509.Certificate) -> tuple:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        return (hex(certificate.serial_number), certificate.not_valid_before_utc.isoformat(),
                certificate.not_valid_after_utc.isoformat(), constraints.value.ca, constraints.critical,
                certificate.fingerprint(hashes.SHA256()).hex()[:16])

    certs = get_certs(doors, tmp_path)
    assert [facts(c) for c in certs[16]] == [
        ("0xfa54fc362a2ca2722d890fa5d85d277ba98f4f", "2017-07-05T20:53:20+00:00", "2027-07-05T20:53:20+00:00",
         False, True, "f260733e0c3c5bbb"),
        ("0x6912a8474f6e35f1707c946799895985f9e22f", "2017-07-05T20:53:20+00:00", "2027-07-05T20:53:20+00:00",
         True, True, "5f40da416d7213ca"),
        ("0xae9f6414267757b4921e7856a9c2faf9bb4c71", "2015-01-01T00:00:00+00:00", "2045-01-01T00:00:00+00:00",
         True, True, "5785aafbdbd215ea"),
        ("0xcdeb2c8b23eb5eb669beb99b9c48d863a2fcf5", "2015-01-01T00:00:00+00:00", "2045-01-01T00:00:00+00:00",
         True, True, "9b968cc85bb3399e"),
    ]
    assert certs[1] == certs[16][-1:]


def test_kmu_get_cert_refuses_a_type_that_is_not_one_of_the_five(doors, tmp_path):
    """GAP: the reference lists types 1, 2, 4, 8 and 16 only; any other number (below, between
    or above them) is refused as invalid input and writes no file."""
    script = "".join(f"getCert -f {tmp_path}/k{t}.pem -s {t}\n" for t in (0, 3, 5, 32))
    out = doors.kmu(script + "exit\n")
    assert out.count("Cfm3GetCert() failed with erro code 178 :HSM Error: RET_INVALID_INPUT") == 4, out
    assert not any((tmp_path / f"k{t}.pem").exists() for t in (0, 3, 5, 32))


def test_a_cluster_not_yet_initialized_has_no_customer_certificates(doors, tmp_path):
    status, out, err = doors.aws("cloudhsmv2", "create-cluster", "--hsm-type", "hsm1.medium",
                                 "--subnet-ids", "subnet-0aa1bb2cc3dd4ee5f")
    cluster = json.loads(out)["Cluster"]["ClusterId"]
    status, out, err = doors.aws("cloudhsmv2", "create-hsm", "--cluster-id", cluster,
                                 "--availability-zone", "us-west-2a")
    assert status == 0, err
    ip = json.loads(out)["Hsm"]["EniIp"]
    config = tmp_path / "cmu.cfg"
    config.write_text(json.dumps({"servers": [{"hostname": ip, "port": 2225, "enable": True}]}))
    out = doors.cmu(f"server 0\ngetCert {tmp_path}/t1.pem 1\ngetCert {tmp_path}/t4.pem 4\n"
                    f"getCert {tmp_path}/t8.pem 8\nexit\nquit\n", str(config))
    assert out.count("getCert Success") == 1 and out.count("getCert failed") == 2, out
    assert (tmp_path / "t1.pem").exists() and not (tmp_path / "t8.pem").exists()
