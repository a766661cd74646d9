"""Users other logins hold (cloudhsm/users.py rules no test broke before, found by
benchmarks/mutation.py): a crypto user logged in with key_mgmt_util elsewhere can still log in
to cloudhsm_mgmt_util (only KMS's hold on kmsuser refuses that), and nobody changes the password
of a user another login holds."""

from __future__ import annotations

from hsmshell.cloudhsm.sessions import open_session

from .test_kmu import kmsuser_password_known

CLUSTER = "cluster-1a23b4cdefg"


def other_logins(store, *session_ids: str) -> None:
    """kmsuser logged in with key_mgmt_util by logins whose IDs sort before and after any other."""
    with store.transaction() as world:
        hsms = [h.hsm_id for h in world.clusters[CLUSTER].hsms]
        for session_id in session_ids:
            open_session(world, session_id, "key_mgmt_util", CLUSTER, "kmsuser", "CU", hsms, None)


def test_a_crypto_user_logged_in_with_key_mgmt_util_also_logs_in_to_cmu(doors, store):
    kmsuser_password_known(doors)
    other_logins(store, "0", "~")
    out = doors.cmu("loginHSM CU kmsuser tempPassword\nquit\n")
    assert "loginHSM success on server 2(10.0.1.12)" in out and "failed" not in out, out


def test_nobody_changes_the_password_of_a_user_another_login_holds(doors, store):
    kmsuser_password_known(doors)
    for session_id in ("0", "~"):
        other_logins(store, session_id)
        out = doors.cmu("loginHSM CO admin co12345\nchangePswd CU kmsuser newPassword\ny\nquit\n")
        assert "changePswd failed: RET_USER_IN_SESSION" in out, out
        with store.transaction() as world:
            del world.sessions[session_id]
