"""`hsmshell transcript run`: replays, diffs that name the line, --update, the comparison modes."""

from __future__ import annotations

import shutil
from pathlib import Path

from hsmshell import cli

from ..shells.conftest import doc_body

TRANSCRIPTS = Path(__file__).parent.parent / "transcripts"
HEAD = "# world: default\n"
V1_HEAD = HEAD + "# aws-cli: 1\n"  # the lines below print what AWS CLI v1 prints
CONNECT_UNKNOWN = "$ aws kms connect-custom-key-store --custom-key-store-id cks-0000000000000000f\n"


def run(capsys, *argv: str) -> tuple[int, str]:
    status = cli.main(["transcript", "run", *argv])
    return status, capsys.readouterr().out


def write(tmp_path, text: str, name: str = "t.transcript") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_documentation_session_pasted_unchanged_passes(capsys):
    text = (TRANSCRIPTS / "doc-kms-login.transcript").read_text()
    for name in ("kms-01", "kms-02", "kms-03"):
        assert doc_body(name) in text  # byte for byte, as the documentation has it
    assert run(capsys, str(TRANSCRIPTS / "doc-kms-login.transcript")) == (
        0, f"passed {TRANSCRIPTS / 'doc-kms-login.transcript'}\n1 passed, 0 failed\n")


def test_a_changed_expected_line_fails_with_a_diff_naming_it(tmp_path, capsys):
    path = tmp_path / "doc.transcript"
    original = (TRANSCRIPTS / "doc-kms-login.transcript").read_text()
    path.write_text(original.replace("loginHSM success on server 1(10.0.3.11)",
                                     "loginHSM success on server 1(10.0.3.99)"))
    number = path.read_text().splitlines().index("loginHSM success on server 1(10.0.3.99)") + 1
    status, out = run(capsys, str(path))
    assert status == 1
    assert f"--- {path}\n+++ {path} (actual)\n@@ -{number - 3}," in out  # the hunk starts 3 lines up
    assert "-loginHSM success on server 1(10.0.3.99)\n+loginHSM success on server 1(10.0.3.11)\n" in out
    assert out.endswith(f"failed {path}\n0 passed, 1 failed\n")


def test_update_writes_the_actual_output_in_place(tmp_path, capsys):
    path = write(tmp_path, V1_HEAD + CONNECT_UNKNOWN + "something else\n")
    assert run(capsys, "--update", path)[0] == 1
    assert Path(path).read_text() == V1_HEAD + CONNECT_UNKNOWN + (
        "\nAn error occurred (CustomKeyStoreNotFoundException) when calling the ConnectCustomKeyStore "
        "operation: Custom key store cks-0000000000000000f does not exist in this account and Region.\n[255]\n")
    assert run(capsys, path)[0] == 0


def test_exit_status_is_expected_as_in_cram(tmp_path, capsys):
    message = ("An error occurred (CustomKeyStoreNotFoundException) when calling the ConnectCustomKeyStore "
               "operation: * (glob)\n")
    assert run(capsys, write(tmp_path, V1_HEAD + CONNECT_UNKNOWN + message + "[255]\n"))[0] == 0
    status, out = run(capsys, write(tmp_path, V1_HEAD + CONNECT_UNKNOWN + message))
    assert status == 1 and "+[255]\n" in out
    status, out = run(capsys, write(tmp_path, HEAD + "$ cat /etc/passwd\n"))
    assert "+cat: command not found" in out and "+[127]" in out


