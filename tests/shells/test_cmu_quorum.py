"""The quorum token flow of cloudhsm_mgmt_util (getToken, approveToken, listTokens), through
its own door, with approvals signed by real RSA keys outside the shell as the quorum pages do
it with OpenSSL."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hsmshell.services import open_store
from hsmshell.world.model import QuorumToken

from ..conftest import lines
from .test_cmu_conformance import (APPROVAL_FILE, APPROVED, AS_OFFICER1, GET_TOKEN, OFFICERS, QUORUM, QUORUM_KEYS,
                                   QUORUM_NET, TOKENS, World, public_pem, replay, sign_token, user, wait)

CREATE = ["createUser CU user1 password", "y"]


def run(tmp_path: Path, monkeypatch, *steps, world: World = TOKENS) -> list[str]:
    monkeypatch.chdir(tmp_path)
    return session(world.write(tmp_path), steps)


def session(path: Path, steps) -> list[str]:
    return [line for line in lines(replay(path, [], list(steps))) if line != "aws-cloudhsm>"]


def after(out: list[str], command: str) -> list[str]:
    """The lines a command printed (up to the next command)."""
    start = out.index("aws-cloudhsm>" + command) + 1
    end = next((i for i in range(start, len(out)) if out[i].startswith("aws-cloudhsm>")), len(out))
    return out[start:end]


def approval_by(*signers: tuple[str, rsa.RSAPrivateKey], approver_type: int = 2):
    """An approval file of these (name, key) signatures of officer1.token."""
    def write(folder: Path) -> None:
        token = (folder / "officer1.token").read_bytes()
        blocks = []
        for n, (name, key) in enumerate(signers, 1):
            (folder / f"sig{n}").write_bytes(key.sign(token, padding.PKCS1v15(), hashes.SHA256()))
            blocks.append(f"Approver Type = {approver_type};\nApprover Name = {name};\nApproval File = sig{n};\n")
        (folder / "approval.txt").write_text("Multi Token File Path = officer1.token;\nToken File Path = ;\n"
                                             f"Number of Approvals = {len(signers)};\n" + "".join(blocks))
    return write


def officer(name: str) -> tuple[str, rsa.RSAPrivateKey]:
    return name, QUORUM_KEYS[name]


def test_an_approved_token_lets_exactly_one_user_management_operation_through(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *APPROVED, *CREATE, "deleteUser CU user1", "I", "I",
              "changePswd CO officer2 newPassword1", "y", "changePswd CO officer1 newPassword1", "y", "listUsers")
    assert out.count("approveToken success on server 0(10.0.2.14)") == 1
    assert "createUser failed" not in " ".join(out)
    assert out.count("deleteUser failed: RET_MXN_AUTH_FAILED") == 2  # the token is spent
    assert out.count("changePswd failed: RET_MXN_AUTH_FAILED") == 2  # another officer's password
    assert "changing password on server 1(10.0.1.4) failed" in out
    assert [row.split()[:3] for row in after(out, "listUsers") if row.startswith("8 ")] == [["8", "CU", "user1"]] * 2
    # officer1's own password needs no token.
    assert after(out, "changePswd CO officer1 newPassword1")[-1] == "Changing password for officer1(CO) on 2 nodes"


def test_a_signature_by_a_key_other_than_the_registered_one_approves_nothing(tmp_path, monkeypatch):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    out = run(tmp_path, monkeypatch, *GET_TOKEN, approval_by(officer("officer1"), ("officer2", stranger)),
              "approveToken approval.txt", "listTokens", *CREATE, "A")
    assert out.count("approveToken failed: RET_INVALID_SIGNATURE") == 2
    assert out.count("Current num of approvals : 0") == 2  # not even officer1's good signature
    assert "createUser failed: RET_MXN_AUTH_FAILED" in out


def test_approvals_add_up_until_the_m_value_is_reached(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *GET_TOKEN, approval_by(officer("officer1")), "approveToken approval.txt",
              *CREATE, "A", approval_by(officer("officer2")), "approveToken approval.txt", "listTokens", *CREATE)
    assert out.count("createUser failed: RET_MXN_AUTH_FAILED") == 1  # after the first approval only
    assert out.count("Approver-1: officer2") == 2
    assert out[-1] == "Creating User user1(CU) on 2 nodes"


def test_a_token_is_good_only_in_the_login_that_got_it(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *APPROVED, "logoutHSM", "listTokens", *AS_OFFICER1, *CREATE, "A")
    assert out.count("Num of tokens = 0") == 2
    assert "createUser failed: RET_MXN_AUTH_FAILED" in out


def test_an_expired_token_still_works(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *APPROVED, wait(700), "listTokens", *CREATE)
    assert out.count("Token Validity: 0 sec") == 2
    assert out[-1] == "Creating User user1(CU) on 2 nodes"


def test_an_hsm_keeps_1024_tokens_and_makes_room_only_by_purging_an_expired_one(tmp_path, monkeypatch):
    path = TOKENS.write(tmp_path)
    with open_store(path).transaction() as world:
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[1]  # server 0: the cluster lists it second
        hsm.tokens = [QuorumToken(token_id=i, service=3, node=1, user="officer2", session_id="gone",
                                  issued=world.clock.frozen_at - 60 * (i == 1), nonce=f"{i:032x}")
                      for i in range(1, 1025)]
        hsm.next_token_id = 1025
    monkeypatch.chdir(tmp_path)
    out = session(path, [*AS_OFFICER1, "getToken 3 officer1 t1", wait(541), "getToken 3 officer1 t2",
                         "getToken 3 officer1 t3"])
    first, second, third = (after(out, f"getToken 3 officer1 t{n}") for n in (1, 2, 3))
    assert first[:3] == ["getToken failed: RET_TOKEN_LIMIT_REACHED", "getToken failed on server 0(10.0.2.14)",
                         "getToken success on server 1(10.0.1.4)"]
    # 541 s later the oldest token (issued a minute early) has expired and makes room; then none has.
    assert second[:2] == ["getToken success on server 0(10.0.2.14)", "Token:"]
    assert third[0] == "getToken failed: RET_TOKEN_LIMIT_REACHED"
    hsm = open_store(path).read().clusters["cluster-1a23b4cdefg"].hsms[1]
    # The purged token is gone; the one issued went with the login when the shell quit.
    assert (len(hsm.tokens), hsm.next_token_id) == (1023, 1026)
    assert 1 not in [t.token_id for t in hsm.tokens]


def test_set_m_value_under_a_misc_co_quorum_needs_a_service_4_token(tmp_path, monkeypatch):
    world = World(QUORUM_NET, OFFICERS, m_values={3: 2, 4: 2}, nodes_reversed=True, frozen_at=1_600_000_000.0)
    out = run(tmp_path, monkeypatch, *APPROVED, "setMValue 3 3", "y",
              "getToken 4 officer1 officer1.token", sign_token, "approveToken approval.txt", "setMValue 3 3", "y",
              "getMValue 3", world=world)
    assert out.count("setMValue failed: RET_MXN_AUTH_FAILED") == 2  # a USER_MGMT token is not a MISC_CO one
    assert out[-2:] == ["MValue of service 3[USER_MGMT] on server 0 : [3]",
                        "MValue of service 3[USER_MGMT] on server 1 : [3]"]


def test_bad_requests_and_bad_approval_files_are_refused(tmp_path, monkeypatch):
    world = World(QUORUM_NET, [*OFFICERS, user(8, "CU", "user1")], m_values={3: 2}, frozen_at=1_600_000_000.0)
    (tmp_path / "broken.txt").write_text("Multi Token File Path = officer1.token\n")
    (tmp_path / "uncounted.txt").write_text(APPROVAL_FILE.replace("Number of Approvals = 2;", "Number of Approvals = 3;"))
    out = run(tmp_path, monkeypatch, "getToken 3 officer1 x.token", *AS_OFFICER1, "getToken 3 officer2 x.token",
              "getToken 9 officer1 x.token", "getToken 3 officer1 /nonexistent/dir/x.token", "approveToken broken.txt",
              *GET_TOKEN, "approveToken uncounted.txt", "approveToken nothing.txt",
              approval_by(officer("officer1"), officer("officer2"), approver_type=1), "approveToken approval.txt",
              lambda folder: (folder / "officer1.token").write_text("Token:\nId:1\n"),
              approval_by(officer("officer1"), officer("officer2")), "approveToken approval.txt",
              "loginHSM CU user1 password1", world=world)
    assert out.count("getToken failed: RET_USER_NOT_LOGGED_IN") == 2
    assert out.count("getToken failed: RET_PERMISSION_DENIED") == 2  # a token only for oneself
    assert "Error: Invalid service 9." in out
    assert "Error: Cannot write /nonexistent/dir/x.token: No such file or directory" in out
    assert "Error: broken.txt: line 1: expected `Name = value;`" in out
    assert "Error: uncounted.txt: Number of Approvals = 3; but 2 approvers are given" in out
    assert "Error: Cannot read nothing.txt: No such file or directory" in out
    assert out.count("approveToken failed: RET_INVALID_USER_TYPE") == 2  # CU approvals are for key quorums
    assert out.count("approveToken failed: RET_INVALID_TOKEN") == 2  # the file holds no token of ours
    assert "Traceback" not in " ".join(out)


# -- rules no test broke before, found by benchmarks/mutation.py -----------------------------

def test_an_hsm_without_an_m_value_or_with_m_0_asks_for_no_quorum(tmp_path, monkeypatch):
    world = World(QUORUM_NET, OFFICERS, m_values={3: 0}, frozen_at=1_600_000_000.0)  # 0: written by hand
    out = run(tmp_path, monkeypatch, *AS_OFFICER1, "getMValue 4", *CREATE, world=world)
    assert after(out, "getMValue 4") == ["MValue of service 4[MISC_CO] on server 0 : [1]",
                                         "MValue of service 4[MISC_CO] on server 1 : [1]"]
    assert after(out, "createUser CU user1 password")[-1] == "Creating User user1(CU) on 2 nodes"
    assert "RET_" not in " ".join(out)


def test_approvals_beyond_the_m_value_still_approve(tmp_path, monkeypatch):
    third = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    world = World(QUORUM_NET, [*OFFICERS[:4], user(5, "CO", "officer3", mofn=True, quorum_key=third)],
                  m_values={3: 2}, nodes_reversed=True, frozen_at=1_600_000_000.0)
    out = run(tmp_path, monkeypatch, *GET_TOKEN, "listTokens", wait(1), "listTokens",
              approval_by(officer("officer1"), officer("officer2"), ("officer3", third)),
              "approveToken approval.txt", *CREATE, world=world)
    assert out.count("Token Validity: 600 sec") == 2 and out.count("Token Validity: 599 sec") == 2
    assert out.count("approveToken failed") == 0
    assert out[-1] == "Creating User user1(CU) on 2 nodes"


@pytest.mark.parametrize("held", [1023, 1025])
def test_an_hsm_issues_its_1024th_token_and_none_past_1024(tmp_path, monkeypatch, held):
    """1,023 tokens leave room for one more; a hand-written world may hold more than an HSM keeps
    (1,025): none is issued until there is room again."""
    path = TOKENS.write(tmp_path)
    with open_store(path).transaction() as world:
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[1]  # server 0
        hsm.tokens = [QuorumToken(token_id=i, service=3, node=1, user="officer2", session_id="gone",
                                  issued=world.clock.frozen_at, nonce=f"{i:032x}") for i in range(1, held + 1)]
        hsm.next_token_id = held + 1
    monkeypatch.chdir(tmp_path)
    out = session(path, [*AS_OFFICER1, "getToken 3 officer1 t1"])
    assert after(out, "getToken 3 officer1 t1")[:2] == (
        ["getToken success on server 0(10.0.2.14)", "Token:"] if held < 1024 else
        ["getToken failed: RET_TOKEN_LIMIT_REACHED", "getToken failed on server 0(10.0.2.14)"])


def test_approved_tokens_of_other_logins_and_of_the_other_service_let_nothing_through(tmp_path, monkeypatch):
    """Approved USER_MGMT tokens of two other logins (their session IDs sorting before and after
    any other) are on both HSMs, and this login's own approved token is a MISC_CO one."""
    path = TOKENS.write(tmp_path)
    with open_store(path).transaction() as world:
        for hsm in world.clusters["cluster-1a23b4cdefg"].hsms:
            hsm.tokens = [QuorumToken(token_id=n, service=3, node=1, user="officer2", session_id=session_id,
                                      issued=world.clock.frozen_at, nonce=f"{n:032x}",
                                      approvers=["officer1", "officer2"])
                          for n, session_id in ((1, "0"), (2, "~"))]
            hsm.next_token_id = 3
    monkeypatch.chdir(tmp_path)
    out = session(path, [*AS_OFFICER1, "getToken 4 officer1 officer1.token", sign_token,
                         "approveToken approval.txt", *CREATE, "A"])
    assert out.count("approveToken failed") == 0
    assert "createUser failed: RET_MXN_AUTH_FAILED" in out


