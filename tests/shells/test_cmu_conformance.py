"""Every cloudhsm_mgmt_util session of the documentation, replayed against a world built from
its stated preconditions and compared with the spec's tolerance (cloudhsm-shells-spec §0.3).

A case names its world, the lines typed before the documented session (to reach its
preconditions), and the lines of the session itself (with the answers and hidden passwords
the page does not show).  Where the page contradicts itself or another page, the case carries
the fix of the documented text to the canonical form, with the spec §4 item that justifies it.
The few sessions the emulator cannot replay are listed in NOT_REPLAYED with the reason.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from hsmshell.services import open_store
from hsmshell.world import clock
from hsmshell.shells.cmu import CloudHsmMgmtUtil
from hsmshell.shells.console import StreamConsole

from .conftest import EXAMPLES, doc_body, normalise

PASSWORD = "password1"

# -- worlds ------------------------------------------------------------------------------------

GETTING_STARTED = [("10.0.2.9", "hsm-udw0tkfg1ab"), ("10.0.3.11", "hsm-ab2cdefg3hi"), ("10.0.1.12", "hsm-jk4lmnop5qr")]
CHANGE_PSWD = [("10.1.9.193", "hsm-jqici4covtv"), ("10.1.10.7", "hsm-ogi3sywxbqx")]
EXAMPLE_NET = [("10.0.0.1", "hsm-udw0tkfg1ab"), ("10.0.0.2", "hsm-ogi3sywxbqx"), ("10.0.0.3", "hsm-kp2mxr7aaaa")]
QUORUM_NET = [("10.0.2.14", "hsm-qa2aaaaaaaa"), ("10.0.1.4", "hsm-qb2bbbbbbbb")]
SHARE_NET = [("10.0.3.10", "hsm-sa2aaaaaaaa"), ("10.0.3.6", "hsm-sb2bbbbbbbb")]
ATTRIBUTE_NET = [("10.0.1.10", "hsm-ga2aaaaaaaa"), ("10.0.1.12", "hsm-gb2bbbbbbbb"), ("10.0.1.7", "hsm-gc2cccccccc")]


def user(uid: int, user_type: str, name: str, password: str = PASSWORD, mofn: bool = False,
         quorum_key: rsa.RSAPrivateKey | None = None) -> dict:
    made = {"user_id": uid, "user_type": user_type, "name": name, "password": password, "mofn_pub_key": mofn}
    if quorum_key:
        made["quorum_pub_key"] = public_pem(quorum_key).decode()
    return made


def public_pem(private: rsa.RSAPrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)


# The quorum keys of the two officers who approve tokens in the quorum pages' sessions.
QUORUM_KEYS = {name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
               for name in ("officer1", "officer2")}


ADMIN = [user(1, "CO", "admin", "co12345"), user(2, "AU", "app_user")]
PCO_ADMIN = [user(1, "PCO", "admin", "735782961", mofn=True), user(2, "AU", "app_user")]
OFFICERS = [user(1, "PCO", "admin"), user(2, "AU", "app_user"),
            *(user(2 + i, "CO", f"officer{i}", mofn=True, quorum_key=QUORUM_KEYS.get(f"officer{i}"))
              for i in range(1, 6))]
CRYPTO_USERS = [user(1, "PCO", "admin", mofn=True), user(2, "AU", "app_user"),
                *(user(i, "CU", f"crypto_user{i}") for i in (3, 4, 5, 6))]


def key(handle: int, owner: int, shared=(), key_class: int = 4, key_type: int = 31, size: int = 32, **extra) -> dict:
    return {"handle": handle, "owner": owner, "shared_with": list(shared), "key_class": key_class,
            "key_type": key_type, "size": size, **extra}


@dataclass
class World:
    servers: list[tuple[str, str]]
    users: list[dict]
    keys: list[dict] = field(default_factory=list)
    users_on: dict[int, list[dict]] = field(default_factory=dict)  # a server's own user table
    m_values: dict[int, int] = field(default_factory=dict)
    clone: list[tuple[str, str]] = field(default_factory=list)  # HSMs of a cluster made from a backup
    # The cluster's own order of its HSMs (their node ids) against CMU's configuration order.
    nodes_reversed: bool = False
    frozen_at: float | None = None  # a world clock standing still here

    def write(self, folder: Path) -> Path:
        def cluster(cluster_id, servers, keys):
            hsms = [{"hsm_id": hsm_id, "availability_zone": "us-west-2a", "subnet_id": "subnet-0e358c43a2b4f8c1d",
                     "eni_id": f"eni-{i:017x}", "eni_ip": ip,
                     "users": self.users_on.get(i, self.users), "m_values": dict(self.m_values)}
                    for i, (ip, hsm_id) in enumerate(servers)]
            if self.nodes_reversed:
                hsms.reverse()
            for k in keys:
                k.setdefault("hsms", [h["hsm_id"] for h in hsms])
            return {"cluster_id": cluster_id, "state": "ACTIVE", "hsm_type": "hsm1.medium",
                    "vpc_id": "vpc-0a1b2c3d4e5f67890", "subnets": {"us-west-2a": "subnet-0e358c43a2b4f8c1d"},
                    "security_group": "sg-0c1d2e3f4a5b6c7d8", "lineage": "lineage-1",
                    "trust_anchor": "-----BEGIN CERTIFICATE-----\nMIIBXTCC\n-----END CERTIFICATE-----\n",
                    "hsms": hsms, "keys": keys, "next_handle": 2_200_000}

        clusters = [cluster("cluster-1a23b4cdefg", self.servers, [dict(k) for k in self.keys])]
        if self.clone:
            clusters.append(cluster("cluster-2clone2222", self.clone, []))
        fixture = folder / "fixture.yaml"
        fixture.write_text(yaml.safe_dump({
            **({"clock": {"frozen_at": self.frozen_at}} if self.frozen_at is not None else {}),
            "ids": {"seed": 6}, "settings": {"password_cost": 4},
            "client": {"cluster_id": "cluster-1a23b4cdefg",
                       "cmu_servers": [ip for ip, _ in self.servers + self.clone]},
            "clusters": clusters,
        }, sort_keys=False))
        path = folder / "world.yaml"
        open_store(path).create(str(fixture))
        return path


# -- cases -------------------------------------------------------------------------------------

Fix = tuple[str, Callable[[str], str]]  # (why, documented text -> canonical text)


def replace(why: str, *pairs: str) -> Fix:
    def fix(text: str) -> str:
        for old, new in zip(pairs[::2], pairs[1::2]):
            assert old in text, f"{old!r} not in the documented text"
            text = text.replace(old, new)
        return text
    return why, fix


THIRD_SERVER = replace("§4.7: the third HSM (10.0.0.3) is labelled server 1", "server 1(10.0.0.3)", "server 2(10.0.0.3)")
INVALID_ON_PROMPT_LINE = replace("§4.43: the empty first answer is not shown as a line of its own",
                                 "(y/n)?Invalid option", "(y/n)?\nInvalid option")
ANSWER_NOT_SHOWN = replace("§4.43: the page does not show the typed y", "(y/n)?\n", "(y/n)?y\n")
SERVER_MODE = "\n\nServer is in 'E2' mode...\nserver0>"


Step = str | Callable[[Path], None]  # a line typed, or something done meanwhile in the folder


@dataclass
class Case:
    world: World
    script: list[Step]
    before: list[Step] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    narrow: str | None = None  # spec §4 item of a layout whose column widths differ
    substitute: dict[str, str] = field(default_factory=dict)  # doc placeholders -> values


def login(user_type: str, name: str, password: str = PASSWORD) -> list[str]:
    return [f"loginHSM {user_type} {name} {password}"]


GS = World(GETTING_STARTED, ADMIN)
GS2 = World(GETTING_STARTED[:2], ADMIN)
CLI_USERS = World(GETTING_STARTED, [*ADMIN, user(3, "CO", "example_officer"), user(4, "CU", "example_user")])
PSWD_USERS = [user(1, "PCO", "admin", mofn=True), user(2, "AU", "jane"), user(3, "CU", "bob"),
              user(4, "CO", "alice"), user(5, "CO", "john")]
CREATE = World(EXAMPLE_NET, PCO_ADMIN)
WITH_ALICE = World(EXAMPLE_NET, [*PCO_ADMIN, user(3, "CO", "alice")])
QUORUM = World(QUORUM_NET, OFFICERS, m_values={3: 2})
# The token pages' cluster: server 0 is node 1 (its token says `Node:1`), and the clock stands
# still so that a token's validity reads as the page shows it.
TOKENS = World(QUORUM_NET, OFFICERS, m_values={3: 2}, nodes_reversed=True, frozen_at=1_600_000_000.0)
AS_ADMIN_PCO = login("CO", "admin", "735782961")
AS_OFFICER1 = login("CO", "officer1")
AS_USER3 = login("CU", "crypto_user3")


def sign_token(folder: Path) -> None:
    """What officer1 and officer2 do outside the HSM (quorum-authentication-crypto-officers.md):
    `openssl dgst -sha256 -sign officerN.key -out officer1.token.sigN officer1.token`, then the
    token approval file exactly as the page gives it."""
    token = (folder / "officer1.token").read_bytes()
    for n, name in enumerate(("officer1", "officer2"), 1):
        (folder / f"officer1.token.sig{n}").write_bytes(
            QUORUM_KEYS[name].sign(token, padding.PKCS1v15(), hashes.SHA256()))
    (folder / "approval.txt").write_text(APPROVAL_FILE)


APPROVAL_FILE = """\
# For "Multi Token File Path", type the path to the file that contains
# the token. You can type the same value for "Token File Path", but
# that's not required. The "Token File Path" line is required in any
# case, regardless of whether you type a value.
Multi Token File Path = officer1.token;
Token File Path = ;

