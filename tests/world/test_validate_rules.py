"""Each rule of hsmshell/world/validate.py, broken by a change the store refuses to write (with
the path and the words of the rule), and kept by its nearest neighbours, which it writes.
Found untested by benchmarks/mutation.py: a rule no world ever broke could be lost unseen."""

from __future__ import annotations

import re

import pytest

from hsmshell.world.clock import now
from hsmshell.world.model import SECONDS_LIMIT, CliCluster, CliConfig, Due, Grant, TrustAnchor, User
from hsmshell.world.store import WorldError

CLUSTER = "cluster-1a23b4cdefg"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"


def cluster(world):
    return world.clusters[CLUSTER]


def backup(world):
    return next(iter(world.backups.values()))

def secret_key(key_type: int, size: int, key_class: int = 4):
    """The cluster's first key made a secret key (or of another class) of that type and length."""
    def change(world):
        key = next(iter(cluster(world).keys.values()))
        key.key_class, key.key_type, key.size = key_class, key_type, size
    return change


def second_key(key_type: int, size: int, *, first_size: int):
    """The cluster's second key made a secret key of that type and length, its first one of a
    type of no known length and `first_size` bytes."""
    def change(world):
        first, second = list(cluster(world).keys.values())[:2]
        first.key_type, first.size = 99, first_size
        second.key_type, second.size = key_type, size
    return change

def second_m_value(m_value: int, *, first: int):
    """The cluster's second key given that m_value, its first one `first`."""
    def change(world):
        keys = list(cluster(world).keys.values())[:2]
        keys[0].m_value, keys[1].m_value = first, m_value
    return change


def kms_key(world):
    return world.kms_keys[KEY]


def cli(*entries: CliCluster):
    def change(world):
        world.client.cli = CliConfig(clusters=list(entries))
    return change


def setting(get, name: str, value):
    def change(world):
        setattr(get(world), name, value)
    return change


def anchors(n: int):
    def change(world):
        cluster(world).mtls_trust_anchors = {f"0x0{i}": TrustAnchor(f"0x0{i}", "pem") for i in range(1, n + 1)}
    return change


def standard_key(**changes):
    def change(world):
        key = kms_key(world)
        key.origin = "AWS_KMS"
        for name, value in {"custom_key_store_id": "", "materials": [{"created": 0}], **changes}.items():
            setattr(key, name, value)
    return change


def rotation(kind: str):
    def change(world):
        kms_key(world).rotations = [{"rotation_date": 0.0, "rotation_type": kind}]
    return change


def grant(key_id: str):
    def change(world):
        world.grants["g" * 64] = Grant(grant_id="g" * 64, key_id=key_id, grantee_principal="arn:aws:iam::111122223333:root",
                                       operations=["Encrypt"], creation_date=0.0, grant_token="t")
    return change


def fault(**fields):
    def change(world):
        world.faults.append(fields)
    return change


def due(kind: str, **args):
    def change(world):  # due tomorrow: a transaction settles what is due before it is written
        world.due.append(Due(at=now(world) + 86400, kind=kind, args=args))
    return change


def clock_at(seconds: float):
    def change(world):
        world.clock.frozen_at = seconds
    return change


def frozen_clock_at_offset(offset: float):
    def change(world):
        world.clock.offset = offset
    return change


def duplicate_hsm(world):
    hsms = cluster(world).hsms
    hsms[1].hsm_id = hsms[0].hsm_id


def key_on_unknown_hsm(world):
    next(iter(cluster(world).keys.values())).hsms.append("hsm-gone00000")


def users_of_every_type_and(other: str):
    def change(world):
        users = cluster(world).hsms[0].users  # CO, AU and CU already
        for i, user_type in enumerate(("PRECO", "PCO", other)):
            users.append(User(user_id=10 + i, user_type=user_type, name=f"user{i}", password_hash=users[0].password_hash))
    return change


