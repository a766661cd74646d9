"""key_mgmt_util at a real terminal (a pty): its commands' flags, and their values, completed
from the command table."""

from __future__ import annotations

import pexpect

from ..test_runbook import Terminal, type_keys
from .test_cmu_terminal import offered


def test_tab_offers_a_commands_flags_then_their_values(tmp_path):
    (tmp_path / "home").mkdir()
    kmu = Terminal(tmp_path / "home", tmp_path).spawn("key_mgmt_util")
    kmu.expect_exact("Command:")
    assert {"-c", "-t", "-l", "-id", "-sess", "-u"} <= set(offered(kmu, "findKey -", "\t", "\t"))
    kmu.expect_exact("Command:")
    assert {"262162", "262168"} <= set(offered(kmu, "deleteKey -k ", "\t", "\t"))
    kmu.expect_exact("Command:")
    type_keys(kmu, "findKey -se")
    type_keys(kmu, "\t")
    kmu.sendline(" 1")
    # -sess read (the call goes out, refused before any login), not `Invalid argument -se.`
    assert kmu.expect_exact(["Cfm3FindKey returned: 0x", "Invalid argument"]) == 0
    kmu.sendline("exit")
    kmu.expect(pexpect.EOF)
