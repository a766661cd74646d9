"""User management in CloudHSM CLI form, and the same users seen by cloudhsm_mgmt_util."""

from __future__ import annotations

from .conftest import disconnect

KMSUSER = ("--username", "kmsuser", "--role", "crypto-user")


def test_create_kmsuser_style_crypto_user_and_list_it(cli):
    ran = cli.as_admin("user", "create", "--username", "alice", "--role", "crypto-user", "--password", "alicePw1")
    assert ran.json == {"error_code": 0, "data": {"username": "alice", "role": "crypto-user"}}
    users = cli("user", "list").json["data"]["users"]
    assert [u["username"] for u in users] == ["admin", "kmsuser", "alice", "app_user"]
    assert users[2] == {"username": "alice", "role": "crypto-user", "locked": "false", "mfa": [], "quorum": [],
                        "cluster-coverage": "full"}
    again = cli.as_admin("user", "create", "--username", "ALICE", "--role", "crypto-user", "--password", "alicePw1")
    assert again.json == {"error_code": 1, "data": "User already exists"}


def test_user_created_by_the_cli_logs_in_with_cloudhsm_mgmt_util(cli, doors):
    cli.as_admin("user", "create", "--username", "officer1", "--role", "admin", "--password", "officer1Pw")
    out = doors.cmu("loginHSM CO officer1 officer1Pw\nlistUsers\nquit\n")
    assert "loginHSM success on server 0(10.0.2.9)" in out
    assert "loginHSM success on server 2(10.0.1.12)" in out
    assert "CO              officer1" in out


def test_user_created_by_cloudhsm_mgmt_util_is_listed_and_logs_in(cli, doors):
    doors.cmu("loginHSM CO admin co12345\ncreateUser CU bob bobPass1\ny\nquit\n")
    assert {"username": "bob", "role": "crypto-user", "locked": "false", "mfa": [], "quorum": [],
            "cluster-coverage": "full"} in cli("user", "list").json["data"]["users"]
    assert cli.as_user("bob", "bobPass1", "logout").json == {"error_code": 0, "data": "Logout successful"}


def test_a_user_on_some_hsms_only_reads_inconsistent_until_create_is_run_again(cli, store):
    with store.transaction() as world:
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[1]
        hsm.users = [u for u in hsm.users if u.name != "kmsuser"]
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "kmsuser")
    assert entry["cluster-coverage"] == "inconsistent"
    assert cli.as_admin("user", "create", *KMSUSER, "--password", "kmsPswd1").json["error_code"] == 0
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "kmsuser")
    assert entry["cluster-coverage"] == "full"


def test_kmsuser_password_change_is_refused_while_kms_holds_kmsuser(cli, store):
    refused = cli.as_admin("user", "change-password", *KMSUSER, "--password", "kmsPswd1")
    assert refused.json == {"error_code": 1, "data": "Cannot perform this operation on a user who is currently "
                                                     "logged in to the cluster"}
    assert cli.as_user("kmsuser", "kmsPswd1", "logout").json["error_code"] == 1
    disconnect(store)
    changed = cli.as_admin("user", "change-password", *KMSUSER, input="kmsPswd1\nkmsPswd1\n")
    assert changed.output == ('Enter password:Confirm password:{\n  "error_code": 0,\n  "data": {\n'
                              '    "username": "kmsuser",\n    "role": "crypto-user"\n  }\n}\n')
    assert cli.as_user("kmsuser", "kmsPswd1", "logout").json["error_code"] == 0


def test_mismatched_confirmation_changes_nothing(cli):
    ran = cli.as_admin("user", "create", "--username", "carol", "--role", "crypto-user", input="carolPw1\ncarolPw2\n")
    assert ran.json == {"error_code": 1, "data": "Passwords do not match"}
    assert "carol" not in [u["username"] for u in cli("user", "list").json["data"]["users"]]


def test_five_failed_logins_lock_the_user_and_an_admin_unlocks_it(cli, store):
    disconnect(store)
    cli.as_admin("user", "change-password", *KMSUSER, "--password", "kmsPswd1")
    for _ in range(5):
        assert cli.as_user("kmsuser", "wrong-pw", "logout").json["error_code"] == 1
    locked = cli.as_user("kmsuser", "kmsPswd1", "logout")
    assert locked.json == {"error_code": 1,
                           "data": "Unable to log in: the user is locked out. An admin must reset the password"}
    entry = next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == "kmsuser")
    assert entry["locked"] == "true"
    cli.as_admin("user", "change-password", *KMSUSER, "--password", "kmsPswd2")
    assert cli.as_user("kmsuser", "kmsPswd2", "logout").json["error_code"] == 0


