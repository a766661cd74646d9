"""cloudhsm_mgmt_util through its own door: lines in, per-server text out."""

from __future__ import annotations

from hsmshell.services import open_store

from ..conftest import STORE_ID, lines
from .conftest import chunk, doc_body, normalise

ADMIN = "loginHSM CO admin co12345\n"


def disconnect(doors):
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)[0] == 0


def test_startup_banner_is_the_documented_one(doors):
    out = doors.cmu("quit\n", config="/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg")
    banner = out.split("aws-cloudhsm>", 1)[0]
    expected = doc_body("cmu-01").split("\n", 1)[1]  # the doc's first line is the $ command
    assert normalise(banner) == normalise(expected)


def test_login_as_crypto_officer_on_every_server(doors):
    out = doors.cmu(ADMIN + "quit\n")
    expected = doc_body("kms-01").replace("<password>", "co12345")
    assert normalise(chunk(out, "aws-cloudhsm>", "loginHSM")) == normalise(expected)


def test_change_kmsuser_password_after_disconnecting(doors):
    disconnect(doors)
    out = doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\nquit\n")
    assert normalise(chunk(out, "aws-cloudhsm>", "changePswd")) == normalise(doc_body("kms-02"))


def test_kmsuser_password_cannot_change_while_kms_holds_it(doors):
    out = doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\ny\nquit\n")
    assert "changePswd failed: RET_USER_IN_SESSION" in out
    assert "changing password on server 2(10.0.1.12) failed" in out
    out = doors.cmu("loginHSM CU kmsuser tempPassword\nquit\n")
    assert "loginHSM failed on server 0(10.0.2.9)" in out


def test_list_users_wide_layout(doors, store):
    with store.transaction() as world:
        for hsm in world.clusters["cluster-1a23b4cdefg"].hsms:
            hsm.users[2].name = "example_user"
    out = doors.cmu("listUsers\nquit\n")
    assert chunk(out, "aws-cloudhsm>", "listUsers").splitlines()[1:] == \
        doc_body("cmu-05").rstrip("\n").splitlines()[1:]


def test_answer_other_than_y_or_n_is_asked_again_and_n_cancels(doors):
    disconnect(doors)
    out = doors.cmu(ADMIN + "changePswd CU kmsuser tempPassword\nmaybe\nn\nquit\n")
    assert "Do you want to continue(y/n)?maybe\nInvalid option, please type 'y' or 'n'\n\n" \
           "Do you want to continue(y/n)?n\n" in out
    assert "Changing password" not in out
    # nothing changed: kmsuser still cannot log in with the refused password
    assert "loginHSM failed" in doors.cmu("loginHSM CU kmsuser tempPassword\nquit\n")


def test_hidden_password_prompt(doors):
    out = doors.cmu("loginHSM CO admin -hpswd\nco12345\nquit\n")
    assert "Enter password:\n" in out
    assert "co12345" not in out
    assert "loginHSM success on server 1(10.0.3.11)" in out


def test_five_wrong_passwords_lock_the_user_on_each_server(doors):
    out = doors.cmu("loginHSM CO admin wrongpass\n" * 5 + "loginHSM CO admin co12345\nlistUsers\nquit\n")
    assert out.count("loginHSM failed: RET_USER_LOGIN_FAILURE") == 18  # 6 tries x 3 servers
    assert "loginHSM success" not in out
    admin_rows = [l for l in out.splitlines() if l.split()[:3] == ["1", "CO", "admin"]]
    assert [row.split()[4] for row in admin_rows] == ["5", "5", "5"]


def test_command_prefixes_and_bad_input_never_trace(doors):
    out = doors.cmu("listU\nnosuchcommand\nloginHSM CO\nloginHSM XX admin co12345\nchangePswd CU kmsuser short\nquit\n")
    assert "Users on server 0(10.0.2.9):" in out
    assert "Command not found: nosuchcommand" in out
    assert "Error: Invalid number of arguments." in out
    assert "Error: Invalid user type XX." in out
    assert "Error: Password length should be between 7 and 32" in out
    assert "Traceback" not in out


def test_quit_logs_the_session_out_of_the_world(doors, world_path):
    doors.cmu(ADMIN + "quit\n")
    assert [s.tool for s in open_store(world_path).read().sessions.values()] == ["kms"]


def test_sessions_of_dead_processes_are_swept(doors, store):
    from hsmshell.cloudhsm.sessions import open_session

    with store.transaction() as world:
        open_session(world, "ghost", "cloudhsm_mgmt_util", "cluster-1a23b4cdefg", "admin", "CO",
                     ["hsm-udw0tkfg1ab"], pid=2**22 + 12345)  # no such process
    assert "ghost" not in store.read().sessions


