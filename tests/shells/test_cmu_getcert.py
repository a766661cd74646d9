"""cloudhsm_mgmt_util getCert in server mode: every certificate type, written as PEM for the
server's HSM, and the chains between them (key_mgmt_util's getCert reads the same ones)."""

from __future__ import annotations

import json

from cryptography import x509

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