@pytest.mark.parametrize("other", ["0", "~"])
def test_another_login_s_token_is_not_approved_by_this_one(tmp_path, monkeypatch, other):
    """officer2's login (its session ID sorting before or after any other) got a token on
    server 0; its file, signed by both officers, approves nothing in officer1's login."""
    from hsmshell.cloudhsm.quorum import token_text

    path = TOKENS.write(tmp_path)
    with open_store(path).transaction() as world:
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[1]  # server 0
        token = QuorumToken(token_id=1, service=3, node=1, user="officer2", session_id=other,
                            issued=world.clock.frozen_at, nonce="0" * 32)
        hsm.tokens = [token]
        hsm.next_token_id = 2
        (tmp_path / "officer1.token").write_text(token_text(hsm, token))
    monkeypatch.chdir(tmp_path)
    out = session(path, [*AS_OFFICER1, approval_by(officer("officer1"), officer("officer2")),
                         "approveToken approval.txt"])
    assert out.count("approveToken failed: RET_INVALID_TOKEN") == 2


def test_an_approval_of_a_type_other_than_co_is_refused(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *GET_TOKEN, approval_by(officer("officer1"), officer("officer2"),
                                                             approver_type=3), "approveToken approval.txt")
    assert out.count("approveToken failed: RET_INVALID_USER_TYPE") == 2


