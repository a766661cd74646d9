"""The rules cloudhsm_mgmt_util enforces, through its own door: who may create, delete and
change users, and who may share and change keys."""

from __future__ import annotations

import pytest

from ..conftest import STORE_ID, lines
from .conftest import chunk

ADMIN = "loginHSM CO admin co12345\n"
CREATE_ALICE = "createUser CU alice password1\ny\n"


def after(out: str, command: str) -> list[str]:
    return lines(chunk(out, "aws-cloudhsm>", command))[1:]


def test_a_crypto_user_cannot_create_users_and_is_asked_what_to_do(doors):
    doors.cmu(ADMIN + CREATE_ALICE + "quit\n")
    out = doors.cmu("loginHSM CU alice password1\ncreateUser CU bob password1\ny\nI\nR\nA\nquit\n")
    denied = "createUser failed: RET_PERMISSION_DENIED"
    assert after(out, "createUser")[-10:] == [  # I moves on, R asks again, A stops
        "Creating User bob(CU) on 3 nodes",
        denied, "creating user on server 0(10.0.2.9) failed", "Retry/Ignore/Abort?(R/I/A):I",
        denied, "creating user on server 1(10.0.3.11) failed", "Retry/Ignore/Abort?(R/I/A):R",
        denied, "creating user on server 1(10.0.3.11) failed", "Retry/Ignore/Abort?(R/I/A):A"]
    assert "server 2(10.0.1.12) failed" not in out


def test_user_ids_are_not_reused_after_a_deletion(doors):
    out = doors.cmu(ADMIN + CREATE_ALICE + "deleteUser CU alice\n" + CREATE_ALICE + "listUsers\nquit\n")
    rows = [l.split() for l in after(out, "listUsers") if l.split()[:1] == ["5"]]
    assert [r[:3] for r in rows] == [["5", "CU", "alice"]] * 3


def test_duplicate_names_bad_names_and_bad_passwords_are_refused(doors):
    out = doors.cmu(ADMIN + "createUser CU KMSUSER password1\ny\nA\ncreateUser CU bad-name password1\n"
                    "createUser CU " + "n" * 32 + " password1\ncreateUser CU bob pass word\n"
                    "createUser CU bob short\ncreateUser XX bob password1\nquit\n")
    assert "createUser failed: RET_USER_ALREADY_EXISTS" in out  # names are not case-sensitive
    assert "Error: User name contains invalid characters" in out
    assert "Error: User name length should be less than 32" in out
    assert "Error: Invalid number of arguments." in out  # `pass word` is two arguments
    assert "Error: Password length should be between 7 and 32" in out
    assert "Error: Invalid user type XX." in out


def test_a_logged_in_user_or_a_crypto_user_owning_keys_cannot_be_deleted(doors):
    # kmsuser owns the key store's keys, and KMS is logged in as kmsuser.
    out = doors.cmu(ADMIN + "deleteUser CU kmsuser\nI\nI\nI\nquit\n")
    assert out.count("deleteUser failed: RET_USER_IN_SESSION") == 3
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    out = doors.cmu(ADMIN + "deleteUser CU kmsuser\nI\nI\nI\nquit\n")
    assert out.count("deleteUser failed: RET_USER_OWNS_KEYS") == 3


def test_roll_back_puts_the_user_back_where_it_was_deleted(doors, store):
    doors.cmu(ADMIN + CREATE_ALICE + "quit\n")
    with store.transaction() as world:  # alice is logged in on the last HSM only
        from hsmshell.cloudhsm.sessions import open_session
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[2]
        open_session(world, "other", "key_mgmt_util", "cluster-1a23b4cdefg", "alice", "CU", [hsm.hsm_id], pid=None)
    out = doors.cmu(ADMIN + "deleteUser CU alice\nB\nlistUsers\nquit\n")
    assert after(out, "deleteUser")[-4:] == [
        "deleteUser success on server 1(10.0.3.11)", "deleteUser failed: RET_USER_IN_SESSION",
        "deleteUser failed on server 2(10.0.1.12)", "Retry/rollBack/Ignore?(R/B/I):B"]
    assert [l.split()[2] for l in after(out, "listUsers") if l.split()[:1] == ["4"]] == ["alice"] * 3


