"""What a single `cloudhsm-cli` command loads: its own command module and the world, not the
whole tool.  A single command's start-up is a budget of 150 ms (benchmarks/bench_cloudhsm_cli.py
measures it); these tests keep what was cut from it from growing back, one import at a time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from hsmshell.services import open_store

# Run in a process of its own: the test session has imported everything already.
PROBE = textwrap.dedent("""
    import importlib.util, sys
    from hsmshell.host import main

    status = main(["cloudhsm-cli", "--world", sys.argv[1], *sys.argv[2:]])
    executed = sorted(name for name, module in sys.modules.items()
                      if not isinstance(module, importlib.util._LazyModule))
    import json  # after the count: the command itself must not need it

    print(json.dumps({"status": status, "modules": executed}), file=sys.stderr)
""")


def loaded(world, *args: str, env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    ran = subprocess.run([sys.executable, "-c", PROBE, str(world), *args], capture_output=True, text=True,
                         env=env, timeout=60)
    report = json.loads(ran.stderr.strip().splitlines()[-1])
    return report["status"], set(report["modules"]), ran.stdout


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "world.yaml"
    subprocess.run([sys.executable, "-m", "hsmshell", "--world", str(path), "world", "init"], check=True,
                   capture_output=True)
    loaded(path, "user", "list")  # the first reader after the YAML makes the derived cache
    return path


def test_user_list_loads_its_own_commands_and_the_world_only(world):
    status, modules, out = loaded(world, "user", "list")
    assert status == 0 and '"username": "admin"' in out
    assert "hsmshell.shells.cli.users" in modules
    # Not the other command modules, nor what only they need.
    assert not modules & {"hsmshell.shells.cli.keys", "hsmshell.shells.cli.crypto", "hsmshell.shells.cli.wrapping",
                          "hsmshell.shells.cli.cluster", "hsmshell.shells.cli.session",
                          "hsmshell.cloudhsm.keys", "hsmshell.cloudhsm.attributes"}
    # Not KMS's rules (nothing is due), not the YAML parser or emitter (the derived cache holds
    # the world and nothing is written), not OpenSSL's hashes (nobody logs in).
    assert not {m for m in modules if m.startswith(("hsmshell.kms", "hsmshell.cloudtrail", "yaml"))}
    assert modules & {"hsmshell.world.emitter", "hashlib", "cryptography"} == set()
    # Not the json module (msgspec, the world's codec, writes the envelope) nor copy.
    assert modules & {"json", "copy"} == set()


def test_a_key_command_loads_the_key_commands_and_logs_in(world):
    env = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345", "PATH": "/usr/bin:/bin"}
    status, modules, out = loaded(world, "key", "list", env=env)
    assert status == 0 and '"matched_keys"' in out
    assert {"hsmshell.shells.cli.keys", "hsmshell.shells.cli.session", "hashlib"} <= modules
    assert "hsmshell.shells.cli.users" not in modules


def test_kmsusers_verbose_key_list_loads_no_cryptography_once_the_material_is_made(world):
    # The runbook's state: the key store disconnected, kmsuser's password set by an admin.
    subprocess.run([sys.executable, "-m", "hsmshell", "--world", str(world), "aws", "kms", "disconnect-custom-key-store",
                    "--custom-key-store-id", "cks-1234567890abcdef0"], check=True, capture_output=True)
    admin = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345", "PATH": "/usr/bin:/bin"}
    status, _, _ = loaded(world, "user", "change-password", "--username", "kmsuser", "--role", "crypto-user",
                          "--password", "kmsPswd1", env=admin)
    assert status == 0
    kmsuser = {"CLOUDHSM_ROLE": "crypto-user", "CLOUDHSM_PIN": "kmsuser:kmsPswd1", "PATH": "/usr/bin:/bin"}
    arn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    # An AES key (the runbook's) whose material the fixture left to be made on first use.
    status, modules, first = loaded(world, "key", "list", "--filter", f"attr.label={arn}", "--verbose", env=kmsuser)
    assert status == 0 and '"check-value": "0x' in first and "cryptography" in modules
    # Its check value is kept with it, as an HSM keeps OBJ_ATTR_KCV: then no cryptography at all.
    status, modules, out = loaded(world, "key", "list", "--filter", f"attr.label={arn}", "--verbose", env=kmsuser)
    assert status == 0 and '"returned_key_count": 1' in out and out == first
    assert not {m for m in modules if m.startswith("cryptography")} and "hsmshell.cloudhsm.check_values" not in modules
    # A world made before check values were kept: the check value needs a block cipher, not
    # serialization (ssh keys, bcrypt, dataclasses).
    with open_store(world).transaction() as w:
        for cluster in w.clusters.values():
            for key in cluster.keys.values():
                key.attributes.pop(371, None)
    status, modules, out = loaded(world, "key", "list", "--filter", f"attr.label={arn}", "--verbose", env=kmsuser)
    assert status == 0 and out == first
    assert "hsmshell.cloudhsm.check_values" in modules and "cryptography" in modules
    assert modules & {"cryptography.hazmat.primitives.serialization", "hsmshell.cloudhsm.crypto", "bcrypt",
                      "dataclasses", "inspect"} == set()


def test_help_and_an_unknown_command_still_know_every_command(world):
    status, _, out = loaded(world, "--help")
    assert status == 0
    for word in ("cluster", "crypto", "key", "login", "logout", "quorum", "user"):
        assert f"\n  {word} " in out
    status, modules, out = loaded(world, "usr", "list")
    assert status == 2 and "error: unrecognized subcommand 'usr'" in out


def test_the_prompts_first_words_are_known_before_any_command_module_loads():
    # What completes the first word at `aws-cloudhsm > `: asked as the prompt starts.
    probe = textwrap.dedent("""
        import json, sys
        from hsmshell.shells.cli import commands
        from hsmshell.shells.cli.tree import TREE
        words = commands.commands
        loaded = sorted(m for m in sys.modules if m.startswith("hsmshell.shells.cli."))
        print(json.dumps({"words": words, "loaded": loaded, "all": [w for w, _ in TREE.children(())]}))
    """)
    report = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                       check=True, timeout=60).stdout)
    modules = {f"hsmshell.shells.cli.{m}" for m in ("cluster", "crypto", "keys", "quorum", "session", "users", "wrapping")}
    assert "hsmshell.shells.cli.tree" in report["loaded"] and not modules & set(report["loaded"])
    assert report["words"] == report["all"] + ["help", "quit"]
    assert report["words"] == ["cluster", "crypto", "key", "quorum", "user", "login", "logout", "help", "quit"]


def test_every_command_module_is_named_for_the_words_it_declares():
    # The tree imports a module only for the first words `tree.py` names it for: a command
    # module missing there would never be loaded.
    probe = textwrap.dedent("""
        import importlib, json, pkgutil
        import hsmshell.shells.cli as cli
        from hsmshell.shells.cli.tree import TREE
        for info in pkgutil.iter_modules(cli.__path__):
            importlib.import_module(f"hsmshell.shells.cli.{info.name}")
        print(json.dumps({"declared": sorted({(c.path[0], c.run.__module__) for c in TREE.commands.values()}),
                          "named": {word: list(modules) for word, modules in TREE._declared_in.items()}}))
    """)
    report = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                       check=True, timeout=60).stdout)
    for word, module in report["declared"]:
        assert module in report["named"].get(word, []), f"{module} declares `{word} ...` but tree.py does not name it"
