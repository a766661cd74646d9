"""A new user's first minutes, through the console scripts: what `hsmshell` alone shows, where a
world is made (and said to be made), a world copied without its key, a hand edit's unclosed
quote, and what `key_mgmt_util singlecmd` does at its end, as its help and the README say."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hsmshell.testing.worlds import copy_world

from .conftest import STORE_ID

BIN = Path(sys.executable).parent  # the console scripts of the environment under test
README = Path(__file__).parents[1] / "README.md"
KMS_PASSWORD = "Zq7hW2mV9pLx4RcT8bNf3KdY6sGj1uEo"  # the fixture's kmsuser password, KMS's own


def run(program: str, *args: str, home: Path, world: Path | None = None, input: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("HSMSHELL_WORLD", "XDG_DATA_HOME")}
    env["HOME"] = str(home)
    if world is not None:
        env["HSMSHELL_WORLD"] = str(world)
    return subprocess.run([str(BIN / program), *args], env=env, input=input, capture_output=True, text=True,
                          timeout=60)


def test_hsmshell_alone_lists_its_commands(tmp_path):
    done = run("hsmshell", home=tmp_path)
    assert done.returncode == 2
    for command in ("world", "aws", "tui", "lab", "serve", "transcript"):
        assert f"\n    {command} " in done.stdout
    assert "create, show or locate the world" in done.stdout
    assert "the following arguments are required" not in done.stderr
    assert not (tmp_path / ".local").exists()  # listing commands makes no world


def test_a_path_that_holds_no_world_is_an_error_not_a_new_world(tmp_path):
    typo = tmp_path / "no" / "such" / "dir" / "w.yaml"
    done = run("hsmshell", "--world", str(typo), "world", "show", home=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"hsmshell: {typo}: no world here (create one with `hsmshell world init`)\n"
    assert not (tmp_path / "no").exists()
    # $HSMSHELL_WORLD is a path someone named too; and the shells say it the same way
    done = run("cloudhsm_mgmt_util", home=tmp_path, world=typo, input="quit\n")
    assert f"{typo}: no world here" in done.stderr and not (tmp_path / "no").exists()
    # `world init` is how one asks for a world there
    done = run("hsmshell", "--world", str(typo), "world", "init", home=tmp_path)
    assert done.returncode == 0 and done.stdout == f"Created {typo} from fixture default\n"
    assert run("hsmshell", "--world", str(typo), "world", "show", home=tmp_path).returncode == 0


def test_the_default_world_is_made_on_first_use_and_says_so(tmp_path):
    default = tmp_path / ".local" / "share" / "hsmshell" / "world.yaml"
    done = run("hsmshell", "world", "show", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"hsmshell: no world yet: created {default} from fixture default\n"
    assert "Custom key store ExampleKeyStore" in done.stdout and default.exists()
    again = run("hsmshell", "world", "show", home=tmp_path)
    assert again.returncode == 0 and again.stderr == ""


def test_a_world_copied_without_its_key_says_so_and_how_to_recover(world_path, tmp_path):
    copied = copy_world(world_path.parent, tmp_path / "copied")
    key = copied.with_name(copied.name + ".key")
    key.unlink()
    aws = ("hsmshell", "aws", "kms")
    warning = (f"hsmshell: {copied}: this world holds sealed secrets (KMS's copy of the kmsuser password, key "
               f"material in the HSMs) but its key file {key} is missing. Restore that file")
    done = run(*aws, "describe-custom-key-stores", home=tmp_path, world=copied)
    assert done.returncode == 0 and done.stderr.startswith(warning)
    assert "update-custom-key-store --key-store-password" in done.stderr
    assert not key.exists()  # no new key that opens nothing
    done = run("cloudhsm_mgmt_util", home=tmp_path, world=copied, input="quit\n")
    assert done.stderr.startswith(warning)  # every tool says it, at load
    # Restoring the key is the first way back: not a word more.
    shutil.copy2(world_path.with_name(world_path.name + ".key"), key)
    done = run(*aws, "describe-custom-key-stores", home=tmp_path, world=copied)
    assert done.returncode == 0 and done.stderr == ""


def test_resetting_kmsusers_password_seals_it_again(world_path, tmp_path):
    copied = copy_world(world_path.parent, tmp_path / "copied")
    copied.with_name(copied.name + ".key").unlink()
    aws = ("hsmshell", "aws", "kms")
    store = ("--custom-key-store-id", STORE_ID)
    assert run(*aws, "disconnect-custom-key-store", *store, home=tmp_path, world=copied).returncode == 0
    run("cloudhsm_mgmt_util", home=tmp_path, world=copied,
        input="loginHSM CO admin co12345\nchangePswd CU kmsuser newPassword1\ny\nquit\n")
    done = run(*aws, "update-custom-key-store", *store, "--key-store-password", "newPassword1",
               home=tmp_path, world=copied)
    assert done.returncode == 0, done.stderr
    assert run(*aws, "connect-custom-key-store", *store, home=tmp_path, world=copied).returncode == 0
    done = run(*aws, "describe-custom-key-stores", *store, home=tmp_path, world=copied)
    assert '"ConnectionState": "CONNECTED"' in done.stdout and done.stderr == ""


def test_an_unclosed_quote_is_named_where_it_opened(world_path, tmp_path):
    copied = copy_world(world_path.parent, tmp_path / "edited")
    lines = copied.read_text().split("\n")
    opened = next(i for i, line in enumerate(lines) if line.strip().startswith("name: "))
    lines[opened] = lines[opened].replace("name: ", 'name: "', 1)
    copied.write_text("\n".join(lines))
    assert opened + 1 < len(lines) - 10  # well before the end, where YAML notices
    done = run("hsmshell", "world", "show", home=tmp_path, world=copied)
    assert done.returncode == 1
    assert done.stderr == f"hsmshell: {copied}, line {opened + 1}: not valid YAML: a quote opened here is never closed\n"


def test_singlecmd_ends_its_login_without_logouthsm_as_its_help_and_the_readme_say(world_path, tmp_path):
    from tui.tab_session import help_text

    run("hsmshell", "aws", "kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID,
        home=tmp_path, world=world_path)
    done = run("key_mgmt_util", "singlecmd", "loginHSM", "-u", "CU", "-s", "kmsuser", "-p", KMS_PASSWORD,
               "findKey", home=tmp_path, world=world_path)
    assert done.returncode == 0 and "Cfm3FindKey returned: 0x00 : HSM Return: SUCCESS" in done.stdout
    assert "logoutHSM" not in done.stdout
    from hsmshell.services import open_store

    assert [s.tool for s in open_store(world_path).read().sessions.values()] == []  # the login ended
    assert "the login ends with it (no logoutHSM)" in help_text()
    assert "no `logoutHSM`: the session is the interactive tool's kind and ends with the process" in \
        " ".join(README.read_text().split())