def test_a_crypto_officer_changes_any_password_a_crypto_user_only_their_own(doors):
    doors.cmu(ADMIN + CREATE_ALICE + "createUser CU bob password1\ny\nquit\n")
    out = doors.cmu("loginHSM CU alice password1\nchangePswd CU bob newPassword\ny\n"
                    "changePswd CU alice newPassword\ny\nquit\n")
    assert out.count("changePswd failed: RET_PERMISSION_DENIED") == 3
    assert "loginHSM success on server 0" in doors.cmu("loginHSM CU alice newPassword\nquit\n")
    assert "loginHSM failed" in doors.cmu("loginHSM CU bob newPassword\nquit\n")


def test_kmsuser_cannot_log_in_while_kms_holds_it(doors):
    out = doors.cmu("loginHSM CU kmsuser anything1\nquit\n")
    assert out.count("loginHSM failed: RET_USER_LOGIN_FAILURE") == 3


def test_quorum_blocks_user_management_and_get_m_value_reports_it(doors):
    out = doors.cmu(ADMIN + "setMValue 3 1\ny\ngetMValue 3\nsetMValue 3 2\ny\nquit\n")
    assert "Setting M Value(1) for 3 on 3 nodes" in out
    assert "setMValue failed: RET_INVALID_M_VALUE" in out  # admin is the only officer
    assert "MValue of service 3[USER_MGMT] on server 2 : [1]" in out


def test_key_rules_owner_shares_and_changes_nobody_else(doors):
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\n" + CREATE_ALICE + "quit\n")
    out = doors.cmu("loginHSM CU kmsuser tempPassword\nshareKey 262162 4 1\ny\ngetKeyInfo 262162\n"
                    "setAttribute 262162 3 relabelled\ny\ngetAttribute 262162 3\nsetAttribute 262162 354 1\n"
                    "getAttribute 999 3\nshareKey 262162 1 1\ny\nquit\n")
    assert out.count("shareKey success") == 3
    assert "also, shared to following 1 user(s):" in out
    assert after(out, "getAttribute 262162 3")[-2:] == ["OBJ_ATTR_LABEL", "relabelled"]
    assert "Error: Attribute 354 cannot be set." in out
    assert "getAttribute failed: RET_INVALID_HANDLE" in out
    assert "shareKey failed: RET_USER_NOT_FOUND" in out  # user 1 is a crypto officer
    out = doors.cmu("loginHSM CU alice password1\nsetAttribute 262162 3 mine\ny\nfindAllKeys 4 0\n"
                    "getKeyInfo 262162\nquit\n")
    assert out.count("setAttribute failed: RET_KEY_ACCESS_DENIED") == 3
    assert "262162(s)" in out  # alice may list it (any logged-in user; GAP) and it is shared
    assert "Owned by user 3" in out


def test_non_numeric_handles_and_server_mode_only_commands(doors):
    out = doors.cmu(ADMIN + "getKeyInfo abc\nsyncUser 3 1\nserver 9\nserver 0\nsyncUser 3 0\nexit\nexit\n"
                    "getCert /nonexistent/x 4\nquit\n")
    assert "Error: Invalid argument: a number is expected." in out
    assert "Error: syncUser is supported only in server mode. Use 'server <server ID>' first." in out
    assert "Error: Invalid server number 9." in out
    assert "Error: Invalid server ID 0." in out
    assert "Command not found: exit." in out
    assert "Error: getCert is supported only in server mode." in out


def test_passwords_of_seven_and_of_thirty_two_characters_are_taken_thirty_three_are_not(doors):
    """createUser.md and limits.md: a password is 7 to 32 characters."""
    out = doors.cmu(ADMIN + f"createUser CU long {'p' * 32}\ny\ncreateUser CU longer {'p' * 33}\n"
                    "createUser CU seven ppppppp\ny\nlistUsers\nquit\n")
    assert "Error: Password length should be between 7 and 32" in after(out, "createUser CU longer")
    names = {line.split()[2] for line in after(out, "listUsers") if line.split()[1:2] == ["CU"]}
    assert {"long", "seven"} <= names and "longer" not in names


def cmu_on(tmp_path, users: list[dict], **settings):
    """cloudhsm_mgmt_util on a hand-written one-HSM world of these users."""
    from ..conftest import Doors
    from .test_cmu_conformance import EXAMPLE_NET, World

    path = World(EXAMPLE_NET[:1], users).write(tmp_path)
    if settings:
        from hsmshell.services import open_store

        with open_store(path).transaction() as world:
            for name, value in settings.items():
                setattr(world.settings, name, value)
    return Doors(path).cmu