def test_unreachable_hsm_is_left_out_at_start_up(doors, store):
    with store.transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[1].reachable = False
    out = doors.cmu(ADMIN + "quit\n")
    assert "Connected to server '10.0.3.11'" not in out
    assert lines(chunk(out, "aws-cloudhsm>", "loginHSM"))[1:] == [
        "loginHSM success on server 0(10.0.2.9)", "loginHSM success on server 2(10.0.1.12)"]


def test_a_config_file_given_on_the_command_line_is_read(doors, tmp_path):
    config = tmp_path / "cloudhsm_mgmt_util.cfg"
    config.write_text('{"servers": [{"hostname": "10.0.1.12", "port": 2225, "enable": true}]}')
    out = doors.cmu(ADMIN + "quit\n", config=str(config))
    assert "loginHSM success on server 0(10.0.1.12)" in out
    assert "10.0.2.9" not in out


def test_a_new_password_asked_hidden_is_asked_twice(doors):
    disconnect(doors)
    out = doors.cmu(ADMIN + "changePswd CU kmsuser -hpswd\ntempPassword\ntempPassword\ny\nquit\n")
    assert "aws-cloudhsm>changePswd CU kmsuser -hpswd\nEnter new password: \nRe-enter new password: \n" in out
    assert "Changing password for kmsuser(CU) on 3 nodes" in out
    assert "tempPassword" not in out  # the door echoes what is typed, a password excepted
    out = doors.cmu(ADMIN + "createUser CU bob -hpswd\nbobPassword1\nbobPassword2\nlistUsers\nquit\n")
    assert "Enter password: \nRe-enter password: \nPasswords do not match.\naws-cloudhsm>listUsers" in out
    assert "Creating User" not in out and "bob" not in out.split("aws-cloudhsm>listUsers", 1)[1]


def test_set_attribute_changes_the_attributes_of_spec_1_4_and_names_them_for_another(tmp_path):
    """setAttribute of OBJ_ATTR_WRAP (262), OBJ_ATTR_DESTROYABLE (370) or OBJ_ATTR_WRAP_TEMPLATE
    (1073742353) changes the key; OBJ_ATTR_KCV (371) cannot be set, and the error lists the 13
    attributes that can (spec §1.4)."""
    from ..conftest import Doors
    from .test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, PASSWORD, World, key

    def after(command: str) -> list[str]:
        return lines(chunk(out, "aws-cloudhsm>", command))[1:]

    doors = Doors(World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(14, 3, label="aes256")]).write(tmp_path))
    out = doors.cmu(f"loginHSM CU crypto_user3 {PASSWORD}\nsetAttribute 14 262 0\ny\nsetAttribute 14 370 0\ny\n"
                    "setAttribute 14 1073742353 template\ny\nsetAttribute 14 371 1\n"
                    "getAttribute 14 262\ngetAttribute 14 370\ngetAttribute 14 1073742353\nquit\n")
    assert out.count("setAttribute success") == 3, out
    assert ("Error: Attribute 371 cannot be set. Settable: 3, 134, 260, 261, 262, 263, 264, 266, 268, 370, 528, "
            "1073742353, 1073742354.") in out, out
    assert after("getAttribute 14 262")[-2:] == ["OBJ_ATTR_WRAP", "0x00000000"], out
    assert after("getAttribute 14 370")[-2:] == ["OBJ_ATTR_DESTROYABLE", "0x00000000"], out
    assert after("getAttribute 14 1073742353")[-2:] == ["OBJ_ATTR_WRAP_TEMPLATE", "template"], out


def test_login_needs_the_users_own_type_but_a_primary_officer_logs_in_as_co(doors):
    disconnect(doors)
    doors.cmu(ADMIN + "".join(f"createUser {t} {n} password1\ny\n" for t, n in
                              (("CO", "officer2"), ("PCO", "primary"), ("PRECO", "pre1"))) + "quit\n")
    refused = ["loginHSM CU primary password1", "loginHSM AU primary password1",
               "loginHSM CU officer2 password1", "loginHSM CO pre1 password1"]
    for line in refused:
        out = chunk(doors.cmu(line + "\nquit\n"), "aws-cloudhsm>", "loginHSM")
        assert lines(out)[1:3] == ["loginHSM failed: RET_USER_NOT_FOUND", "loginHSM failed on server 0(10.0.2.9)"], line
    for line in ("loginHSM CO primary password1", "loginHSM PCO primary password1",
                 "loginHSM CO officer2 password1", "loginHSM PRECO pre1 password1"):
        out = chunk(doors.cmu(line + "\nquit\n"), "aws-cloudhsm>", "loginHSM")
        assert lines(out)[-1] == "loginHSM success on server 2(10.0.1.12)", line
