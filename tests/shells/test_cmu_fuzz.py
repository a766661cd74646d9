"""Thousands of random and mutated command lines fed to cloudhsm_mgmt_util: no line ends in a
Python traceback or an internal error, and the world file always loads afterwards."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from hsmshell.services import open_store
from hsmshell.shells.cmu import CloudHsmMgmtUtil
from hsmshell.shells.console import StreamConsole

from .test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, World, key

SEEDS = [
    "loginHSM CO admin password1", "loginHSM CU crypto_user3 password1", "loginHSM CO admin -hpswd",
    "logoutHSM", "listUsers", "listU", "createUser CU bob password1", "createUser CO carol password1",
    "deleteUser CU crypto_user6", "deleteUser CO bob", "changePswd CU crypto_user4 newPassword1",
    "findAllKeys 3 1", "findAllKeys 4 0", "getKeyInfo -k 14", "getKeyInfo 262177",
    "getAttribute 14 512", "getAttribute 14 3", "getAttribute 262177 288", "listAttributes",
    "setAttribute 14 3 relabelled", "setAttribute 14 261 0", "shareKey 14 4 1", "shareKey 14 4,5 0",
    "info server 0", "info server 1", "getHSMInfo", "server 0", "server 1", "exit", "syncUser 3 1",
    "syncKey 14 1", "getMValue 3", "setMValue 3 2", "setMValue 4 1", "help", "help createUser",
    "registerQuorumPubKey CO admin a b c", "getToken 3 admin t.token", "getToken 4 admin t.token",
    "approveToken approval.txt", "approveToken t.token", "listTokens", "loginHSM CO admin password1 -2fa authdata",
    "createUser CO carol password1 -2fa authdata", "changePswd CO admin password2 -2fa authdata",
    "y", "n", "R", "I", "A", "B", "",
]
WORDS = st.sampled_from(["0", "1", "-1", "99999999999999999999", "0x1f", "-k", "-hpswd", "-2fa", "CO",
                         "CU", "AU", "PCO", "PRECO", "admin", "crypto_user3", "password1", "x" * 40,
                         "%s%n", "'", '"', "\\", "é", "\x00", "\t"])


@st.composite
def command_lines(draw) -> str:
    words = draw(st.sampled_from(SEEDS)).split()
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["drop", "replace", "insert", "cut"]))
        if action == "drop" and words:
            words.pop(draw(st.integers(0, len(words) - 1)))
        elif action == "replace" and words:
            words[draw(st.integers(0, len(words) - 1))] = draw(WORDS | st.text(max_size=12))
        elif action == "insert":
            words.insert(draw(st.integers(0, len(words))), draw(WORDS))
        elif action == "cut" and words:
            words[-1] = words[-1][:draw(st.integers(0, len(words[-1])))]
    line = " ".join(words)
    return draw(st.sampled_from([line, line, line, draw(st.text(max_size=30))])).replace("\n", " ").replace("\r", " ")


# Seeded, and no example database: every run (CI's, a developer's) tries the same lines, so a
# failure seen once is seen again.
@seed(20261204)
@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(command_lines(), min_size=5, max_size=15))
def test_no_input_line_ends_in_a_traceback(script, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    monkeypatch.chdir(folder)  # output files named by a mutated line land here
    path = World(EXAMPLE_NET[:2], CRYPTO_USERS, [key(14, 3, [4]), key(262177, 3, key_class=3, key_type=3, size=138),
                                                 key(262179, 3, key_class=2, key_type=3, size=91)]).write(folder)
    out = io.StringIO()
    shell = CloudHsmMgmtUtil(open_store(path), StreamConsole(io.StringIO("\n".join(script) + "\n"), out, echo=True))
    shell.run()
    text = out.getvalue()
    assert "Traceback" not in text and "internal error" not in text, text
    open_store(path).read()  # loads and validates