def test_an_id_freed_in_a_hand_written_world_is_not_given_again(tmp_path):
    """A world written by hand records no next user ID: deleting its last user still keeps that
    ID from coming back."""
    from .test_cmu_conformance import ADMIN as OFFICERS, user

    cmu = cmu_on(tmp_path, [*OFFICERS, user(3, "CU", "crypto_user3")])
    out = cmu(ADMIN + "deleteUser CU crypto_user3\ny\ncreateUser CU fresh password1\ny\nlistUsers\nquit\n")
    rows = [line.split()[:3] for line in after(out, "listUsers") if line.split()[2:3] == ["fresh"]]
    assert rows == [["4", "CU", "fresh"]], out


def test_a_precrypto_officer_created_as_preco_is_listed_as_preco(doors):
    out = doors.cmu(ADMIN + "createUser preCO early password1\ny\nlistUsers\nquit\n")
    assert [line.split()[1] for line in after(out, "listUsers") if line.split()[2:3] == ["early"]] == ["PRECO"] * 3


def test_a_crypto_user_changes_its_own_password_only(tmp_path):
    """Whose name sorts before or after its own."""
    from .test_cmu_conformance import CRYPTO_USERS

    cmu = cmu_on(tmp_path, CRYPTO_USERS)
    out = cmu("loginHSM CU crypto_user5 password1\nchangePswd CU crypto_user3 password2\ny\n"
              "changePswd CU crypto_user6 password2\ny\nchangePswd CU crypto_user5 password2\ny\nquit\n")
    assert out.count("changePswd failed: RET_PERMISSION_DENIED") == 2, out
    assert "changePswd failed" not in after(out, "changePswd CU crypto_user5")


def test_change_password_of_a_user_not_there_or_of_another_type_is_refused(doors):
    out = doors.cmu(ADMIN + "changePswd CU nobody password1\ny\nchangePswd CO kmsuser password1\ny\nquit\n")
    for line in ("changePswd CU nobody", "changePswd CO kmsuser"):  # on each of the 3 servers
        assert after(out, line).count("changePswd failed: RET_USER_NOT_FOUND") == 3, out


def test_a_user_past_a_lowered_lockout_threshold_is_locked_at_the_next_failure(tmp_path):
    from .test_cmu_conformance import CRYPTO_USERS

    users = [{**u, "failed_logins": 5} if u["name"] == "crypto_user3" else u for u in CRYPTO_USERS]
    cmu = cmu_on(tmp_path, users, lockout_threshold=3)
    out = cmu("loginHSM CU crypto_user3 wrong\nloginHSM CU crypto_user3 password1\nquit\n")
    assert "loginHSM success" not in out, out


def test_a_user_name_of_thirty_one_characters_is_taken(doors):
    out = doors.cmu(ADMIN + f"createUser CU {'n' * 31} password1\ny\nlistUsers\nquit\n")
    assert "Error: User name" not in out
    assert [line.split()[1] for line in after(out, "listUsers") if line.split()[2:3] == ["n" * 31]] == ["CU"] * 3


def test_change_password_needs_a_login(doors):
    out = doors.cmu("changePswd CU kmsuser password1\ny\nquit\n")
    assert out.count("changePswd failed: RET_USER_NOT_LOGGED_IN") == 3, out


def test_a_crypto_user_without_keys_is_deleted_while_others_own_keys(tmp_path):
    from ..conftest import Doors
    from .test_cmu_conformance import ADMIN as OFFICERS, EXAMPLE_NET, World, key, user

    users = [*OFFICERS, user(3, "CU", "crypto_user3"), user(4, "CU", "crypto_user4")]
    cmu = Doors(World(EXAMPLE_NET[:1], users, [key(10, 4)]).write(tmp_path)).cmu
    out = cmu(ADMIN + "deleteUser CU crypto_user3\ny\ndeleteUser CU crypto_user4\ny\nA\nquit\n")
    assert "deleteUser failed" not in after(out, "deleteUser CU crypto_user3"), out
    assert "deleteUser failed: RET_USER_OWNS_KEYS" in after(out, "deleteUser CU crypto_user4"), out