BROKEN = {
    "sdk3 version": (setting(lambda w: w.client, "sdk3_version", "3.4"), "client.sdk3_version",
                     "'3.4' is neither documented nor a release number such as 3.4.4"),
    "sdk3 version with more": (setting(lambda w: w.client, "sdk3_version", "3.4.4-beta"), "client.sdk3_version",
                               "'3.4.4-beta' is neither documented nor a release number"),
    "sdk3 version a word": (setting(lambda w: w.client, "sdk3_version", "latest"), "client.sdk3_version",
                            "'latest' is neither documented nor a release number"),
    "generation": (setting(lambda w: w, "generation", "sdk5"), "generation",
                   "'sdk5' is not a generation (sdk3, current)"),
    "aws cli": (setting(lambda w: w.client, "aws_cli", 3), "client.aws_cli",
                "3 is not an AWS CLI major version (1 or 2)"),
    "cli cluster twice": (cli(CliCluster(CLUSTER, ["10.0.2.9"]), CliCluster(CLUSTER, ["10.0.3.11"])),
                          "client.cli.clusters[1].cluster_id", f"cluster '{CLUSTER}' is configured twice"),
    "cli cluster of nothing": (cli(CliCluster("", [])), "client.cli.clusters[0]",
                               "a configured cluster needs a cluster_id or an HSM address"),
    "cli address": (cli(CliCluster(CLUSTER, ["10.0.2.256"])), "client.cli.clusters[0].hsm_addresses[0]",
                    "'10.0.2.256' is not an IPv4 address"),
    "cli address of three parts": (cli(CliCluster(CLUSTER, ["10.0.2"])), "client.cli.clusters[0].hsm_addresses[0]",
                                   "'10.0.2' is not an IPv4 address"),
    "cli address with a leading zero": (cli(CliCluster(CLUSTER, ["10.0.02.9"])),
                                        "client.cli.clusters[0].hsm_addresses[0]", "'10.0.02.9' is not an IPv4 address"),
    "cli address of two zeros": (cli(CliCluster(CLUSTER, ["10.0.00.9"])), "client.cli.clusters[0].hsm_addresses[0]",
                                 "'10.0.00.9' is not an IPv4 address"),
    "cli address above 255": (cli(CliCluster(CLUSTER, ["10.0.2.300"])), "client.cli.clusters[0].hsm_addresses[0]",
                              "'10.0.2.300' is not an IPv4 address"),
    "a user type beside all five": (users_of_every_type_and("XX"), "clusters[0].hsms[0].users[5].user_type",
                                    "'XX' is not one of AU, CO, CU, PCO, PRECO"),
    "cli address of five parts": (cli(CliCluster(CLUSTER, ["10.0.2.9.1"])), "client.cli.clusters[0].hsm_addresses[0]",
                                  "'10.0.2.9.1' is not an IPv4 address"),
    "cli address not a number": (cli(CliCluster(CLUSTER, ["10.0.a.9"])), "client.cli.clusters[0].hsm_addresses[0]",
                                 "'10.0.a.9' is not an IPv4 address"),
    "cluster state": (setting(cluster, "state", "RUNNING"), "clusters[0].state", "'RUNNING' is not one of ACTIVE"),
    "hsm type": (setting(cluster, "hsm_type", "hsm3.large"), "clusters[0].hsm_type",
                 "'hsm3.large' is not one of hsm1.medium, hsm2m.medium"),
    "mode": (setting(cluster, "mode", "LAX"), "clusters[0].mode", "'LAX' is not one of FIPS, NON_FIPS"),
    "non-FIPS hsm1": (setting(cluster, "mode", "NON_FIPS"), "clusters[0].mode",
                      "an hsm1.medium cluster runs in FIPS mode only"),
    "hsm state": (lambda w: setattr(cluster(w).hsms[0], "state", "ON"), "clusters[0].hsms[0].state",
                  "'ON' is not one of ACTIVE"),
    "hsm twice": (duplicate_hsm, "clusters[0].hsms[1].hsm_id", "duplicate HSM 'hsm-udw0tkfg1ab'"),
    "mtls enforcement": (setting(cluster, "mtls_enforcement", "strict"), "clusters[0].mtls_enforcement",
                         "'strict' is not one of cluster, none"),
    "three trust anchors": (anchors(3), "clusters[0].mtls_trust_anchors", "at most 2 trust anchors can be registered"),
    "a key on an HSM not in the cluster": (key_on_unknown_hsm, "clusters[0].keys[0].hsms",
                                           "no HSM 'hsm-gone00000' in this cluster"),
    "a key of class 5": (lambda w: setattr(next(iter(cluster(w).keys.values())), "key_class", 5),
                         "clusters[0].keys[0].key_class", "5 is not an object class (2 public, 3 private, 4 secret"),
    "a key of class -1": (lambda w: setattr(next(iter(cluster(w).keys.values())), "key_class", -1),
                          "clusters[0].keys[0].key_class", "-1 is not an object class"),
    "an AES key of 20 bytes": (secret_key(31, 20), "clusters[0].keys[0].size",
                               "20 is not a length a secret key of type 31 can have (16, 24 or 32 bytes)"),
    "a 3DES key of 16 bytes": (secret_key(21, 16), "clusters[0].keys[0].size",
                               "16 is not a length a secret key of type 21 can have (24 bytes)"),
    "a key of size -1": (secret_key(99, -1), "clusters[0].keys[0].size", "-1 is not a length (0 or more)"),
    # Only the negative one is refused: a key of no bytes and one of 32 before it are lengths.
    **{f"a key of size -1 after one of {size}": (second_key(99, -1, first_size=size), "clusters[0].keys[1].size",
                                                 "-1 is not a length (0 or more)") for size in (0, 32)},
    "a key of m_value -1": (lambda w: setattr(next(iter(cluster(w).keys.values())), "m_value", -1),
                            "clusters[0].keys[0].m_value", "-1 is not a count of approvals (0 or more)"),
    # Only the negative one is refused: no approvals and two before it are counts.
    **{f"a key of m_value -1 after one of {m}": (second_m_value(-1, first=m), "clusters[0].keys[1].m_value",
                                                 "-1 is not a count of approvals (0 or more)") for m in (0, 2)},
    "a generic secret of no bytes": (secret_key(16, 0), "clusters[0].keys[0].size",
                                     "0 is not a length a secret key of type 16 can have (1 to 3583 bytes)"),
    "a generic secret of 3584 bytes": (secret_key(16, 3584), "clusters[0].keys[0].size",
                                       "3584 is not a length a secret key of type 16 can have (1 to 3583 bytes)"),
    "backup state": (setting(backup, "state", "LOST"), "backups[0].state", "'LOST' is not one of CREATE_IN_PROGRESS"),
    "backup hsm type": (setting(backup, "hsm_type", "hsm3.large"), "backups[0].hsm_type",
                        "'hsm3.large' is not one of hsm1.medium, hsm2m.medium"),
    "backup mode": (setting(backup, "mode", "LAX"), "backups[0].mode", "'LAX' is not one of FIPS, NON_FIPS"),
    "key origin": (setting(kms_key, "origin", "EXTERNAL"), "kms_keys[0].origin",
                   "'EXTERNAL' is not one of AWS_CLOUDHSM, AWS_KMS"),
    "standard key in a store": (standard_key(custom_key_store_id="cks-1234567890abcdef0"),
                                "kms_keys[0].custom_key_store_id", "a key with origin AWS_KMS is in no key store"),
    "standard key without material": (standard_key(materials=[]), "kms_keys[0].materials",
                                      "a key with origin AWS_KMS needs its key material"),
    "key store key without its store": (setting(kms_key, "custom_key_store_id", "cks-0000000000000000f"),
                                        "kms_keys[0].custom_key_store_id", "no custom key store 'cks-0000000000000000f'"),
    "rotation type": (rotation("MONTHLY"), "kms_keys[0].rotations[0].rotation_type",
                      "'MONTHLY' is not one of AUTOMATIC, ON_DEMAND"),
    "grant on no key": (grant("00000000-0000-0000-0000-000000000000"), "grants[0].key_id",
                        "no KMS key '00000000-0000-0000-0000-000000000000'"),
    "clock before 1970": (clock_at(-1.0), "clock.frozen_at", "the clock would show a time before 1970 or after the year 3000"),
    "clock after 3000": (clock_at(SECONDS_LIMIT + 1), "clock.frozen_at", "the clock would show a time before 1970"),
    "clock offset before 1970": (frozen_clock_at_offset(-4e10), "clock.offset", "the clock would show a time before 1970"),
    "fault kind": (fault(kind="meteor"), "faults[0].kind", "'meteor' is not one of connect_error, subnet_deleted"),
    "fault without what it needs": (fault(kind="subnet_full"), "faults[0]", "a subnet_full fault needs subnet_id"),
    "fault with more": (fault(kind="subnet_full", subnet_id="subnet-0e358c43a2b4f8c1d", times=2),
                        "faults[0].times", "a subnet_full fault takes no times"),
    "fault with two more": (fault(kind="subnet_full", subnet_id="subnet-0e358c43a2b4f8c1d", until=0.0, times=2),
                            "faults[0].times", "a subnet_full fault takes no times, until"),
    "fault code": (fault(kind="connect_error", code="BAD_LUCK"), "faults[0].code",
                   "'BAD_LUCK' is not one of CLUSTER_NOT_FOUND"),
    "fault times": (fault(kind="connect_error", code="NETWORK_ERRORS", times=0), "faults[0].times",
                    "the attempts a fault fails must be 1 or more"),
    "due kind": (due("kms.nothing", key_id=KEY), "due[0].kind", "'kms.nothing' is not one of"),
    "due args": (due("kms.delete_key", store_id="cks-1234567890abcdef0"), "due[0].args",
                 "a kms.delete_key transition takes key_id, not store_id"),
    "due with more args": (due("kms.delete_key", key_id=KEY, store_id="cks-1234567890abcdef0"), "due[0].args",
                           "a kms.delete_key transition takes key_id, not key_id, store_id"),
    "due without args": (due("kms.delete_key"), "due[0].args", "a kms.delete_key transition takes key_id, not nothing"),
}