# Total number of approvals
Number of Approvals = 2;

# Approver 1
# Type the approver's type, name, and the path to the file that
# contains the approver's signature.
Approver Type = 2; # 2 for CO, 1 for CU
Approver Name = officer1;
Approval File = officer1.token.sig1;

# Approver 2
# Type the approver's type, name, and the path to the file that
# contains the approver's signature.
Approver Type = 2; # 2 for CO, 1 for CU
Approver Name = officer2;
Approval File = officer1.token.sig2;
"""


def wait(seconds: float) -> Step:
    def advance(folder: Path) -> None:
        with open_store(folder / "world.yaml").transaction() as world:
            clock.advance(world, seconds)
    return advance


GET_TOKEN = [*AS_OFFICER1, "getToken 3 officer1 officer1.token"]
APPROVED = [*GET_TOKEN, sign_token, "approveToken approval.txt"]

CASES: dict[str, Case] = {
    "cmu-02": Case(GS, ["loginHSM CO admin -hpswd", "co12345"]),
    "cmu-03": Case(GS, ["listUsers"], before=login("CO", "admin", "co12345")),
    "cmu-04": Case(GS, ["createUser CU example_user password1"], before=login("CO", "admin", "co12345")),
    "cmu-05": Case(GS, ["listUsers"], before=[*login("CO", "admin", "co12345"),
                                              "createUser CU example_user password1", "y"]),
    "cmu-06": Case(GS, ["logoutHSM"], before=login("CO", "admin", "co12345")),
    "cmu-07": Case(GS, ["quit"]),
    "cmu-08": Case(GS2, ["loginHSM CO admin co12345"]),
    "cmu-09": Case(GS2, ["loginHSM CO admin -hpswd", "co12345"]),
    "cmu-10": Case(GS2, ["logoutHSM"], before=login("CO", "admin", "co12345")),
    "cmu-11": Case(World(CHANGE_PSWD, PSWD_USERS), ["info server 0", "info server 1"], before=login("CU", "bob"),
                   narrow="§2.5 info: changePswd.md's info columns are 17 wide"),
    "cmu-12": Case(World(CHANGE_PSWD, PSWD_USERS), ["changePswd CU bob newPassword", "y"], before=login("CU", "bob")),
    "cmu-13": Case(World(CHANGE_PSWD, PSWD_USERS), ["info server 0", "info server 1"], before=login("CO", "alice"),
                   fixes=[replace("§4.7: changePswd.md's info shows Id 0 for server 1",
                                  "0       10.1.10.7", "1       10.1.10.7")],
                   narrow="§2.5 info: changePswd.md's info columns are 17 wide"),
    # The page's alice is a CU on server 0 and a CO on server 1 (§4.6); the world says so too.
    "cmu-14": Case(World(CHANGE_PSWD, PSWD_USERS, users_on={0: [*PSWD_USERS[:3], user(4, "CU", "alice"), PSWD_USERS[4]]}),
                   ["listUsers"], narrow="§4.3: the narrow listUsers layout"),
    "cmu-15": Case(World(CHANGE_PSWD, PSWD_USERS), ["changePswd CO john newPassword", "y"], before=login("CO", "alice")),
    "cmu-16": Case(CREATE, AS_ADMIN_PCO, fixes=[THIRD_SERVER]),
    "cmu-17": Case(CREATE, ["createUser CO alice 391019314", "", "y"], before=AS_ADMIN_PCO, fixes=[INVALID_ON_PROMPT_LINE]),
    "cmu-18": Case(CREATE, ["listUsers"], before=[*AS_ADMIN_PCO, "createUser CO alice 391019314", "y"], fixes=[THIRD_SERVER]),
    "cmu-19": Case(CREATE, ["createUser CU bob defaultPassword", "", "y"], before=AS_ADMIN_PCO, fixes=[INVALID_ON_PROMPT_LINE]),
    "cmu-20": Case(WITH_ALICE, ["listUsers"], fixes=[THIRD_SERVER]),
    "cmu-21": Case(WITH_ALICE, ["deleteUser CO alice"], before=AS_ADMIN_PCO,
                   fixes=[replace("§4.7: deleteUser.md prints server 0 on every line",
                                  "server 0(10.0.0.2)", "server 1(10.0.0.2)", "server 0(10.0.0.3)", "server 2(10.0.0.3)")]),
    "cmu-22": Case(WITH_ALICE, ["listUsers"], before=[*AS_ADMIN_PCO, "deleteUser CO alice"], fixes=[THIRD_SERVER]),
    "cmu-23": Case(World(EXAMPLE_NET, CRYPTO_USERS, [key(8, 3, [4]), key(9, 3, [4]), key(17, 3, [4]), key(262162, 3, [4]),
                                                     key(19, 4), key(31, 4)]),
                   ["findAllKeys 4 0"], before=login("CO", "admin"),
                   fixes=[THIRD_SERVER, replace("§4.10: the annotation of key 17 is missing", "17,", "17(s),")]),
    "cmu-24": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(8, 3, [6]), key(9, 3, [6]), key(11, 6), key(17, 3, [6])]),
                   ["findAllKeys 6 1"], before=login("CO", "admin"),
                   fixes=[replace("§4.9/§4.10: 4 keys counted as 3, and 11 annotated on one server only",
                                  "found 3", "found 4", "0::3", "0::4", "11,", "11(o),")]),
    "cmu-25": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [
        key(6, 3), key(7, 3), key(8, 4, [3]), key(11, 3), key(12, 3), key(14, 3), key(262159, 3), key(262160, 3),
        key(17, 4, [3]), key(262162, 4, [3]), key(19, 4, [3]), key(20, 3), key(21, 3),
        key(262177, 3, key_class=3, key_type=3, size=138), key(262179, 3, key_class=2, key_type=3, size=91),
        key(262180, 3), key(262181, 3)]), ["findAllKeys 3 1"], before=login("CO", "admin")),
    "cmu-26": Case(GS, ["listAttributes"]),
    "cmu-27": Case(World(ATTRIBUTE_NET, CRYPTO_USERS, [key(262170, 3)]), ["getAttribute 262170 354"], before=AS_USER3),
    "cmu-28": Case(GS, ["server 0", "getCert {tmp}/PO.crt 4"], before=login("CO", "admin", "co12345"),
                   substitute={"/tmp/PO.crt": "{tmp}/PO.crt"}),
    "cmu-30": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(262162, 3, [4, 6], key_class=3, key_type=0, size=256)]),
                   ["getKeyInfo 262162"], before=AS_USER3),
    "cmu-31": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(262177, 3, [4], key_class=3, key_type=3, size=138)]),
                   ["getKeyInfo -k 262177"], before=AS_USER3),
    "cmu-32": Case(World(SHARE_NET, CRYPTO_USERS, [key(262179, 3, key_class=2, key_type=3, size=91)]),
                   ["getKeyInfo -k 262179"], before=AS_USER3),
    "cmu-33": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(10, 3, [4], label="aes256m2", m_value=2)]),
                   ["getKeyInfo 10"], before=AS_USER3),
    "cmu-34": Case(World(EXAMPLE_NET[:1], [*ADMIN, user(3, "CU", "testuser")]), ["info server 0"], before=login("CU", "testuser")),
    "cmu-36": Case(World(EXAMPLE_NET[:2], [], users_on={
        0: [user(1, "PCO", "admin", mofn=True), user(2, "AU", "app_user"), user(3, "CU", "crypto_user1"),
            user(4, "CU", "crypto_user2"), user(5, "CO", "officer1", mofn=True), user(6, "CO", "officer2")],
        1: [user(1, "PCO", "admin", mofn=True), user(2, "AU", "app_user"), user(3, "CU", "crypto_user1"),
            user(4, "CU", "crypto_user2"), user(5, "CO", "officer1", mofn=True)]}),
        ["listUsers"], narrow="§4.3: the narrow listUsers layout"),
    "cmu-37": Case(GS, ["quit"]),
    "cmu-38": Case(World(EXAMPLE_NET[:1], [user(1, "PCO", "admin"), user(2, "AU", "app_user"), user(3, "CO", "quorum_officer")]),
                   ["registerQuorumPubKey CO quorum_officer {tmp}/q.token {tmp}/q.token.sig {tmp}/q.pub", "y", "listUsers"],
                   before=login("CO", "quorum_officer"),
                   substitute={"<quorum_officer> </path/to/quorum_officer.token> </path/to/quorum_officer.token.sig> "
                               "</path/to/quorum_officer.pub>": "quorum_officer {tmp}/q.token {tmp}/q.token.sig {tmp}/q.pub"}),
    "cmu-39": Case(GS, ["server 0", "exit"]),
    "cmu-40": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(14, 3, label="aes256")]), ["getAttribute 14 261"], before=AS_USER3),
    "cmu-41": Case(World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(14, 3, label="aes256")]), ["setAttribute 14 261 0", " y"],
                   before=AS_USER3),
    # §4.37: setAttribute.md's last example has other IPs; its world is built with them.
    "cmu-42": Case(World([("10.0.3.6", "hsm-sb2bbbbbbbb"), ("10.0.1.7", "hsm-gc2cccccccc")], CRYPTO_USERS,
                         [key(14, 3, label="aes256")]),
                   ["getAttribute 14 261"], before=[*AS_USER3, "setAttribute 14 261 0", "y"]),
    "cmu-43": Case(World(SHARE_NET, CRYPTO_USERS, [key(262177, 3, key_class=3, key_type=3, size=138)]),
                   ["getKeyInfo 262177"], before=AS_USER3),
    "cmu-44": Case(World(SHARE_NET, CRYPTO_USERS, [key(262177, 3, key_class=3, key_type=3, size=138)]),
                   ["shareKey 262177 4 1", "y"], before=AS_USER3),
    "cmu-45": Case(World(SHARE_NET, CRYPTO_USERS, [key(262177, 3, key_class=3, key_type=3, size=138)]),
                   ["getKeyInfo 262177"], before=[*AS_USER3, "shareKey 262177 4 1", "y"]),
    "cmu-46": Case(World(SHARE_NET, CRYPTO_USERS, [key(6, 3, [4])]), ["shareKey 6 4 0", "y"], before=AS_USER3),
    "cmu-47": Case(World(EXAMPLE_NET[:1], CRYPTO_USERS, [key(261251, 3)], clone=[("10.0.5.5", "hsm-cl2onedhsm1")]),
                   ["server 0", "syncKey 261251 1"], before=login("CO", "admin"),
                   fixes=[replace("§4.1: syncKey.md shows the global prompt in server mode",
                                  "server 0\naws-cloudhsm>", "server 0" + SERVER_MODE)]),
    "cmu-48": Case(World(EXAMPLE_NET[:2], [], users_on={0: [*CRYPTO_USERS[:2], user(6, "CO", "officer6")],
                                                          1: CRYPTO_USERS[:2]}),
                   ["server 0", "syncUser 6 1"], before=login("CO", "admin"),
                   fixes=[replace("§4.1: syncUser.md's server-mode prompt is `server 0>`", "server 0\nserver 0>",
                                  "server 0" + SERVER_MODE)]),
    "cmu-49": Case(World(GETTING_STARTED, CRYPTO_USERS, [key(524295, 3)]), ["shareKey 524295 4 1", "y"], before=AS_USER3),
    "cmu-50": Case(GS, ["createUser CO example_officer password1"], before=login("CO", "admin", "co12345")),
    "cmu-51": Case(GS, ["createUser CU example_user password1"], before=login("CO", "admin", "co12345")),
    "cmu-52": Case(World(GETTING_STARTED, [user(1, "AU", "app_user"), user(2, "CO", "example_officer"),
                                           user(3, "CU", "example_user")]),
                   ["listUsers"], fixes=[replace("§4.4: cli-users.md counts 4 users over 3 rows", "found:4", "found:3")]),
    "cmu-53": Case(CLI_USERS, ["changePswd CO example_officer newPassword1", "y"], before=login("CO", "example_officer"),
                   fixes=[ANSWER_NOT_SHOWN], substitute={"<new password>": "newPassword1"}),
    "cmu-54": Case(CLI_USERS, ["changePswd CU example_user newPassword1", "y"], before=login("CO", "admin", "co12345"),
                   fixes=[ANSWER_NOT_SHOWN], substitute={"<new password>": "newPassword1"}),
    "cmu-55": Case(CLI_USERS, ["deleteUser CO example_officer"], before=login("CO", "admin", "co12345")),
    "cmu-60": Case(QUORUM, ["createUser CU user1 password", "y", "A"], before=AS_OFFICER1),
    "cmu-61": Case(TOKENS, ["getToken 3 officer1 officer1.token"], before=AS_OFFICER1),
    "cmu-62": Case(TOKENS, ["approveToken approval.txt"], before=[*GET_TOKEN, sign_token]),
    # The page's token has 506 of its 600 seconds left.
    "cmu-63": Case(TOKENS, ["listTokens"], before=[*APPROVED, wait(94)]),
    "cmu-64": Case(TOKENS, ["createUser CU user1 password", "y"], before=APPROVED),
    # After cmu-64 the one token is spent.
    "cmu-67": Case(TOKENS, ["listTokens"], before=[*APPROVED, "createUser CU user1 password", "y"]),
    "cmu-65": Case(World(QUORUM_NET, [*OFFICERS, user(8, "CU", "user1")]), ["listUsers"]),
    "cmu-66": Case(World(QUORUM_NET, [*OFFICERS, user(8, "CU", "user1")], m_values={3: 2}),
                   ["deleteUser CU user1", "I", "I"], before=AS_OFFICER1),
    "cmu-68": Case(World(QUORUM_NET, [*OFFICERS[:2], user(3, "CO", "officer1")]),
                   ["registerQuorumPubKey CO officer1 {tmp}/q.token {tmp}/q.token.sig {tmp}/q.pub", "y"],
                   before=AS_OFFICER1,
                   substitute={"<officer1> <officer1.token> <officer1.token.sig> <officer1.pub>":
                               "officer1 {tmp}/q.token {tmp}/q.token.sig {tmp}/q.pub"},
                   fixes=[replace("the page shows server 0 only, of the 2 HSMs it has (its own note)",
                                  "server 0(10.0.2.14)", "server 0(10.0.2.14)\n"
                                  "registerQuorumPubKey success on server 1(10.0.1.4)")]),
    "cmu-69": Case(World(QUORUM_NET, OFFICERS), ["listUsers"]),
    "cmu-70": Case(World(QUORUM_NET, OFFICERS), ["setMValue 3 2", "y"], before=AS_OFFICER1),
    "cmu-71": Case(World(QUORUM_NET, OFFICERS, m_values={3: 2}), ["getMValue 3"]),
    "cmu-72": Case(World(QUORUM_NET, OFFICERS), ["getMValue 4"]),
    "cmu-73": Case(World(QUORUM_NET, OFFICERS), ["setMValue 4 2", "y"], before=AS_OFFICER1),
    # §4.38: find-key-material.md shows server 0 only; its world has that one HSM.
    "kms-06": Case(World(EXAMPLE_NET[:1], [user(1, "PCO", "admin"), user(2, "AU", "app_user"), user(3, "CU", "kmsuser")]),
                   ["listUsers"], narrow="§4.3: the narrow listUsers layout"),
    "kms-07": Case(World(EXAMPLE_NET[:2], [*CRYPTO_USERS[:2], user(3, "CU", "kmsuser")],
                         [key(8, 3), key(9, 3), key(262162, 3)]),
                   ["findAllKeys 3 0"], before=login("CO", "admin"),
                   fixes=[replace("§4.9/§4.11: counts that disagree with the list, and no (o) on owned keys",
                                  "found 6", "found 3", "0::6", "0::3", "8,9,262162", "8(o),9(o),262162(o)")]),
    "kms-08": Case(World([("10.0.1.10", "hsm-ga2aaaaaaaa")], [*CRYPTO_USERS[:2], user(3, "CU", "kmsuser")],
                         [key(262162, 3, label="arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                              extractable=False)]),
                   ["getAttribute 262162 3"], before=login("CU", "kmsuser")),
}

# Sessions that are checked elsewhere or cannot be replayed, with the reason.
NOT_REPLAYED = {
    "cmu-01": "start-up banner: test_startup_banner_is_the_documented_one",
    "cmu-29": "getHSMInfo, truncated by the page: test_get_hsm_info_matches_the_truncated_page",
    "cmu-35": "§4.2: listAttributes.md shows key_mgmt_util's prompt and header; cmu-26 is the canonical form",
    "kms-01": "the default world: test_cmu.test_login_as_crypto_officer_on_every_server",
    "kms-02": "the default world: test_cmu.test_change_kmsuser_password_after_disconnecting",
}


def test_every_documented_cmu_session_is_replayed_or_listed():
    names = {p.name[:6] for p in EXAMPLES.glob("*.txt") if p.name.startswith("cmu-")
             or re.match(r"kms-0[12678]", p.name)}
    assert names == set(CASES) | set(NOT_REPLAYED)
    assert not set(CASES) & set(NOT_REPLAYED)


# -- replay ------------------------------------------------------------------------------------

class Typist:
    """Input lines for the shell that note where in the output the documented session starts
    and where it ends (the shell has written its prompt and waits for the next line), and do
    the steps between lines (signing a token, letting time pass) when the shell gets there."""

    def __init__(self, before: list[Step], script: list[Step], out: io.StringIO, folder: Path):
        self.steps, self.start_at, self.next = [*before, *script], len(before), 0
        self.out, self.folder = out, folder
        self.marks: list[int] = []

    def readline(self, *args) -> str:
        while True:
            if self.next == self.start_at:
                self.marks.append(self.out.tell())
            if self.next >= len(self.steps):
                self.marks.append(self.out.tell())
                return ""
            step = self.steps[self.next]
            self.next += 1
            if isinstance(step, str):
                return step + "\n"
            step(self.folder)


def replay(path: Path, before: list[Step], script: list[Step]) -> str:
    out = io.StringIO()
    typist = Typist(before, script, out, path.parent)
    CloudHsmMgmtUtil(open_store(path), StreamConsole(typist, out, echo=True)).run()
    text = out.getvalue()
    start = text.rfind("\n", 0, typist.marks[0]) + 1  # from the prompt of the first line
    end = typist.marks[1] if len(typist.marks) > 1 else len(text)
    return text[start:end]


def quorum_key_files(folder: Path) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = bytes(range(200))
    (folder / "q.token").write_bytes(token)
    (folder / "q.token.sig").write_bytes(private.sign(token, padding.PKCS1v15(), hashes.SHA256()))
    (folder / "q.pub").write_bytes(public_pem(private))


def compared(text: str, narrow: bool) -> list[str]:
    out = [re.sub(r"^(server\d+>) *", r"\1 ", line).rstrip() for line in normalise(text)]
    out = ["<hash>" if re.fullmatch(r"[0-9a-f]{64}", line) else line for line in out]
    while out and out[-1] in ("aws-cloudhsm>", "server0>"):
        out.pop()  # a page shows the next prompt, or not
    return [" ".join(line.split()) for line in out] if narrow else out


@pytest.mark.parametrize("name", sorted(CASES))
def test_documented_session(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the pages' relative files (officer1.token ...) are
    case = CASES[name]
    if any("{tmp}" in step for step in case.script if isinstance(step, str)):
        quorum_key_files(tmp_path)
    script = [step.replace("{tmp}", str(tmp_path)) if isinstance(step, str) else step for step in case.script]
    expected = doc_body(name)
    for placeholder, value in case.substitute.items():
        expected = expected.replace(placeholder, value.replace("{tmp}", str(tmp_path)))
    for _why, fix in case.fixes:
        expected = fix(expected)
    got = replay(case.world.write(tmp_path), case.before, script)
    assert compared(got, bool(case.narrow)) == compared(expected, bool(case.narrow))


def test_get_hsm_info_matches_the_truncated_page(tmp_path):
    """The page stops after server 0 with `...` and masks the firmware id."""
    got = compared(replay(GS.write(tmp_path), [], ["getHSMInfo"]), False)
    expected = compared(doc_body("cmu-29"), False)
    assert expected[-1] == "..."
    expected = expected[:-1]
    assert got[len(expected)] == "*** Server 1 HSM Info ***"
    firmware = [i for i, line in enumerate(expected) if line.startswith("Firmware ID")]
    assert firmware and re.fullmatch(r"Firmware ID +:\w+", got[firmware[0]])
    got[firmware[0]] = expected[firmware[0]]
    assert got[:len(expected)] == expected
