"""The client host: one table of programs, and every terminal a console over it.

A toy program put on the host here, and nowhere else, runs in a TUI tab, in a transcript's
replay and in a recording with its secrets masked: no other module knows it.
"""

from __future__ import annotations

import io
import sys

import pytest

from hsmshell import host
from hsmshell.testing.replay import run_file

from .tui.test_app import active_tab, output, type_line, until


class ToyCommands:
    """The toy's command table: `login <pin>`, `echo <words>`, `quit`."""

    commands = ("echo", "login", "quit")

    def secret_words(self, words: list[str]) -> set[int]:
        return {1} if words[0] == "login" and len(words) > 1 else set()

    def complete(self, words: list[str], current: str, world) -> list[str]:
        return list(self.commands) if not words else []


class Toy:
    """`toyhsm [--pin PIN]`: the prompt `toy>` until quit; `toyhsm --version` prints and ends."""

    commands = ToyCommands()

    @staticmethod
    def interactive(args: list[str]) -> bool:
        return args != ["--version"]

    @staticmethod
    def secret_args(args: list[str]) -> set[int]:
        return {i + 1 for i, word in enumerate(args[:-1]) if word == "--pin"}

    @staticmethod
    def start(terminal, args: list[str]) -> int:
        if args == ["--version"]:
            terminal.console.write("toyhsm 1.0\n")
            return 0
        console = terminal.console_for()
        world = terminal.world().read()
        console.write(f"toyhsm on {world.region}\n")
        while (line := console.read_line("toy>")) is not None:
            words = line.split()
            if words[:1] == ["quit"]:
                return 0
            if words[:1] == ["login"]:
                pin = words[1] if len(words) > 1 else console.read_secret("PIN:")
                console.write("login ok\n" if pin == "1234" else "login failed\n")
            elif words[:1] == ["echo"]:
                console.write(" ".join(words[1:]) + "\n")
            elif words:
                console.write(f"toy: unknown command {words[0]}\n")
        return 3  # input ended without quit


@pytest.fixture
def toy():
    host.register(host.Program("toyhsm", Toy, "toyhsm [--pin PIN]", "a toy HSM shell", prompt=r"toy>"))
    yield
    host.unregister("toyhsm")


TRANSCRIPT = """\
# world: default
$ sudo /opt/toy/bin/toyhsm --pin 1234
toyhsm on us-west-2
toy>login 1234
login ok
toy>echo hello  there
hello there
$ toyhsm --version
toyhsm 1.0
toy>login
PIN:4321
login failed
toy>quit
"""


def test_a_toy_program_replays_in_a_transcript(toy, tmp_path):
    path = tmp_path / "toy.transcript"
    path.write_text(TRANSCRIPT)
    result = run_file(path)
    assert result.ok, result.report()


def test_a_transcript_of_a_program_the_host_does_not_have_fails(tmp_path):
    path = tmp_path / "toy.transcript"
    path.write_text(TRANSCRIPT)
    result = run_file(path)
    assert not result.ok and "+toyhsm: command not found" in result.report()


def test_a_toy_program_recorded_with_its_secrets_masked(toy, tmp_path, monkeypatch):
    from hsmshell.testing.record import record

    typed = "toyhsm --pin 1234\nlogin 9876\nlogin\n5555\necho hi\nquit\nexit\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    record(tmp_path / "toy.transcript")
    text = (tmp_path / "toy.transcript").read_text()
    assert "$ toyhsm --pin <password>\n" in text
    assert "toy>login <password2>\nlogin failed\n" in text
    assert "PIN:<password3>\n" in text
    assert "toy>echo hi\nhi\n" in text
    assert "1234" not in text and "9876" not in text and "5555" not in text
    monkeypatch.setenv("HSMSHELL_PASSWORD", "1234")
    monkeypatch.setenv("HSMSHELL_PASSWORD2", "9876")
    monkeypatch.setenv("HSMSHELL_PASSWORD3", "5555")
    result = run_file(tmp_path / "toy.transcript")
    assert result.ok, result.report()


async def test_a_toy_program_runs_in_a_tui_tab(toy, world_path):
    from tui.app import HsmShellApp

    app = HsmShellApp(world_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, app, "toyhsm", expect="toyhsm on us-west-2")
        await until(pilot, lambda: active_tab(app)._prompt == "toy>")
        await type_line(pilot, app, "login 1234", expect="login ok")
        await type_line(pilot, app, "echo hi", expect="hi")
        history = active_tab(app).query_one("CommandInput").history
        assert "echo hi" in history and not any("1234" in line for line in history)
        await type_line(pilot, app, "quit")
        await until(pilot, lambda: active_tab(app)._prompt == "$ ")
        await type_line(pilot, app, "help", expect="a toy HSM shell")


def test_mask_keeps_blanks_and_names():
    stars = lambda secret: "*" * len(secret)  # noqa: E731
    line = "sudo  key_mgmt_util singlecmd loginHSM -u CU -s kmsuser -p  s3cret findKey"
    assert host.mask(line, stars) == line.replace("s3cret", "******")
    line = "aws kms update-custom-key-store --custom-key-store-id x --key-store-password=pw12345"
    assert host.mask(line, stars) == line.replace("=pw12345", "=*******")
    assert host.mask("hsmshell --world w.yaml aws kms x --key-store-password pw", stars).endswith(" **")


@pytest.mark.parametrize("line, program, candidates", [
    ("", None, sorted(host.PROGRAMS)),
    ("cloudhsm_m", None, ["cloudhsm_mgmt_util"]),
    ("aws km", None, ["kms"]),
    ("aws kms disc", None, ["disconnect-custom-key-store"]),
    ("aws kms disconnect-custom-key-store --cus", None, ["--custom-key-store-id"]),
    ("aws --output ", None, ["json", "text", "table", "yaml", "yaml-stream"]),  # v2, the default
    ("hsmshell aws kms disconnect-custom-key-store --cus", None, ["--custom-key-store-id"]),
    ("hsmshell wor", None, ["world"]),
    ("listU", "cloudhsm_mgmt_util", ["listUsers"]),
])
def test_completion(line, program, candidates):
    typed, found = host.complete(line, host.program(program) if program else None)
    assert found == candidates and line.endswith(line[len(line) - typed:])


def test_the_cloudhsm_cli_recorded_with_its_pin_and_password_masked(tmp_path, monkeypatch):
    from hsmshell.testing.record import record

    typed = ("CLOUDHSM_PIN=admin:co12345 CLOUDHSM_ROLE=admin cloudhsm-cli user list\n"
             "export CLOUDHSM_PIN=admin:co12345\n"
             "cloudhsm-cli interactive\nlogin --username admin --role admin\nco12345\n"
             "login --username admin --role admin --password co12345\nquit\nexit\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    record(tmp_path / "cli.transcript")
    text = (tmp_path / "cli.transcript").read_text()
    assert "co12345" not in text, text
    assert "$ CLOUDHSM_PIN=<password> CLOUDHSM_ROLE=admin cloudhsm-cli user list\n" in text
    assert "$ export CLOUDHSM_PIN=<password>\n" in text
    assert "aws-cloudhsm > login --username admin --role admin --password <password2>\n" in text
    assert '"username": "kmsuser"' in text
    monkeypatch.setenv("HSMSHELL_PASSWORD", "admin:co12345")
    monkeypatch.setenv("HSMSHELL_PASSWORD2", "co12345")
    result = run_file(tmp_path / "cli.transcript")
    assert result.ok, result.report()
