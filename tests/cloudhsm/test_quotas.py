"""A full cluster, by HSM type (cloudhsm/quotas.py), as each tool refuses it: key_mgmt_util
and cloudhsm_mgmt_util on hsm1.medium (3,300 keys, 250 users), the CloudHSM CLI and KMS on
hsm2m.medium (16,666 keys of which 3,333 asymmetric, 1,024 users).  The worlds are filled with
cheap records, as benchmarks/bench_world.py fills them, not through a shell."""

from __future__ import annotations

import pytest

from hsmshell.world.model import Key, User

from ..conftest import STORE_ID
from ..shells.cli.conftest import Cli

CLUSTER = "cluster-1a23b4cdefg"
KMSUSER_PIN = {"CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": "kmsuser:kmsPswd1"}
ADMIN_PIN = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}
CO = "loginHSM CO admin co12345\n"
CU = "loginHSM -u CU -s kmsuser -p kmsPswd1\n"


def fill(store, *, hsm_type: str, keys: int = 0, asymmetric: int = 0, users: int = 0) -> None:
    """The default cluster as `hsm_type`, holding `keys` keys of which `asymmetric` are RSA
    private keys, and `users` users on each HSM."""
    with store.transaction() as world:
        cluster = world.clusters[CLUSTER]
        cluster.hsm_type = hsm_type
        hsms = [h.hsm_id for h in cluster.hsms]
        held_asymmetric = sum(1 for k in cluster.keys.values() if k.key_class != 4)
        while len(cluster.keys) < keys:
            handle = cluster.next_handle
            cluster.next_handle += 1
            rsa = held_asymmetric < asymmetric
            held_asymmetric += rsa
            cluster.keys[handle] = Key(handle=handle, owner=3, key_class=3 if rsa else 4, key_type=0 if rsa else 31,
                                       size=2048 if rsa else 32, label=f"filler-{handle}", hsms=list(hsms))
        for hsm in cluster.hsms:
            template = hsm.users[-1]
            while len(hsm.users) < users:
                uid = max(u.user_id for u in hsm.users) + 1
                hsm.users.append(User(user_id=uid, user_type="CU", name=f"filler{uid}",
                                      password_hash=template.password_hash))


def key_count(store) -> int:
    return len(store.read().clusters[CLUSTER].keys)


@pytest.fixture
def kmsuser(doors):
    """The runbook's state: key store disconnected, kmsuser's password kmsPswd1."""
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    assert "Changing password for kmsuser(CU) on 3 nodes" in doors.cmu(CO + "changePswd CU kmsuser kmsPswd1\ny\nquit\n")


def test_key_mgmt_util_refuses_the_3301st_key_of_an_hsm1_cluster(doors, store, kmsuser):
    fill(store, hsm_type="hsm1.medium", keys=3299)
    out = doors.kmu(CU + "genSymKey -t 31 -s 32 -l last\nexit\n")
    assert "Cfm3GenerateSymmetricKey returned: 0x00 : HSM Return: SUCCESS" in out
    assert key_count(store) == 3300
    out = doors.kmu(CU + "genSymKey -t 31 -s 32 -l one-too-many\n"
                         "genRSAKeyPair -m 2048 -e 65537 -l pair\nexit\n")
    assert "Cfm3GenerateSymmetricKey returned: 0xb7 : HSM Error: Maximum number of key objects reached" in out
    assert "Cfm3GenerateKeyPair returned: 0xb7 : HSM Error: Maximum number of key objects reached" in out
    assert "Node id 0 and err state 0x000000b7 : HSM Error: Maximum number of key objects reached" in out
    assert key_count(store) == 3300


def test_the_cloudhsm_cli_refuses_the_16667th_key_of_an_hsm2m_cluster(store, kmsuser):
    fill(store, hsm_type="hsm2m.medium", keys=16665)
    cli = Cli(store)
    made = cli("key", "generate-symmetric", "aes", "--label", "last", "--key-length-bytes", "32", env=KMSUSER_PIN)
    assert made.json["error_code"] == 0
    refused = cli("key", "generate-symmetric", "aes", "--label", "more", "--key-length-bytes", "32", env=KMSUSER_PIN)
    assert refused.json == {"error_code": 1, "data": "The cluster has reached its maximum number of keys"}
    assert key_count(store) == 16666