def test_setmvalue_takes_up_to_8_officers(tmp_path, monkeypatch):
    officers = [user(1, "PCO", "admin"), user(2, "AU", "app_user"),
                *(user(2 + i, "CO", f"officer{i}") for i in range(1, 9))]  # 9 officers
    out = run(tmp_path, monkeypatch, *AS_OFFICER1, "setMValue 3 9", "y", "setMValue 3 0", "y", "setMValue 3 8", "y",
              "getMValue 3", "setMValue 4 1", "y", world=World(QUORUM_NET, officers))
    assert after(out, "setMValue 3 9").count("setMValue failed: RET_INVALID_M_VALUE") == 2  # over the most
    assert after(out, "setMValue 3 0").count("setMValue failed: RET_INVALID_M_VALUE") == 2
    assert after(out, "getMValue 3") == ["MValue of service 3[USER_MGMT] on server 0 : [8]",
                                         "MValue of service 3[USER_MGMT] on server 1 : [8]"]
    assert "RET_" not in " ".join(after(out, "setMValue 4 1"))  # 1: no quorum


def registration(folder: Path, *, size: int = 2048, token: bytes = bytes(range(200)), signed: bytes | None = None,
                 name: str = "q") -> None:
    """A registration token, its signature and the public key, as quorum_key_files makes them."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=size)
    (folder / f"{name}.token").write_bytes(token)
    (folder / f"{name}.sig").write_bytes(private.sign(token if signed is None else signed, padding.PKCS1v15(),
                                                      hashes.SHA256()))
    (folder / f"{name}.pub").write_bytes(public_pem(private))


def register(name: str, files: str = "q") -> list[str]:
    return [f"registerQuorumPubKey CO {name} {files}.token {files}.sig {files}.pub", "y"]


def test_a_crypto_officer_registers_only_their_own_quorum_key(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *AS_OFFICER1, registration, "registerQuorumPubKey CU officer1 q.token q.sig q.pub",
              "y", "registerQuorumPubKey AU officer1 q.token q.sig q.pub", "y", *register("app_user"), *register("officer2"), *register("admin"), *register("nobody"), *register("officer1"),
              world=QUORUM)
    assert after(out, "registerQuorumPubKey CO nobody q.token q.sig q.pub").count(
        "registerQuorumPubKey failed: RET_USER_NOT_FOUND") == 2
    assert after(out, "registerQuorumPubKey CU officer1 q.token q.sig q.pub")[-4:] == [
        "registerQuorumPubKey failed: RET_USER_NOT_FOUND", "registerQuorumPubKey failed on server 0(10.0.2.14)",
        "registerQuorumPubKey failed: RET_USER_NOT_FOUND", "registerQuorumPubKey failed on server 1(10.0.1.4)"]
    assert after(out, "registerQuorumPubKey AU officer1 q.token q.sig q.pub").count(
        "registerQuorumPubKey failed: RET_USER_NOT_FOUND") == 2  # CO is the one type (sorting after AU, before CU)
    assert after(out, "registerQuorumPubKey CO app_user q.token q.sig q.pub").count(
        "registerQuorumPubKey failed: RET_USER_NOT_FOUND") == 2  # an application user is no officer
    for other in ("officer2", "admin"):  # another officer, whose name sorts after or before
        assert after(out, f"registerQuorumPubKey CO {other} q.token q.sig q.pub").count(
            "registerQuorumPubKey failed: RET_PERMISSION_DENIED") == 2, other
    assert after(out, "registerQuorumPubKey CO officer1 q.token q.sig q.pub")[-2:] == [
        "registerQuorumPubKey success on server 0(10.0.2.14)", "registerQuorumPubKey success on server 1(10.0.1.4)"]


def test_a_registration_needs_an_rsa_2048_key_and_a_signed_token_of_at_most_245_bytes(tmp_path, monkeypatch):
    def files(folder: Path) -> None:
        registration(folder, token=bytes(245), name="max")
        registration(folder, token=bytes(246), name="long")
        registration(folder, signed=b"another token", name="unsigned")
        registration(folder, size=1024, name="small")
        registration(folder, size=3072, name="large")
        registration(folder, name="text")
        (folder / "text.pub").write_text("not a public key\n")
        registration(folder, name="unknown")  # a key of an algorithm nobody knows (OID 1.2.3)
        (folder / "unknown.pub").write_text("-----BEGIN PUBLIC KEY-----\nMAwwBgYCKgMFAAMCAAE=\n-----END PUBLIC KEY-----\n")

    refused = ("long", "unsigned", "small", "large", "text", "unknown")
    out = run(tmp_path, monkeypatch, *AS_OFFICER1, files, *(line for name in refused for line in register(
        "officer1", name)[:1]), *register("officer1", "max"), world=QUORUM)
    for name in refused:
        assert after(out, register("officer1", name)[0]) == [
            "Error: The signed registration token does not verify with the public key."], name
    assert after(out, register("officer1", "max")[0])[-1] == "registerQuorumPubKey success on server 1(10.0.1.4)"


def test_a_token_is_only_for_oneself_whoever_the_other_is(tmp_path, monkeypatch):
    out = run(tmp_path, monkeypatch, *AS_OFFICER1, "getToken 3 admin t.token", "getToken 3 OFFICER1 t.token")
    assert after(out, "getToken 3 admin t.token").count("getToken failed: RET_PERMISSION_DENIED") == 2
    assert after(out, "getToken 3 OFFICER1 t.token")[:2] == ["getToken success on server 0(10.0.2.14)", "Token:"]


def test_a_login_that_ends_takes_only_its_own_tokens(tmp_path, monkeypatch):
    """Tokens of other logins (their session IDs sorting before and after any other) stay."""
    path = TOKENS.write(tmp_path)
    with open_store(path).transaction() as world:
        hsm = world.clusters["cluster-1a23b4cdefg"].hsms[1]  # server 0
        hsm.tokens = [QuorumToken(token_id=n, service=3, node=1, user="officer2", session_id=session_id,
                                  issued=world.clock.frozen_at, nonce=f"{n:032x}")
                      for n, session_id in ((1, "0"), (2, "~"))]
        hsm.next_token_id = 3
    monkeypatch.chdir(tmp_path)
    out = session(path, [*AS_OFFICER1, "getToken 3 officer1 t1", "listTokens"])
    assert after(out, "listTokens").count("Num of tokens = 3") == 1
    hsm = open_store(path).read().clusters["cluster-1a23b4cdefg"].hsms[1]
    assert [t.session_id for t in hsm.tokens] == ["0", "~"]
