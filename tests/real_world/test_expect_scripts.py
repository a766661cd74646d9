"""People's expect scripts, replayed as their authors ran them: through a pseudo-terminal,
with expect's matching rules (expect.py), against a world made for each.  A replay passes
when no expect stalls, the script ends as the author's run ended, and the world shows what
the script did.  The xfails name what the shells write differently today."""

from __future__ import annotations

import os

import pytest

from hsmshell.testing.worlds import fresh_world

from .corpus import HERE, TOOLS, make_host, sources
from .expect import Expect, program_environment, rewrite

# What our shells write differently from the tools these scripts were written against.
PROMPT_REDRAW = ("at a pty CMU redraws `aws-cloudhsm>` with the typed line after each send (prompt_toolkit), "
                 "so `expect \"aws-cloudhsm>\"` matches the echo at once, before the command's output")
KMU_PROMPT = ("key_mgmt_util writes its prompt as b'Command:\\x1b[8D\\x1b[9C' (prompt_toolkit cursor moves), "
              "never the bytes b'Command:  ' (two blanks) that `expect \"Command:  \"` waits for")
ENABLE_E2E = "`enable_e2e` prints `Command not found: enable_e2e...` instead of `E2E enabled on server 0(ip)`"

XFAIL = {
}


def users(world, name: str) -> set[str]:
    """The types `name` has across the HSMs of the world's one cluster."""
    (cluster,) = world.clusters.values()
    return {u.user_type for h in cluster.hsms for u in h.users if u.name == name}


def activated(*crypto_users: str):
    def check(world, root, run):
        (cluster,) = world.clusters.values()
        assert (cluster.state, users(world, "admin")) == ("ACTIVE", {"CO"})
        for name in crypto_users:
            assert users(world, name) == {"CU"}
    return check


def key(world, handle: int):
    (cluster,) = world.clusters.values()
    return cluster.keys[handle]


def handles_file(world, root, run):
    """What cloudhsm-list-keys-for-user.sh reads from the file findAllKeys wrote (its sed lines)."""
    lines = (root / "tmp" / "4.out").read_text().split("\n")
    assert lines[1].replace("Number of keys found ", "") == "3"
    assert lines[3].replace("(o)", "").replace("(s)", "") == "262150,262151,262152"


CHECKS = {
    "zeepal-activate-cloudhsm.exp#0": activated(),
    "afdemo-ec2-provisioning-first.exp#0": activated(),
    "afdemo-ec2-provisioning.exp#0": lambda world, root, run: [c.state for c in world.clusters.values()] == ["INITIALIZED"],
    "afdemo-initial-setup.exp#0": activated("gatewayuser"),
    "zeepal-create-kmsuser.exp#0": lambda world, root, run: users(world, "kmsuser") == {"CU"},
    "yolt-create-crypto-user.exp#0": lambda world, root, run: users(world, "vaultuser") == {"CU"},
    "yolt-create-crypto-user.exp#2": lambda world, root, run: users(world, "vaultuser") == set(),
    "yolt-migrate-keys.exp#0": lambda world, root, run: key(world, 262150).label == "payments-aes-v2",
    "yolt-share-keys.exp#0": lambda world, root, run: key(world, 262150).shared_with == [5],
    "yolt-list-keys-for-user.exp#0": handles_file,
}


def cases():
    for source in sources(".exp"):
        for n, replay in enumerate(source.replays()):
            case = f"{source.name}#{n}"
            marks = [pytest.mark.xfail(strict=True, reason=XFAIL[case])] if case in XFAIL else []
            yield pytest.param(source, replay, case, id=case, marks=marks)


@pytest.mark.parametrize("source,replay,case", cases())
def test_expect_script(source, replay, case, tmp_path):
    bin_dir, root = make_host(tmp_path)
    (tmp_path / "home").mkdir()
    store = fresh_world(tmp_path / "world", source.world, base=HERE)
    environ = program_environment(store.path, tmp_path / "home")
    environ["PATH"] = f"{bin_dir}{os.pathsep}{environ.get('PATH', '')}"
    programs = {name: str(bin_dir / name) for name in TOOLS}
    env = dict(kv.split("=", 1) for kv in source.header.get("env", []))
    run = Expect(programs, environ).run(rewrite(source.body, root, bin_dir), replay.args, env=env)
    assert not run.stalls, run.report()
    if replay.outcome == "tcl-error":
        assert run.error is not None, run.report()
    else:
        assert (run.error, f"exit {run.status}") == (None, replay.outcome), run.report()
    # The real tools write plain text to a terminal a program drives: no cursor movements,
    # no cursor position requests, no warning that nobody answered them.
    assert b"\x1b" not in run.raw, f"escape sequences in what the program wrote: {run.raw[-300:]!r}"
    if case in CHECKS:
        assert CHECKS[case](store.read(), root, run) is not False