def test_an_hsm2m_cluster_holds_3333_asymmetric_keys(store, kmsuser):
    """A key pair is two asymmetric keys; secret keys still fit once the asymmetric ones are full."""
    fill(store, hsm_type="hsm2m.medium", keys=3400, asymmetric=3332)
    cli = Cli(store)
    pair = ("key", "generate-asymmetric-pair", "rsa", "--public-label", "pub", "--private-label", "priv",
            "--modulus-size-bits", "2048", "--public-exponent", "65537")
    assert cli(*pair, env=KMSUSER_PIN).json == {
        "error_code": 1, "data": "The cluster has reached its maximum number of asymmetric keys"}  # 3,334
    with store.transaction() as world:
        world.clusters[CLUSTER].keys.pop(max(world.clusters[CLUSTER].keys))  # a secret filler
        world.clusters[CLUSTER].keys.pop(next(h for h, k in world.clusters[CLUSTER].keys.items() if k.key_class == 3))
    assert cli(*pair, env=KMSUSER_PIN).json["error_code"] == 0  # 3,333 exactly
    assert cli("key", "generate-symmetric", "aes", "--label", "aes", "--key-length-bytes", "32",
               env=KMSUSER_PIN).json["error_code"] == 0
    keys = store.read().clusters[CLUSTER].keys.values()
    assert sum(1 for k in keys if k.key_class != 4) == 3333


def test_kms_cannot_make_a_backing_key_in_a_full_cluster(api, store):
    fill(store, hsm_type="hsm2m.medium", keys=16666)
    keys_before = len(store.read().kms_keys)
    error = api.error("kms", "CreateKey", Origin="AWS_CLOUDHSM", CustomKeyStoreId=STORE_ID)
    assert (error.code, error.message) == (
        "LimitExceededException", f"The AWS CloudHSM cluster {CLUSTER} holds the maximum number of keys for its HSM "
        "type (hsm2m.medium: 16666).")
    assert len(store.read().kms_keys) == keys_before and key_count(store) == 16666


@pytest.fixture
def api(store):
    from ..aws.botocore_check import Api

    return Api(store)


def test_cloudhsm_mgmt_util_refuses_the_251st_user_of_an_hsm1_cluster(doors, store):
    fill(store, hsm_type="hsm1.medium", users=249)
    out = doors.cmu(CO + "createUser CU bob bobPassword1\ny\ncreateUser CU carol carolPassword1\ny\na\nquit\n")
    assert "createUser failed: RET_MAX_USERS_REACHED" in out
    assert [len(h.users) for h in store.read().clusters[CLUSTER].hsms] == [250, 250, 250]


def test_the_cloudhsm_cli_refuses_the_1025th_user_of_an_hsm2m_cluster(store):
    fill(store, hsm_type="hsm2m.medium", users=1023)
    cli = Cli(store)
    create = ("user", "create", "--role", "crypto-user", "--password", "Passw0rd1", "--username")
    assert cli(*create, "bob", env=ADMIN_PIN).json["error_code"] == 0
    assert cli(*create, "carol", env=ADMIN_PIN).json == {
        "error_code": 1, "data": "The cluster has reached its maximum number of users"}
    assert [len(h.users) for h in store.read().clusters[CLUSTER].hsms] == [1024, 1024, 1024]


def test_sync_user_into_a_full_hsm_is_refused(doors, store):
    """syncUser copies a user to an HSM that lacks it: a full HSM refuses it (server 1 is the
    cluster's second HSM, as the client's configuration lists them)."""
    fill(store, hsm_type="hsm1.medium", users=250)
    with store.transaction() as world:
        first = world.clusters[CLUSTER].hsms[0]
        first.users.pop()
        first.users.append(User(user_id=900, user_type="CU", name="bob", password_hash=first.users[-1].password_hash))
    out = doors.cmu(CO + "server 0\nsyncUser 900 1\nexit\nquit\n")
    assert "InsertMaskedObject: 0xb9 !\nsyncUser failed" in out
    assert "bob" not in [u.name for u in store.read().clusters[CLUSTER].hsms[1].users]


