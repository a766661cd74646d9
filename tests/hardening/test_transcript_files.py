"""A transcript someone hands you touches no file but its own: each replay (and a lab's runs)
works in a scratch folder, relative names land there, a name outside it is refused as a file
the tool cannot open, and long-running or network commands do not run."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

ADMIN = "aws-cloudhsm>loginHSM CO admin co12345\n"


def run(tmp_path, body: str, home) -> subprocess.CompletedProcess:
    path = tmp_path / "hostile.transcript"
    path.write_text("# world: default\n" + body)
    return subprocess.run([shutil.which("hsmshell"), "transcript", "run", str(path)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, env={**os.environ, "HOME": str(home)})


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")
    return home


WRITERS = {
    "cmu findAllKeys": ADMIN + "aws-cloudhsm>findAllKeys 3 0 {target}\n",
    "cmu getCert": "aws-cloudhsm>server 0\nserver0>getCert {target} 4\n",
    "kmu getCert": "Command: getCert -f {target} -s 4\n",
}


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("target", ["~/.bashrc", "../../home/.bashrc", "{home}/.bashrc"])
def test_a_transcript_cannot_write_outside_its_folder(tmp_path, home, writer, target):
    target = target.format(home=home)
    done = run(tmp_path, WRITERS[writer].format(target=target), home)
    assert (home / ".bashrc").read_text() == "# mine\n"
    assert "Traceback" not in done.stdout + done.stderr
    assert "outside the folder" in done.stdout or "Permission denied" in done.stdout, done.stdout


def test_relative_names_land_in_the_scratch_folder_and_read_back(tmp_path, home):
    body = ("Command: getCert -f cert.pem -s 1\n"
            "$ aws kms encrypt --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --plaintext fileb://cert.pem "
            "--query KeyId --output text\n")
    done = run(tmp_path, body, home)
    assert not (tmp_path / "cert.pem").exists()  # it landed in the replay's own folder
    assert "+arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" in done.stdout, \
        done.stdout  # and was read back from there


# The file read must hold words no replay could print by chance: /etc/hostname held "vm" on CI,
# which a random scratch folder's name contained.
SECRET = "secret-outside-the-folder-7f3a9c"


@pytest.mark.parametrize("url", ["file://{secret}", "fileb://{secret}", "file://~/.bashrc"])
def test_a_transcript_cannot_read_outside_its_folder(tmp_path, home, url):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n")
    done = run(tmp_path, f"$ aws kms encrypt --key-id alias/ExampleAlias --plaintext {url.format(secret=secret)}\n",
               home)
    assert "# mine" not in done.stdout and SECRET not in done.stdout, done.stdout
    assert "Unable to load paramfile" in done.stdout and "outside the folder" in done.stdout, done.stdout


@pytest.mark.parametrize("command", ["hsmshell serve --port 0", "hsmshell tui", "hsmshell transcript record x"])
def test_long_running_commands_are_refused_in_a_transcript(tmp_path, home, command):
    done = run(tmp_path, f"$ {command}\n", home)
    assert "cannot run inside a transcript" in done.stdout, done.stdout + done.stderr