# -- who shares, changes and sees a key (cloudhsm/sharing.py) ----------------------------------
# Crypto users 3, 5 (the owner) and 6 around a user 4 that is not there (deleted; hand-written
# keys still name it), with a pre-crypto officer (1) and an appliance user (2) below them: ids on
# both sides of the owner's, and user types that sort before ("AU", "CO") and after ("PCO") "CU".
SHARING_USERS = [{"user_id": 1, "user_type": "PCO", "name": "admin", "password": "password1", "mofn_pub_key": False},
                 {"user_id": 2, "user_type": "AU", "name": "app_user", "password": "password1",
                  "mofn_pub_key": False},
                 *({"user_id": i, "user_type": "CU", "name": f"crypto_user{i}", "password": "password1",
                    "mofn_pub_key": False} for i in (3, 5, 6))]


def sharing_cmu(tmp_path, keys: list[dict], servers: int = 1, users_on: dict | None = None):
    """cloudhsm_mgmt_util on a hand-written world of SHARING_USERS and these keys."""
    from ..conftest import Doors
    from .test_cmu_conformance import EXAMPLE_NET, World

    return Doors(World(EXAMPLE_NET[:servers], SHARING_USERS, keys, users_on=users_on or {}).write(tmp_path)).cmu


def said(out: str, command: str) -> str:
    return "\n".join(after(out, command))


def login(uid: int) -> str:
    return f"loginHSM CU crypto_user{uid} password1\n"


def test_find_all_keys_lists_what_is_shared_but_a_public_key(tmp_path):
    """Crypto user 3 sees (s) for a secret and a private key shared with it and for a data or
    certificate object (class 0, 1: the HSM's object table holds them as keys; GAP, the pages
    name keys only), not for a public key shared with it (every user's already) nor for a key
    shared with someone else."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, [3], key_class=0), key(11, 5, [3], key_class=1),
                                 key(12, 5, [3], key_class=2, key_type=0, size=2048),
                                 key(13, 5, [3], key_class=3, key_type=0, size=2048),
                                 key(14, 5, [6], key_class=4), key(15, 5, [3, 6], key_class=4)])
    out = cmu(login(3) + "findAllKeys 3 0\nfindAllKeys 5 0\nquit\n")
    assert after(out, "findAllKeys 3 0")[1:4] == ["Number of keys found 4", "number of keys matched from start index 0::4",
                                                 "10(s),11(s),13(s),15(s)"], out
    assert after(out, "findAllKeys 5 0")[3] == "10(o),11(o),12(o),13(o),14(o),15(o)", out


@pytest.mark.parametrize("uid", [1, 2, 4], ids=["pre-crypto-officer", "appliance-user", "no-user"])
def test_find_all_keys_of_anyone_but_a_crypto_user_finds_none(tmp_path, uid):
    """Only crypto users have keys: a key a hand-written world gives to the pre-crypto officer
    (1; "PCO" sorts after "CU"), shares with the appliance user (2; "AU" before "CU") or to the
    id of no user (4, between crypto users 3 and 5) is listed for none of them."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 1), key(11, 5, [2]), key(12, 4), key(13, 5, [4])])
    out = cmu(login(3) + f"findAllKeys {uid} 1\nquit\n")
    assert after(out, f"findAllKeys {uid} 1")[1:3] == ["Number of keys found 0",
                                                      "number of keys matched from start index 0::0"], out
    assert "findAllKeys success on server 0" in out and "Key Hash:" not in out, out


def test_find_all_keys_needs_a_login_on_each_server(tmp_path):
    """Crypto user 5 exists on the first server only: its login holds there, and the second
    server answers as to no login; before any login both do."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)], servers=2,
                      users_on={1: [u for u in SHARING_USERS if u["user_id"] != 5]})
    out = cmu("findAllKeys 5 0\n" + login(5) + "findAllKeys 5 0\nquit\n")
    first, second = out.split("loginHSM", 1)
    assert first.count("findAllKeys failed: RET_USER_NOT_LOGGED_IN") == 2, out
    assert "findAllKeys success on server 0" in second and "10(o)" in second, out
    assert "findAllKeys failed: RET_USER_NOT_LOGGED_IN" in second and "findAllKeys failed on server 1" in second, out


@pytest.mark.parametrize("uid", [3, 6], ids=["below-the-owner", "above-the-owner"])
def test_only_the_owner_shares_or_changes_a_key_shared_with_it(tmp_path, uid):
    """Crypto users 3 and 6, whose ids lie on either side of the owner's (5), see the key shared
    with them but may neither share it on nor change it."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, [3, 6])])
    out = cmu(login(uid) + "shareKey 10 3,6 0\ny\nsetAttribute 10 3 mine\ny\nquit\n")
    assert "shareKey failed: RET_KEY_ACCESS_DENIED" in said(out, "shareKey 10"), out
    assert "setAttribute failed: RET_KEY_ACCESS_DENIED" in said(out, "setAttribute 10"), out
    out = cmu(login(5) + "getKeyInfo 10\nquit\n")
    assert "also, shared to following 2 user(s):" in out, out