def test_sync_key_into_a_full_related_cluster_is_refused(doors, store, api):
    restored = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"],
                                            SourceBackupId="backup-9g87f6edcba")["Cluster"]["ClusterId"]
    ip = api.cloudhsmv2.CreateHsm(ClusterId=restored, AvailabilityZone="us-west-2a")["Hsm"]["EniIp"]
    with store.transaction() as world:
        cluster = world.clusters[restored]
        hsm = cluster.hsms[0].hsm_id
        handle = 300000
        while len(cluster.keys) < 3300:
            cluster.keys[handle] = Key(handle=handle, owner=3, key_class=4, key_type=31, size=32, hsms=[hsm])
            handle += 1
        world.client.cmu_servers.append(ip)  # server 3
        held = len(cluster.keys)
        source = world.clusters[CLUSTER]  # a key made after the backup
        source.keys[400000] = Key(handle=400000, owner=3, key_class=4, key_type=31, size=32, label="new",
                                  hsms=[h.hsm_id for h in source.hsms])
    out = doors.cmu(CO + "server 0\nsyncKey 400000 3\nexit\nquit\n")
    assert "syncKey failed: RET_MAX_OBJECTS_REACHED" in out
    assert len(store.read().clusters[restored].keys) == held == 3300


def test_key_replicate_into_a_full_related_cluster_is_refused(store, api, kmsuser):
    restored = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=["subnet-0aa1bb2cc3dd4ee5f"],
                                            SourceBackupId="backup-9g87f6edcba")["Cluster"]["ClusterId"]
    api.cloudhsmv2.CreateHsm(ClusterId=restored, AvailabilityZone="us-west-2a")
    with store.transaction() as world:
        cluster = world.clusters[restored]
        handle = 300000
        while len(cluster.keys) < 3300:
            cluster.keys[handle] = Key(handle=handle, owner=3, key_class=4, key_type=31, size=32,
                                       hsms=[cluster.hsms[0].hsm_id])
            handle += 1
        source = world.clusters[CLUSTER]
        source.keys[400000] = Key(handle=400000, owner=3, key_class=4, key_type=31, size=32, label="new",
                                  hsms=[h.hsm_id for h in source.hsms])
    replicated = Cli(store)("key", "replicate", "--filter", "attr.label=new", "--source-cluster-id", CLUSTER,
                            "--destination-cluster-id", restored, env=KMSUSER_PIN)
    assert replicated.json == {"error_code": 1, "data": "The cluster has reached its maximum number of keys"}
    assert 400000 not in store.read().clusters[restored].keys


def test_a_user_limit_is_that_of_the_hsm_s_own_cluster(doors, store):
    """An hsm2m.medium cluster beside the default hsm1.medium one takes a 251st user."""
    from ..shells.cli.test_cluster import new_initialized_cluster
    from ..shells.cli.test_configure import configure_cli

    cluster_id = new_initialized_cluster(doors, store)
    assert configure_cli(store, "--cluster-id", cluster_id) == (0, "")
    cli = Cli(store)
    assert "Cluster activation successful" in cli.session("cluster activate\nNewAdm1n\nNewAdm1n\nquit\n")
    with store.transaction() as world:
        for hsm in world.clusters[cluster_id].hsms:
            template = hsm.users[-1]
            while len(hsm.users) < 250:
                hsm.users.append(User(user_id=max(u.user_id for u in hsm.users) + 1, user_type="CU",
                                      name=f"filler{len(hsm.users)}", password_hash=template.password_hash))
    created = cli("user", "create", "--username", "one_more", "--role", "crypto-user", "--password", "password1",
                  env={"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:NewAdm1n"})
    assert created.json["error_code"] == 0, created.output


def test_key_pairs_well_under_the_limits_are_made_in_either_kind_of_cluster(doors, store, kmsuser):
    """hsm1.medium counts no asymmetric keys apart; hsm2m.medium counts them, here far from 3,333."""
    out = doors.kmu(CU + "genRSAKeyPair -m 2048 -e 65537 -l pair\nexit\n")
    assert "Cfm3GenerateKeyPair returned: 0x00 : HSM Return: SUCCESS" in out, out
    fill(store, hsm_type="hsm2m.medium")
    assert Cli(store)("key", "generate-asymmetric-pair", "rsa", "--public-label", "pub", "--private-label", "priv",
                      "--modulus-size-bits", "2048", "--public-exponent", "65537", env=KMSUSER_PIN).json["error_code"] == 0


def test_an_hsm_holding_more_users_than_its_limit_takes_none(doors, store):
    """A hand-written hsm1.medium world with 251 users on each HSM."""
    fill(store, hsm_type="hsm1.medium", users=251)
    out = doors.cmu(CO + "createUser CU bob bobPassword1\ny\na\nquit\n")
    assert "createUser failed: RET_MAX_USERS_REACHED" in out
    assert [len(h.users) for h in store.read().clusters[CLUSTER].hsms] == [251, 251, 251]
