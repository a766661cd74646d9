"""A password checked lately is not checked again with scrypt (in a script, every CloudHSM CLI
command logs in), and nothing about that weakens a login: a wrong password, a changed one, an
old check, a file not to be trusted each cost a scrypt and get the answer scrypt gives."""

from __future__ import annotations

import io
import os
import stat
import subprocess

import pytest

from hsmshell.shells.cli import run
from hsmshell.shells.console import StreamConsole
from hsmshell.world import checked_passwords, credentials


@pytest.fixture
def scrypts(monkeypatch) -> list:
    calls = []
    real = credentials._scrypt

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(credentials, "_scrypt", counted)
    return calls


def user_list(store, password: str = "co12345", user: str = "admin") -> tuple[int, str]:
    out = io.StringIO()
    status = run(store, StreamConsole(io.StringIO(""), out), ["user", "list"],
                 {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": f"{user}:{password}"})
    return status, out.getvalue()


def test_a_second_login_with_the_same_password_costs_no_scrypt(store, scrypts):
    assert user_list(store)[0] == 0
    first = len(scrypts)
    assert first >= 1
    assert user_list(store)[0] == 0
    assert user_list(store)[0] == 0
    assert len(scrypts) == first


def test_a_wrong_password_is_checked_every_time_and_never_remembered(store, scrypts):
    for expected in (1, 2):
        status, output = user_list(store, password="co54321")
        assert status != 0 and "error_code" in output
        assert len(scrypts) == expected
    assert not checked_passwords.path().exists()


def test_a_changed_password_is_not_recalled(store, scrypts):
    assert user_list(store)[0] == 0
    out = io.StringIO()
    changed = run(store, StreamConsole(io.StringIO(""), out),
                  ["user", "change-password", "--username", "admin", "--role", "admin", "--password", "NewAdm1n"],
                  {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"})
    assert changed == 0, out.getvalue()
    assert user_list(store)[0] != 0  # the old password, remembered for the old hash only
    assert user_list(store, password="NewAdm1n")[0] == 0


def test_a_check_is_remembered_fifteen_minutes(store, scrypts, monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(checked_passwords.time, "time", lambda: now[0])
    assert user_list(store)[0] == 0
    first = len(scrypts)
    now[0] += 15 * 60 - 1
    assert user_list(store)[0] == 0
    assert len(scrypts) == first
    now[0] += 2
    assert user_list(store)[0] == 0
    assert len(scrypts) == first + 1  # checked again, and remembered anew
    now[0] -= 3600  # the wall clock set back: a check "from the future" is not trusted
    assert user_list(store)[0] == 0
    assert len(scrypts) == first + 2


def test_the_file_is_private_and_holds_no_password_nor_hash(store, world_path):
    assert user_list(store)[0] == 0
    where = checked_passwords.path()
    assert stat.S_IMODE(where.stat().st_mode) == 0o600
    assert stat.S_IMODE(where.parent.stat().st_mode) == 0o700
    text = where.read_text()
    assert "co12345" not in text and "scrypt" not in text
    hashes = {user.password_hash for cluster in store.read().clusters.values() for hsm in cluster.hsms
              for user in hsm.users}
    assert not any(h.split("$")[-1] in text for h in hashes)
    assert not any(p.name.startswith(("checked", ".checked")) for p in world_path.parent.iterdir())
    assert str(where).startswith(os.environ["XDG_STATE_HOME"])


def untrusted(where, how: str) -> None:
    if how == "malformed":
        where.write_text("not hex\nnor this\n")
    elif how == "open to others":
        where.chmod(0o644)
    elif how == "a link":
        target = where.with_name("elsewhere")
        target.write_text(where.read_text())
        target.chmod(0o600)
        where.unlink()
        where.symlink_to(target)
    elif how == "a folder":
        where.unlink()
        where.mkdir()


@pytest.mark.parametrize("how", ["malformed", "open to others", "a link", "a folder"])
def test_a_file_not_to_be_trusted_costs_a_scrypt_never_a_login(store, scrypts, how):
    assert user_list(store)[0] == 0
    first = len(scrypts)
    untrusted(checked_passwords.path(), how)
    status, output = user_list(store)
    assert status == 0 and "Traceback" not in output
    assert len(scrypts) == first + 1


def test_the_cloudhsm_cli_program_remembers_a_login(world_path, monkeypatch):
    """The door a script uses: `cloudhsm-cli user list` with CLOUDHSM_PIN, a process each."""
    env = {**os.environ, "CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}
    for _ in range(2):
        done = subprocess.run(["cloudhsm-cli", "user", "list"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    lines = checked_passwords.path().read_text().splitlines()
    assert len(lines) == 2  # the secret, and one check: the second login recalled the first