@pytest.mark.parametrize("change, where, problem", list(BROKEN.values()), ids=list(BROKEN))
def test_a_change_that_breaks_a_rule_is_refused_naming_it(store, world_path, change, where, problem):
    before = world_path.read_bytes()
    with pytest.raises(WorldError, match=re.escape(f"the change would break the world: {where}: {problem}")):
        with store.transaction() as world:
            change(world)
    assert world_path.read_bytes() == before


def hsm2m_non_fips(world):
    cluster(world).hsm_type, cluster(world).mode = "hsm2m.medium", "NON_FIPS"


KEPT = {
    "a release number": setting(lambda w: w.client, "sdk3_version", "3.10.200"),
    "each AWS CLI": setting(lambda w: w.client, "aws_cli", 2),
    "clusters by address only": cli(CliCluster("", ["10.0.2.9"]), CliCluster("", ["255.255.255.0"])),
    "two clusters": cli(CliCluster(CLUSTER, ["10.0.2.9"]), CliCluster("cluster-2b34c5defgh", [])),
    "FIPS": setting(cluster, "mode", "FIPS"),
    "non-FIPS hsm2m": hsm2m_non_fips,
    "two trust anchors": anchors(2),
    "a backup's mode": setting(backup, "mode", "NON_FIPS"),
    "a standard key": standard_key(),
    **{f"a secret key of type {t} and {n} bytes": secret_key(t, n)
       for t, n in ((31, 16), (31, 24), (21, 24), (16, 1), (16, 3583))},  # the first key is AES of 32 already
    "a private key of the AES type and an odd size": secret_key(31, 20, key_class=3),
    "a secret key of a type of no known length and no bytes": secret_key(99, 0),
    "an RSA private key of any size": secret_key(0, 20, key_class=3),
    "objects of PKCS #11's data and certificate classes": lambda w: [
        setattr(k, "key_class", c) for k, c in zip(cluster(w).keys.values(), (0, 1))],
    "rotations of each type": lambda w: kms_key(w).rotations.extend(
        [{"rotation_date": 0.0, "rotation_type": "AUTOMATIC"}, {"rotation_date": 1.0, "rotation_type": "ON_DEMAND"}]),
    "a grant": grant(KEY),
    "the clock at 1970": clock_at(0.0),
    "the clock at 3000": clock_at(SECONDS_LIMIT),
    "a fault for one attempt": fault(kind="connect_error", code="NETWORK_ERRORS", times=1,
                                     custom_key_store_id="cks-1234567890abcdef0"),
    "a fault for two attempts": fault(kind="connect_error", code="NETWORK_ERRORS", times=2),
    "a fault for every attempt": fault(kind="connect_error", code="NETWORK_ERRORS"),
    "a due deletion": due("kms.delete_key", key_id=KEY),
}


@pytest.mark.parametrize("change", list(KEPT.values()), ids=list(KEPT))
def test_a_change_that_keeps_the_rules_is_written(store, change):
    before = store.read().revision
    with store.transaction() as world:
        change(world)
    assert store.read().revision == before + 1
