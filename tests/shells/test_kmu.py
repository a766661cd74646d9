"""key_mgmt_util through its own door: Cfm3 return lines and Cluster Error Status blocks."""

from __future__ import annotations

from ..conftest import KEY_ARN, STORE_ID
from .conftest import chunk, doc_body, normalise

KMSUSER = "loginHSM -u CU -s kmsuser -p tempPassword\n"


def kmsuser_password_known(doors):
    """The runbook's preparation: disconnect, and set kmsuser's password as a crypto officer."""
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0
    out = doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser tempPassword\ny\nquit\n")
    assert "Changing password for kmsuser(CU) on 3 nodes" in out


def test_login_and_logout_as_kmsuser(doors):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "logoutHSM\nexit\n")
    assert normalise(chunk(out, "Command:  ", "loginHSM")) == normalise(doc_body("kms-03"))
    logout = normalise(chunk(out, "Command:  ", "logoutHSM"))
    # The documented logout lists nodes 0 and 1 only (a documentation slip; kms-04's notes).
    assert logout == normalise(doc_body("kms-04")) + ["Node id 2 and err state 0x00000000 : HSM Return: SUCCESS"]


def test_delete_orphaned_key_material(doors):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "deleteKey -k 262162\nfindKey -l " + KEY_ARN + "\nexit\n")
    assert normalise(chunk(out, "Command:  ", "deleteKey")) == normalise(doc_body("kms-05"))
    assert "Total number of keys present 0" in chunk(out, "Command:  ", "findKey")


def test_find_backing_key_by_its_kms_key_arn(doors):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "findKey -l " + KEY_ARN + "\nexit\n")
    got = normalise(chunk(out, "Command:  ", "findKey"))
    expected = normalise(doc_body("kms-09"))
    # The doc prints 0::1 for one key where every other findKey example prints count-1, and
    # lists nodes 1, 0 of a two-node cluster (kms-09's notes); the rest is the same.
    assert got[:2] == expected[:2]
    assert got[2] == "number of keys matched from start index 0::0"
    assert got[3:5] == expected[3:5]
    assert got[-1] == expected[-1]


def test_delete_a_handle_that_does_not_exist(doors):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "deleteKey -k 252126\nexit\n")
    expected = [l.replace("Node id 1", "Node id 0").replace("Node id 2", "Node id 1")
                for l in normalise(doc_body("kmu-11"))]
    got = normalise(chunk(out, "Command:  ", "deleteKey"))
    assert got[:-1] == expected  # the documented cluster has two nodes, ours three


def test_only_the_owner_deletes_a_key(doors, store):
    kmsuser_password_known(doors)
    with store.transaction() as world:
        key = world.clusters["cluster-1a23b4cdefg"].keys[262162]
        key.owner, key.shared_with = 1, [3]  # owned by someone else, shared with kmsuser
    out = doors.kmu(KMSUSER + "deleteKey -k 262152\ndeleteKey -k 262162\nexit\n")
    assert normalise(chunk(out, "Command:  ", "deleteKey -k 262162")) == \
        normalise(doc_body("kmu-12").replace("262152", "262162"))
    assert 262162 in store.read().clusters["cluster-1a23b4cdefg"].keys


def test_wrong_password_and_crypto_officer_are_refused(doors):
    kmsuser_password_known(doors)
    out = doors.kmu("loginHSM -u CU -s kmsuser -p wrongPassword\nloginHSM -u CO -s admin -p co12345\nexit\n")
    assert "\tCfm3LoginHSM returned: 0xa3 \n\n\tHSM Error: RET_USER_LOGIN_FAILURE\n" in out
    assert "\tNode id 2 and err state 0x000000a3 : HSM Error: RET_USER_LOGIN_FAILURE\n" in out
    assert "\tCfm3LoginHSM returned: 0xdb \n\n\tHSM Error: Invalid User Type.\n" in out


def test_missing_flags_print_the_tool_help(doors):
    out = doors.kmu("loginHSM -u CU -s kmsuser\ndeleteKey\ndeleteKey -k abc\nfindKey -x 1\nbogus\nexit\n")
    assert "\tError: Password (-p) is missing." in out
    assert "\tError: Key handle (-k) is missing." in out
    assert "\tError: Invalid key handle (-k) specified." in out
    assert "Syntax: findKey" in out
    assert "Command not found: bogus" in out
    assert "Traceback" not in out


def test_exit_prints_nothing_and_logs_out(doors, store):
    kmsuser_password_known(doors)
    out = doors.kmu(KMSUSER + "exit\n")
    assert out.endswith("Command:  exit\n")
    assert all(s.tool != "key_mgmt_util" for s in store.read().sessions.values())


def test_hidden_password(doors):
    kmsuser_password_known(doors)
    out = doors.kmu("loginHSM -u CU -s kmsuser -hpswd\ntempPassword\nexit\n")
    assert "Enter password: \n" in out and "tempPassword" not in out
    assert "Cfm3LoginHSM returned: 0x00 : HSM Return: SUCCESS" in out


def test_help_shows_the_tools_where_lines(doors):
    """The Where: lines are the Cfm2Util source's, whatever the syntax line says."""
    out = doors.kmu("deleteKey -h\ngenSymKey -h\nexit\n")
    assert "\nWhere: -h  displays this information\n       -k  specifies the key handle to delete\n" in out
    assert "       -t       specifies the key type\n" \
           "                (16 = GENERIC_SECRET, 18 = RC4, 21 = DES3, 31 = AES)\n" in out
    assert "       -timeout specifies the number of seconds to wait for the key to get synced when min_srv " \
           "option is used.\n" in out