@pytest.mark.parametrize("target, code", [(3, None), (6, None), (5, "RET_USER_NOT_FOUND"), (4, "RET_USER_NOT_FOUND"),
                                          (1, "RET_USER_NOT_FOUND"), (2, "RET_USER_NOT_FOUND")],
                         ids=["below-the-owner", "above-the-owner", "the-owner", "no-user", "pre-crypto-officer",
                              "appliance-user"])
def test_the_owner_shares_with_another_crypto_user_only(tmp_path, target, code):
    """The owner (5) shares with crypto users of lower and higher ids; not with itself, with the
    id of no user (4; the next user up is the owner), with the pre-crypto officer ("PCO" sorts
    after "CU") or with the appliance user ("AU" before)."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)])
    out = cmu(login(5) + f"shareKey 10 {target} 1\ny\ngetKeyInfo 10\nquit\n")
    if code is None:
        assert "shareKey success on server 0" in out and "\t\t " + str(target) in out, out
    else:
        assert f"shareKey failed: {code}" in out and "shared to following" not in out, out


@pytest.mark.parametrize("key_class", [0, 1, 3, 4], ids=["data", "certificate", "private", "secret"])
def test_the_owner_shares_any_object_but_a_public_key(tmp_path, key_class):
    """A data or certificate object (class 0, 1; hand-written) is shared as a private or secret
    key is (GAP: the pages speak of keys only; only a public key, every user's already, is
    refused)."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, key_class=key_class, **({} if key_class == 4 else
                                                                       {"key_type": 0, "size": 2048})),
                                 key(11, 5, key_class=2, key_type=0, size=2048)])
    out = cmu(login(5) + "shareKey 10 3 1\ny\nshareKey 11 3 1\ny\nquit\n")
    assert "shareKey success on server 0" in said(out, "shareKey 10"), out
    assert "shareKey failed: RET_PERMISSION_DENIED" in said(out, "shareKey 11"), out


@pytest.mark.parametrize("m_value", [1, 2])
def test_a_key_with_its_own_quorum_is_neither_shared_nor_changed_without_approval(tmp_path, m_value):
    """An m_value of 1 or more (key_mgmt_util -m_value) makes shareKey and setAttribute need
    approvals; a key of m_value 0 is shared and changed as usual."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, m_value=m_value), key(11, 5, m_value=0)])
    out = cmu(login(5) + "shareKey 10 3 1\ny\nsetAttribute 10 3 mine\ny\n"
              "shareKey 11 3 1\ny\nsetAttribute 11 3 mine\ny\nquit\n")
    assert "shareKey failed: RET_MXN_AUTH_FAILED" in said(out, "shareKey 10"), out
    assert "setAttribute failed: RET_MXN_AUTH_FAILED" in said(out, "setAttribute 10"), out
    assert "shareKey success on server 0" in said(out, "shareKey 11"), out
    assert "setAttribute success on server 0" in said(out, "setAttribute 11"), out


def test_the_owner_sets_a_wrap_template_as_text(tmp_path):
    """OBJ_ATTR_WRAP_TEMPLATE (1073742353) is a string attribute: its value is any text, not 0 or 1."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)])
    out = cmu(login(5) + "setAttribute 10 1073742353 template\ny\ngetAttribute 10 1073742353\nquit\n")
    assert "setAttribute success on server 0" in out, out
    assert after(out, "getAttribute 10 1073742353")[-2:] == ["OBJ_ATTR_WRAP_TEMPLATE", "template"], out


CO_LOGIN = "loginHSM CO admin password1\n"


