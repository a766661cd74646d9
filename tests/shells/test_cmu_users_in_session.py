"""Users other logins hold (cloudhsm/users.py rules no test broke before, found by
benchmarks/mutation.py): a crypto user logged in with key_mgmt_util elsewhere can still log in
to cloudhsm_mgmt_util (only KMS's hold on kmsuser refuses that), and nobody changes the password
of a user another login holds; a logout reports the servers its login never reached."""

from __future__ import annotations

from hsmshell.cloudhsm.sessions import open_session
from hsmshell.services import open_store

from ..conftest import lines
from .conftest import chunk
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


def on_two_hsms(store, user_type: str, name: str) -> None:
    """A user on the first two HSMs only (users are not synchronised between HSMs)."""
    from hsmshell.world import credentials
    from hsmshell.world.model import User

    with store.transaction() as world:
        for hsm in world.clusters[CLUSTER].hsms[:2]:
            hsm.users.append(User(user_id=max(u.user_id for u in hsm.users) + 1, user_type=user_type, name=name,
                                  password_hash=credentials.hash_password("password1", world.settings.password_cost)))


def test_logout_fails_on_a_server_the_login_failed_on(doors, store):
    on_two_hsms(store, "CU", "solo")
    out = doors.cmu("loginHSM CU solo password1\nlogoutHSM\nquit\n")
    assert lines(chunk(out, "aws-cloudhsm>", "logoutHSM"))[1:] == [
        "logoutHSM success on server 0(10.0.2.9)", "logoutHSM success on server 1(10.0.3.11)",
        "logoutHSM failed: RET_USER_NOT_LOGGED_IN", "logoutHSM failed on server 2(10.0.1.12)"], out


def test_an_officer_manages_users_only_on_the_servers_it_is_logged_in_to(doors, store):
    out = doors.cmu("createUser CU bob password1\ny\nA\nquit\n")
    assert "createUser failed: RET_USER_NOT_LOGGED_IN\ncreating user on server 0(10.0.2.9) failed" in out, out
    on_two_hsms(store, "CO", "officer")
    out = doors.cmu("loginHSM CO officer password1\ncreateUser CU bob password1\ny\nI\nquit\n")
    assert lines(chunk(out, "aws-cloudhsm>", "createUser"))[-4:] == [
        "Creating User bob(CU) on 3 nodes", "createUser failed: RET_USER_NOT_LOGGED_IN",
        "creating user on server 2(10.0.1.12) failed", "Retry/Ignore/Abort?(R/I/A):I"], out
    assert [any(u.name == "bob" for u in h.users) for h in store.read().clusters[CLUSTER].hsms] == [True, True, False]


def test_only_the_precrypto_officer_s_own_password_activates_a_cluster(doors, store):
    """A crypto user a hand-written INITIALIZED cluster holds changes its password: the cluster
    stays INITIALIZED (activation is the PRECO's change, test_cmu_activation.py)."""
    from hsmshell.world import credentials
    from hsmshell.world.model import User

    from .test_cmu_activation import configure_cmu, new_initialized_cluster

    cluster_id = new_initialized_cluster(doors, store)
    configure_cmu(doors, store, cluster_id)
    with store.transaction() as world:
        hsm = world.clusters[cluster_id].hsms[0]
        hsm.users.append(User(user_id=3, user_type="CU", name="early",
                              password_hash=credentials.hash_password("password1", world.settings.password_cost)))
    out = doors.cmu("loginHSM CU early password1\nchangePswd CU early password2\ny\nquit\n")
    assert "Changing password for early(CU) on 1 nodes" in out and "changePswd failed" not in out, out
    assert store.read().clusters[cluster_id].state == "INITIALIZED"


def test_a_login_of_another_user_does_not_hold_this_one(doors):
    """KMS holds kmsuser while its key store is connected; a user whose name sorts after
    kmsuser is not held by that, and is deleted."""
    out = doors.cmu("loginHSM CO admin co12345\ncreateUser CU zoe password1\ny\ndeleteUser CU zoe\nquit\n")
    assert lines(chunk(out, "aws-cloudhsm>", "deleteUser"))[1:] == [
        "Deleting user zoe(CU) on 3 nodes", "deleteUser success on server 0(10.0.2.9)",
        "deleteUser success on server 1(10.0.3.11)", "deleteUser success on server 2(10.0.1.12)"], out


def test_a_login_spanning_a_cloned_cluster_holds_its_user_on_the_clone_too(tmp_path):
    """A CMU configuration that lists a cloned cluster's HSM too (syncUser, syncKey) logs in on
    both clusters at once: its user is in session on the clone's HSM as on the others, and a
    login to the clone alone cannot change that user's password there either."""
    from ..conftest import Doors
    from .test_cmu_conformance import ADMIN, EXAMPLE_NET, World, user

    path = World(EXAMPLE_NET[:2], [*ADMIN, user(3, "CU", "alice")], clone=[("10.0.5.5", "hsm-cl2onedhsm1")]
                 ).write(tmp_path)
    with open_store(path).transaction() as world:
        hsms = [h.hsm_id for c in world.clusters.values() for h in c.hsms]
        open_session(world, "alice's", "cloudhsm_mgmt_util", CLUSTER, "alice", "CU", hsms, None)
    clone_only = tmp_path / "cloudhsm_mgmt_util.cfg"
    clone_only.write_text('{"servers": [{"hostname": "10.0.5.5", "port": 2225, "enable": true}]}')
    out = Doors(path).cmu("loginHSM CO admin co12345\nchangePswd CU alice password2\ny\nquit\n",
                          config=str(clone_only))
    assert lines(chunk(out, "aws-cloudhsm>", "changePswd"))[-3:] == [
        "Changing password for alice(CU) on 1 nodes", "changePswd failed: RET_USER_IN_SESSION",
        "changing password on server 0(10.0.5.5) failed"], out
