"""Hand edits that once ended in a traceback, a hang or lost data.

Each case of the corpus (`corpus/`, one hostile world per file, its comments saying what it
attacks and the error it must give) is refused by every front-end with one line naming the
file and the line, exit status 1, and the file left exactly as it was.  Other front-ends can
replay the same files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

# name -> (argv, standard input)
FRONT_ENDS = {
    "hsmshell world show": (["hsmshell", "world", "show"], ""),
    "hsmshell aws": (["hsmshell", "aws", "kms", "list-keys"], ""),
    "cloudhsm_mgmt_util": (["cloudhsm_mgmt_util"], "quit\n"),
    "key_mgmt_util": (["key_mgmt_util"], "exit\n"),
    "cloudhsm-cli": (["cloudhsm-cli", "user", "list"], ""),
    "configure-cli": (["configure-cli", "-a", "10.0.2.9"], ""),
    "hsmshell tui": (["hsmshell", "tui"], ""),  # the world is read before the screen opens
}


def expected(case: Path) -> str:
    return re.search(r"^# expect: (.*)$", case.read_text(encoding="utf-8"), re.M).group(1)


def run(argv: list[str], stdin: str, world: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, HSMSHELL_WORLD=str(world))
    # A timeout, not a timed assertion: a case that hangs (an alias bomb) must fail, not stall CI.
    return subprocess.run([shutil.which(argv[0]), *argv[1:]], input=stdin, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_corpus_says_what_each_case_attacks_and_expects():
    assert len(CORPUS) >= 15
    for case in CORPUS:
        text = case.read_text(encoding="utf-8")
        assert text.startswith("# attacks: "), case.name
        assert expected(case), case.name


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_a_hostile_edit_is_one_clear_line_and_exit_1_and_nothing_rewritten(tmp_path, case, front_end):
    world = tmp_path / "world.yaml"
    shutil.copyfile(case, world)
    before = world.read_bytes()
    stamp = os.stat(world).st_mtime_ns, os.stat(world).st_ino

    argv, stdin = FRONT_ENDS[front_end]
    done = run(argv, stdin, world)

    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, output
    assert len(output.splitlines()) == 1, output
    assert f"{world}, line " in output and expected(case) in output, output
    assert world.read_bytes() == before
    assert (os.stat(world).st_mtime_ns, os.stat(world).st_ino) == stamp
    assert {p.name for p in tmp_path.iterdir()} <= {"world.yaml", "world.yaml.lock"}


def test_a_duplicate_key_stops_create_alias_before_it_drops_the_aliases(world_path):
    """`aliases: []` appended by hand once hid every alias, and the next create-alias wrote
    the world without them."""
    kept = run(["hsmshell", "aws", "kms", "create-alias", "--alias-name", "alias/kept", "--target-key-id", KEY_ID],
               "", world_path)
    assert kept.returncode == 0, kept.stderr
    with world_path.open("a", encoding="utf-8") as out:
        out.write("aliases: []\n")
    before = world_path.read_bytes()
    lines = before.decode().splitlines()
    first, second = lines.index("aliases:") + 1, len(lines)

    done = run(["hsmshell", "aws", "kms", "create-alias", "--alias-name", "alias/new", "--target-key-id", KEY_ID],
               "", world_path)

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (f"hsmshell: {world_path}, line {second}: the key 'aliases' is given twice "
                                   f"in one mapping, at lines {first} and {second} (YAML would keep only the last)")
    assert world_path.read_bytes() == before
    assert "alias/kept" in world_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_a_transcript_on_a_hostile_world_names_its_file_and_line_and_fails(tmp_path, case):
    world = tmp_path / "world.yaml"
    shutil.copyfile(case, world)
    before = world.read_bytes()
    transcript = tmp_path / "hostile.transcript"
    transcript.write_text("# world: world.yaml\n$ aws kms list-keys\n")
    done = subprocess.run([shutil.which("hsmshell"), "transcript", "run", str(transcript)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert f"{transcript}: {world}, line " in done.stdout and expected(case) in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert world.read_bytes() == before


@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_a_lab_puts_a_hostile_world_aside_whole_and_names_its_line_when_it_comes_back(tmp_path, case):
    world = tmp_path / "world.yaml"
    shutil.copyfile(case, world)
    hostile = world.read_bytes()
    started = run(["hsmshell", "lab", "start", "invalid-credentials"], "", world)
    assert started.returncode == 0, started.stdout + started.stderr
    aside = tmp_path / "world.before-lab.yaml"
    assert aside.read_bytes() == hostile  # kept byte for byte, never parsed and rewritten
    stopped = run(["hsmshell", "lab", "stop"], "", world)
    output = (stopped.stdout + stopped.stderr).strip()
    assert stopped.returncode == 1 and len(output.splitlines()) == 1, output
    assert f"{aside}, line " in output and expected(case) in output, output
    assert aside.read_bytes() == hostile  # still there, to mend and bring back


@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_the_endpoint_on_a_hostile_world_answers_each_call_with_its_line(tmp_path, case):
    """The service's own failure (500 InternalFailure, which botocore retries and then shows),
    its message naming the file and line; the server keeps serving, the file is unchanged."""
    import json
    import urllib.error
    import urllib.request

    from hsmshell.aws.server import Endpoint

    world = tmp_path / "world.yaml"
    shutil.copyfile(case, world)
    before = world.read_bytes()
    server = Endpoint(world).start()
    try:
        for _ in range(2):
            request = urllib.request.Request(server.url, data=b"{}", method="POST", headers={
                "X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1",
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-west-2/kms/aws4_request, "
                                 "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            answer = json.loads(refused.value.read())
            assert refused.value.code == 500 and answer["__type"] == "InternalFailure"
            assert f"{world}, line " in answer["message"] and expected(case) in answer["message"], answer
    finally:
        server.stop()
    assert world.read_bytes() == before


async def test_a_running_tui_shows_each_hostile_edit_as_its_line_and_rewrites_nothing(world_path):
    """The TUI open while the world is broken by hand, case after case of the corpus: the pane
    says what the command line tools say, the broken file is left as it is, and the world shows
    again once it is mended, even mended back to the very bytes shown before (the clock is
    frozen, so nothing else changes on screen)."""
    from hsmshell.services import open_store
    from tui.app import HsmShellApp

    from ..tui.test_app import until

    with open_store(world_path).transaction() as world:
        world.clock.frozen_at = 1_700_000_000.0
    healthy = world_path.read_bytes()
    app = HsmShellApp(world_path, status_only=True)
    async with app.run_test(size=(200, 50)) as pilot:
        clock = app.query_one("ClockView")
        await until(pilot, lambda: "2023-11-14" in clock.plain(400))
        for case in CORPUS:
            shutil.copyfile(case, world_path)
            hostile = world_path.read_bytes()
            await until(pilot, lambda: expected(case) in clock.plain(400))
            assert f"⚠ {world_path}, line " in clock.plain(400), case.name
            assert world_path.read_bytes() == hostile, case.name
            world_path.write_bytes(healthy)
            await until(pilot, lambda: "⚠" not in clock.plain(400))
        assert app.is_running