@pytest.mark.parametrize("uid", [5, 3], ids=["the-owner", "a-user-it-is-shared-with"])
def test_a_crypto_user_may_not_set_trusted_even_on_its_own_key(tmp_path, uid):
    """OBJ_ATTR_TRUSTED (134) is the crypto officer's to set ("CKA_TRUSTED: This attribute can be
    set to True or False by Crypto Officer (CO) only", modify-attr.html): the owner is refused as
    the user it is shared with is, and the key stays untrusted."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, [3])])
    out = cmu(login(uid) + "setAttribute 10 134 1\ny\ngetAttribute 10 134\nquit\n")
    assert "setAttribute failed: RET_PERMISSION_DENIED" in said(out, "setAttribute 10 134"), out
    assert after(out, "getAttribute 10 134")[-2:] == ["OBJ_ATTR_TRUSTED", "0x00000000"], out


def test_a_crypto_officer_sets_trusted_on_a_crypto_user_s_key(tmp_path):
    """The SDK 3 trusted-keys procedure: the CO runs `setAttribute <handle> 134 1` on a key a CU
    owns, and succeeds on every server; the owner's getAttribute then shows it trusted."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)], servers=2)
    out = cmu(CO_LOGIN + "setAttribute 10 134 1\ny\nquit\n")
    assert "setAttribute success on server 0" in said(out, "setAttribute 10 134"), out
    assert "setAttribute success on server 1" in said(out, "setAttribute 10 134"), out
    assert "setAttribute failed" not in said(out, "setAttribute 10 134"), out
    out = cmu(login(5) + "getAttribute 10 134\nquit\n")
    assert after(out, "getAttribute 10 134")[-2:] == ["OBJ_ATTR_TRUSTED", "0x00000001"], out


@pytest.mark.parametrize("attribute, value", [(260, "0"), (3, "mine"), (528, "1")],
                         ids=["decrypt", "label", "wrap-with-trusted"])
def test_a_crypto_officer_sets_no_other_attribute_of_a_key(tmp_path, attribute, value):
    """Only OBJ_ATTR_TRUSTED is the CO's: every other attribute stays the owner's, and the CO,
    owner of no key, is refused as a user the key is shared with is (RET_KEY_ACCESS_DENIED)."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)])
    out = cmu(CO_LOGIN + f"setAttribute 10 {attribute} {value}\ny\nquit\n")
    assert "setAttribute failed: RET_KEY_ACCESS_DENIED" in said(out, f"setAttribute 10 {attribute}"), out


def test_a_crypto_officer_setting_trusted_still_needs_the_key_s_quorum(tmp_path):
    """A key with its own quorum (m_value) needs approval for any change, the CO's too."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5, m_value=1)])
    out = cmu(CO_LOGIN + "setAttribute 10 134 1\ny\nquit\n")
    assert "setAttribute failed: RET_MXN_AUTH_FAILED" in said(out, "setAttribute 10 134"), out


def test_wrap_with_trusted_once_set_is_read_only(tmp_path):
    """"Once you set CKA_WRAP_WITH_TRUSTED to true, the attribute becomes read-only" (modify-attr.html):
    the owner sets 528 to 1, may set 1 again, and is refused going back to 0
    (RET_INVALID_ATTRIBUTE, as for an attribute no one may set); the value stays 1."""
    from .test_cmu_conformance import key

    cmu = sharing_cmu(tmp_path, [key(10, 5)])
    out = cmu(login(5) + "setAttribute 10 528 1\ny\nsetAttribute 10 528 1\ny\nsetAttribute 10 528 0\ny\n"
              "getAttribute 10 528\nquit\n")
    first, again, back = out.split("setAttribute 10 528")[1:4]
    assert "setAttribute success on server 0" in first and "setAttribute success on server 0" in again, out
    assert "setAttribute failed: RET_INVALID_ATTRIBUTE" in back, out
    assert after(out, "getAttribute 10 528")[-2:] == ["OBJ_ATTR_WRAP_WITH_TRUSTED", "0x00000001"], out


def test_a_crypto_officer_reaches_only_the_token_keys_a_server_holds(tmp_path):
    """The CO addresses any token key by handle, on the servers that hold it: a handle no key
    has, or a key another server alone holds, is an invalid handle there (RET_INVALID_HANDLE), as
    for any user; the server that holds the key sets it."""
    from .test_cmu_conformance import EXAMPLE_NET, key

    cmu = sharing_cmu(tmp_path, [key(10, 5, hsms=[EXAMPLE_NET[1][1]])], servers=2)
    out = cmu(CO_LOGIN + "setAttribute 10 134 1\ny\nsetAttribute 99 134 1\ny\nquit\n")
    assert said(out, "setAttribute 10 134").count("RET_INVALID_HANDLE") == 1, out
    assert "setAttribute success on server 1" in said(out, "setAttribute 10 134"), out
    assert said(out, "setAttribute 99 134").count("RET_INVALID_HANDLE") == 2, out