def test_tolerant_by_default_exact_on_request(tmp_path, capsys):
    session = ("$ aws kms disconnect-custom-key-store --custom-key-store-id cks-1234567890abcdef0\n"
               "aws-cloudhsm>loginHSM CO admin co12345\nloginHSM success on server 0(10.0.2.9)\n"
               "loginHSM success on server 1(10.0.3.11)\nloginHSM success on server 2(10.0.1.12)\n"
               "Command:    loginHSM -u CU -s kmsuser -p wrongPassword\n"
               "        Cfm3LoginHSM returned: 0xa3\n        HSM Error: RET_USER_LOGIN_FAILURE\n"
               "        Cluster Error Status\n"
               "        Node id 2 and err state 0x000000a3 : HSM Error: RET_USER_LOGIN_FAILURE\n"
               "        Node id 0 and err state 0x000000a3 : HSM Error: RET_USER_LOGIN_FAILURE\n"
               "        Node id 1 and err state 0x000000a3 : HSM Error: RET_USER_LOGIN_FAILURE\n")
    assert run(capsys, write(tmp_path, HEAD + session))[0] == 0
    status, out = run(capsys, write(tmp_path, HEAD + "# compare: exact\n" + session))
    assert status == 1
    assert "+\tNode id 0 and err state 0x000000a3 : HSM Error: RET_USER_LOGIN_FAILURE\n" in out
    assert "+\tCfm3LoginHSM returned: 0xa3 \n" in out  # trailing blank and tab count when exact


def test_a_tool_showing_another_prompt_fails(tmp_path, capsys):
    status, out = run(capsys, write(tmp_path, HEAD + "server0>listUsers\n"))
    assert status == 1
    assert "-server0>listUsers\n+aws-cloudhsm>listUsers\n+Users on server 0(10.0.2.9):\n" in out


def test_a_malformed_transcript_is_reported_not_raised(tmp_path, capsys):
    path = write(tmp_path, HEAD + "output before any command\n")
    status, out = run(capsys, path)
    assert status == 1
    assert f"{path}, line 2: output before any command: 'output before any command'" in out
    status, out = run(capsys, write(tmp_path, "# world: nosuchfixture\n$ aws kms list-keys\n"))
    assert status == 1 and "nosuchfixture: no such fixture" in out


def test_recorded_transcripts_replay_exactly(tmp_path, capsys):
    """A recording keeps every byte, so it replays under the exact comparison too."""
    text = (TRANSCRIPTS / "recorded-findkey.transcript").read_text()
    assert run(capsys, write(tmp_path, "# compare: exact\n" + text))[0] == 0


def test_every_transcript_in_the_suite_passes(capsys, tmp_path):
    for path in sorted(TRANSCRIPTS.iterdir()):
        shutil.copy(path, tmp_path / path.name)
    status, out = run(capsys, *sorted(str(p) for p in tmp_path.iterdir()))
    assert status == 0, out
    assert out.endswith(f"{len(list(tmp_path.iterdir()))} passed, 0 failed\n")


def test_color_on_leaves_no_escape_codes_in_a_transcript(tmp_path, capsys):
    """A transcript holds what is copied from a terminal: the table, not its colours."""
    line = "$ aws kms list-keys --output table --color on\n"
    path = write(tmp_path, HEAD + line)
    assert run(capsys, "--update", path)[0] == 1
    text = Path(path).read_text()
    assert "|  arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab |" in text
    assert "\x1b" not in text
    assert run(capsys, path)[0] == 0


def test_a_tool_prompt_whose_tool_does_not_start_shows_why(tmp_path, capsys):
    """key_mgmt_util stops before its prompt when the client daemon reaches no HSM: a
    `Command:` line then gets what it printed instead, and the replay goes on."""
    path = write(tmp_path, HEAD + "$ configure -a 10.9.9.9\n" + "Command: findKey\n" + "Command: exit\n")
    assert run(capsys, "--update", path)[0] == 1
    failure = ("\n\tCfm3Initialize() returned 0x40000040 : LIQUIDSECURITY: Daemon socket connection error\n"
               "\n\tCfm3Initialize() returned app id : ffffffff \n")
    assert Path(path).read_text() == HEAD + (
        "$ configure -a 10.9.9.9\n"
        "Updating server config in /opt/cloudhsm/etc/cloudhsm_client.cfg\n"
        "Updating server config in /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg\n"
        f"Command: findKey\n{failure}Command: exit\n{failure}")
    assert run(capsys, path)[0] == 0
