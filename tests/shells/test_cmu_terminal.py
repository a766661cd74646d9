"""cloudhsm_mgmt_util at a real terminal (a pty): completion of commands, their flags and
their arguments from the command table (readline's), and, on request (HSMSHELL_TOOLBAR=1),
prompt_toolkit's bottom toolbar with the login and the servers connected."""

from __future__ import annotations

import pexpect

from ..test_runbook import Terminal, screen, type_keys


def start(tmp_path) -> pexpect.spawn:
    (tmp_path / "home").mkdir()
    cmu = Terminal(tmp_path / "home", tmp_path).spawn("cloudhsm_mgmt_util", "/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg")
    cmu.expect_exact("aws-cloudhsm>")
    return cmu


def complete(cmu: pexpect.spawn, *keys: str) -> str:
    """Type keys (tabs among them) and Enter; the line as the shell echoed it after its prompt."""
    for key in keys:
        type_keys(cmu, key)  # the completion lands before the next key
    cmu.send("\r")
    cmu.expect_exact("\r\n")
    return screen(cmu.before)[-1]


def test_tab_completes_commands_and_their_flags(tmp_path):
    cmu = start(tmp_path)
    assert complete(cmu, "getKeyI\t", " -\t", " 262162") == "getKeyInfo -k 262162"
    cmu.expect_exact("getKeyInfo failed on server 2(10.0.1.12)")
    cmu.expect_exact("aws-cloudhsm>")
    assert complete(cmu, "loginHSM CO admin -hp\t") == "loginHSM CO admin -hpswd"
    cmu.expect_exact("Enter password:")
    cmu.sendline("co12345")
    cmu.expect_exact("loginHSM success on server 2(10.0.1.12)")
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)


def offered(child: pexpect.spawn, *keys: str) -> list[str]:
    """Type keys (tabs among them); what the screen shows once the completion menu is up."""
    for key in keys:
        type_keys(child, key)
    try:  # all of it is written already: collect it
        child.expect("no such text", timeout=0.2)
    except pexpect.TIMEOUT:
        pass
    shown = " ".join(screen(child.before)).split()  # readline lists them in columns
    child.sendcontrol("c")  # abandon the line
    return shown


def test_tab_completes_a_command_name_and_offers_the_user_types(tmp_path):
    cmu = start(tmp_path)
    assert complete(cmu, "listU\t") == "listUsers"
    cmu.expect_exact("Users on server 2(10.0.1.12):")
    cmu.expect_exact("aws-cloudhsm>")
    menu = offered(cmu, "loginHSM ", "\t", "\t")
    assert {"CO", "CU", "PRECO", "PCO", "AU"} <= set(menu)
    cmu.expect_exact("aws-cloudhsm>")
    # then the user names the world holds
    assert {"admin", "kmsuser", "app_user"} <= set(offered(cmu, "loginHSM CU ", "\t", "\t"))
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)


def toolbar(cmu: pexpect.spawn) -> str:
    """prompt_toolkit draws the toolbar only once the terminal has said where the cursor is."""
    cmu.expect_exact("\x1b[6n")
    cmu.send("\x1b[1;1R")
    cmu.expect(r"\x1b\[0;7m(.*?)\s*\r")
    return cmu.match.group(1).strip()


def test_toolbar_shows_who_is_logged_in_and_the_servers_connected(tmp_path):
    (tmp_path / "home").mkdir()
    terminal = Terminal(tmp_path / "home", tmp_path)
    del terminal.env["PROMPT_TOOLKIT_NO_CPR"]  # a real terminal answers cursor position requests
    terminal.env["HSMSHELL_TOOLBAR"] = "1"
    cmu = terminal.spawn("cloudhsm_mgmt_util")
    assert toolbar(cmu) == "not logged in  |  3 of 3 servers connected"
    cmu.sendline("loginHSM CO admin co12345")
    assert toolbar(cmu) == "admin(CO)  |  3 of 3 servers connected"
    cmu.sendline("server 1")
    assert toolbar(cmu) == "admin(CO)  |  3 of 3 servers connected  server mode: server 1(10.0.3.11)"
    cmu.sendline("exit")
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)


def test_history_keeps_no_login_however_it_is_spelled(tmp_path):
    cmu = start(tmp_path)
    cmu.sendline("listUsers")
    cmu.expect_exact("Number of users found:3")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("logi CO admin co12345")  # loginHSM by its shortest unambiguous prefix
    cmu.expect_exact("loginHSM success on server 2(10.0.1.12)")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.send("\x1b[A")  # up: the last line the history kept
    cmu.send("\r")
    cmu.expect_exact("Number of users found:3")
    cmu.expect_exact("aws-cloudhsm>")
    cmu.sendline("quit")
    cmu.expect(pexpect.EOF)
