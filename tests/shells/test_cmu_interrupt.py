"""Ctrl-C at cloudhsm_mgmt_util's questions, at a real terminal (a pty)."""

from __future__ import annotations

import pexpect

from ..test_runbook import Terminal, at_rest, screen, type_keys


def test_ctrl_c_at_the_confirmation_cancels_the_command(tmp_path):
    (tmp_path / "home").mkdir()
    cmu = Terminal(tmp_path / "home", tmp_path).spawn("cloudhsm_mgmt_util")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("loginHSM CO admin co12345")
    cmu.expect_exact("loginHSM success on server 2(10.0.1.12)")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("createUser CU bob bobPassword1")
    cmu.expect_exact("Do you want to continue(y/n)?")
    at_rest(cmu)  # a person's Ctrl-C comes while the question waits for a key (see type_keys)
    cmu.sendcontrol("c")
    cmu.expect_exact("aws-cloudhsm>", timeout=10)  # once: `Invalid option`, and the question again
    assert not any("Invalid option" in line or "Creating User" in line for line in screen(cmu.before))
    cmu.sendline("listUsers")
    cmu.expect_exact("Users on server 2(10.0.1.12):")
    cmu.expect_exact("aws-cloudhsm>")
    users = screen(cmu.before)
    assert any("admin" in line for line in users) and not any("bob" in line for line in users)
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)


def test_ctrl_c_at_the_prompt_still_gives_a_fresh_prompt(tmp_path):
    (tmp_path / "home").mkdir()
    cmu = Terminal(tmp_path / "home", tmp_path).spawn("cloudhsm_mgmt_util")
    cmu.expect_exact("aws-cloudhsm>")
    # A person's Ctrl-C comes while readline waits for a key.  One sent within the same few
    # milliseconds as the keys can land while CPython's readline loop is echoing them, outside
    # its select(), and is then not seen until the next signal (CPython's, not ours).
    type_keys(cmu, "listUs")
    cmu.sendcontrol("c")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)
    assert cmu.wait() == 0
