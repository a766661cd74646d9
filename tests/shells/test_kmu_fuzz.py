"""No command line, however mangled, ends key_mgmt_util in a traceback or breaks the world."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsmshell.services import open_store
from hsmshell.shells.console import StreamConsole
from hsmshell.shells.kmu import KeyMgmtUtil
from hsmshell.shells.kmu.shell import TABLE

from .test_kmu import KMSUSER, kmsuser_password_known

FLAGS = ["-k", "-w", "-o", "-a", "-out", "-f", "-t", "-s", "-l", "-m", "-e", "-i", "-u", "-id", "-sess", "-nex",
         "-c", "-kcv", "-m_value", "-min_srv", "-timeout", "-noheader", "-kc", "-kt", "-r", "-attest", "-h", "-p"]
VALUES = ["262162", "262168", "0", "-1", "31", "21", "16", "32", "24", "2048", "65537", "512", "1", "2", "14",
          "0xdb", "4,5", "3", "missing.file", "x", "99999999999", "0x", "", "arn:aws:kms:us-west-2:1:key/x"]

words = st.sampled_from(sorted(TABLE.commands) + FLAGS + VALUES) | st.text(max_size=6)
lines = st.lists(st.lists(words, min_size=1, max_size=9).map(" ".join), min_size=1, max_size=6)


PREPARED: set = set()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=lines)
def test_random_command_lines(doors, world_path, tmp_path_factory, monkeypatch, script):
    if world_path not in PREPARED:  # one world for every example: kmsuser logs in to it
        kmsuser_password_known(doors)
        PREPARED.add(world_path)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    out = io.StringIO()
    text = KMSUSER + "\n".join(s.replace("\n", " ") for s in script) + "\nexit\n"
    KeyMgmtUtil(open_store(world_path), StreamConsole(io.StringIO(text), out, echo=True)).run()
    assert "Cfm3LoginHSM returned: 0x00" in out.getvalue()
    assert "internal error" not in out.getvalue() and "Traceback" not in out.getvalue()
    open_store(world_path).read()  # the world still loads and validates