def test_delete_user_rules(cli, store):
    cli.as_admin("user", "create", "--username", "dave", "--role", "crypto-user", "--password", "davePass1")
    wrong_role = cli.as_admin("user", "delete", "--username", "dave", "--role", "admin")
    assert wrong_role.json == {"error_code": 1, "data": "Specified user does not exist"}
    owner = cli.as_admin("user", "delete", *KMSUSER)
    assert owner.json["error_code"] == 1  # KMS holds kmsuser, and kmsuser owns keys
    deleted = cli.as_admin("user", "delete", "--username", "dave", "--role", "crypto-user")
    assert deleted.json == {"error_code": 0, "data": {"username": "dave", "role": "crypto-user"}}
    disconnect(store)
    assert cli.as_admin("user", "delete", *KMSUSER).json == {"error_code": 1,
                                                             "data": "Cannot delete a user who owns keys"}


def test_crypto_user_cannot_manage_users(cli, store):
    disconnect(store)
    cli.as_admin("user", "change-password", *KMSUSER, "--password", "kmsPswd1")
    ran = cli.as_user("kmsuser", "kmsPswd1", "user", "create", "--username", "eve", "--role", "crypto-user",
                      "--password", "evePass1")
    assert ran.json == {"error_code": 1, "data": "The logged in user does not have permission to run this command"}
    own = cli.as_user("kmsuser", "kmsPswd1", "user", "change-password", *KMSUSER, "--password", "kmsPswd3")
    assert own.json["error_code"] == 0


def test_bad_username_and_password_are_refused_before_the_hsm(cli):
    bad = cli.as_admin("user", "create", "--username", "no-dashes", "--role", "crypto-user", "--password", "okPass12")
    assert bad.json["error_code"] == 1 and "underscore" in bad.json["data"]
    short = cli.as_admin("user", "create", "--username", "frank", "--role", "crypto-user", "--password", "short")
    assert short.json == {"error_code": 1, "data": "Password must be 7-32 characters"}


def test_kmsusers_password_cannot_change_while_its_key_store_is_connected(cli, store):
    """KMS's kmsuser session blocks `user change-password` as it blocks CMU's changePswd (the
    rule of cloudhsm/users.change_password, RET_USER_IN_SESSION), in the CLI's words."""
    change = ("user", "change-password", "--username", "kmsuser", "--role", "crypto-user", "--password", "kmsPswd9")
    refused = cli.as_admin(*change)
    assert (refused.status, refused.json) == (1, {
        "error_code": 1, "data": "Cannot perform this operation on a user who is currently logged in to the cluster"})
    disconnect(store)
    assert cli.as_admin(*change).json["error_code"] == 0


# -- one entry per user across the HSMs (cloudhsm/cluster_users.py) --------------------------------

CLUSTER = "cluster-1a23b4cdefg"


def listed(cli, name: str) -> dict:
    return next(u for u in cli("user", "list").json["data"]["users"] if u["username"] == name)


def test_a_user_locked_on_a_later_hsm_only_reads_inconsistent(cli, store):
    """kmsuser unlocked on the first HSM, locked on the third: `locked` is "inconsistent", not
    the first HSM's "false" ("true" sorts after it)."""
    with store.transaction() as world:
        next(u for u in world.clusters[CLUSTER].hsms[2].users if u.name == "kmsuser").locked = True
    assert listed(cli, "kmsuser")["locked"] == "inconsistent"


def test_a_user_on_one_hsm_only_is_listed_with_its_own_role_and_lock(cli, store):
    """A create that reached only the first HSM: its one answer is the user's role and lock;
    only the coverage says what is missing."""
    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms[1:]:
            hsm.users = [u for u in hsm.users if u.name != "kmsuser"]
    assert listed(cli, "kmsuser") == {"username": "kmsuser", "role": "crypto-user", "locked": "false", "mfa": [],
                                      "quorum": [], "cluster-coverage": "inconsistent"}


def test_replicating_a_user_no_hsm_has_is_refused(cli):
    """`user replicate` of bob, whom no HSM has (kmsuser, consistent and a crypto user, sorts
    after him): the user does not exist.  The source is looked at first, so the destination
    may be any cluster, the source itself too."""
    ran = cli.as_admin("user", "replicate", "--username", "bob", "--role", "crypto-user",
                       "--source-cluster-id", CLUSTER, "--destination-cluster-id", CLUSTER)
    assert ran.json == {"error_code": 1, "data": "Specified user does not exist"}
