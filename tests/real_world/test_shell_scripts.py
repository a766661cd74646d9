"""People's shell wrappers, run as their authors ran them: by bash, with their pipes,
process substitutions, files and environment, on a client host whose /opt/cloudhsm/bin is
this install's console scripts and whose `aws` is `hsmshell aws`.  A replay passes when each
script exits as the author's run did and the world (or what it printed) shows what it did.
A header's `after:` scripts run first, on the same host and world, as the author's
deployment ran them in order."""

from __future__ import annotations

import os
import subprocess

import pytest

from hsmshell.testing.worlds import fresh_world

from .corpus import CORPUS, HERE, load, make_host, sources, use_release
from .expect import program_environment, rewrite

XFAIL: dict[str, str] = {}


def cluster(world):
    (found,) = world.clusters.values()
    return found


CHECKS = {
    "autograph-find-ec-keys-by-label.sh#0":
        lambda world, out: out == "tx-signing,262151\ntx-signing,262152\n",
    "autograph-delete-keys-by-handle.sh#0":
        lambda world, out: "would delete: 262152 for label tx-signing\n" in out and 262152 in cluster(world).keys,
    "autograph-delete-keys-by-handle.sh#1":
        lambda world, out: "deleting: 262152 for label tx-signing\n" in out and 262152 not in cluster(world).keys,
    "yolt-configure-clients.sh#0": lambda world, out: out == "10.0.2.9,10.0.3.11,10.0.1.12\n",
    "yolt-cloudhsm-initiate-kms-keystore.sh#0":
        lambda world, out: [(s.custom_key_store_name, s.connection_state) for s in world.custom_key_stores.values()]
        == [("DataScienceKeyStore", "CONNECTED")],
    "stormreply-wait-cluster-active.sh#0": lambda world, out: "current status: ACTIVE\n" in out,
    "stormreply-05-create-kmsuser.sh#0":
        lambda world, out: {u.user_type for h in cluster(world).hsms for u in h.users if u.name == "kmsuser"} == {"CU"},
    "stormreply-wait-keystore-disconnected.sh#0": lambda world, out: "state: DISCONNECTED\n" in out,
    "stormreply-wait-keystore-connected.sh#0": lambda world, out: "connection state: CONNECTED\n" in out,
}


def cases():
    for source in sources(".sh"):
        for n, replay in enumerate(source.replays()):
            case = f"{source.name}#{n}"
            marks = [pytest.mark.xfail(strict=True, reason=XFAIL[case])] if case in XFAIL else []
            yield pytest.param(source, n, case, id=case, marks=marks)


@pytest.mark.parametrize("source,n,case", cases())
def test_shell_script(source, n, case, tmp_path):
    bin_dir, root = make_host(tmp_path)
    (tmp_path / "home").mkdir()
    store = fresh_world(tmp_path / "world", source.world, base=HERE)
    use_release(store, source.path.read_text(encoding="utf-8"))
    environ = program_environment(store.path, tmp_path / "home")
    environ.update(PATH=f"{bin_dir}{os.pathsep}{environ.get('PATH', '')}", REALWORLD_ROOT=str(root))
    for entry in source.header.get("file", []):
        name, _, text = entry.partition(" = ")
        if text == "@trust-anchor":
            text = cluster(store.read()).trust_anchor
        (root / name).write_text(text + ("" if text.endswith("\n") else "\n"))
    for earlier in source.header.get("after", [""])[0].split():
        before = load(CORPUS / earlier)
        status, out, err = run(before, before.replays()[0].args, root, bin_dir, environ, tmp_path)
        assert f"exit {status}" == before.replays()[0].outcome, f"{earlier} first: exit {status}\n{out}{err}"
    replay = source.replays()[n]
    status, out, err = run(source, replay.args, root, bin_dir, environ, tmp_path)
    assert f"exit {status}" == replay.outcome, f"exit {status}\nstdout:\n{out}\nstderr:\n{err}"
    if case in CHECKS:
        assert CHECKS[case](store.read(), out), f"stdout:\n{out}\nstderr:\n{err}"


def run(source, args, root, bin_dir, environ, tmp_path) -> tuple[int, str, str]:
    """The script as its author ran it: its `NAME=value` words set its environment, the rest
    are its arguments; it runs in the host's root folder (the scripts' `file://opt/...`)."""
    env = dict(environ)
    env.update(kv.split("=", 1) for kv in source.header.get("env", []))
    words = list(args)
    while words and "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    script = tmp_path / f"run-{source.name}"
    script.write_text(rewrite(source.body, root, bin_dir))
    stdin = "".join(line + "\n" for line in source.header.get("stdin", []))
    done = subprocess.run(["bash", str(script), *words], cwd=root, env=env, input=stdin, capture_output=True,
                          text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr
