"""The program itself: its two modes, the JSON envelope, clap's argument errors, help,
secrets, and the exit status of single-command mode."""

from __future__ import annotations

import io

from hsmshell.services import open_store
from hsmshell.shells.cli import run, secret_words
from hsmshell.shells.console import StreamConsole

ADMIN_ENV = {"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:co12345"}
USER_LIST_START = '{\n  "error_code": 0,\n  "data": {\n    "users": [\n      {\n        "username": "admin",\n'


def test_single_command_prints_one_json_object_indented_by_two(cli):
    ran = cli("user", "list")
    assert ran.status == 0
    assert ran.output.startswith(USER_LIST_START)
    assert ran.json["data"]["users"][0] == {"username": "admin", "role": "admin", "locked": "false",
                                            "mfa": [], "quorum": [], "cluster-coverage": "full"}
    assert ran.json["data"]["users"][-1]["role"] == "internal(APPLIANCE_USER)"


def test_interactive_prompt_help_and_quit(cli):
    out = cli.session("help\nlogin --username admin --role admin\nco12345\nlogout\nquit\n")
    assert out.startswith("aws-cloudhsm > help\nCloudHSM CLI\n\nUsage: cloudhsm-cli <COMMAND>")
    assert "  user     User management" in out
    assert "aws-cloudhsm > login --username admin --role admin\nEnter password:\n{\n" in out
    assert '"data": {\n    "username": "admin",\n    "role": "admin"\n  }\n}\n' in out
    assert '  "data": "Logout successful"\n}\naws-cloudhsm > quit\n' in out
    assert out.endswith("aws-cloudhsm > quit\n")


def test_help_of_a_command_is_derived_from_its_declaration(cli):
    out = cli.session("help user delete\n")
    assert "Delete a user\n\nUsage: user delete [OPTIONS] --username <USERNAME> --role <ROLE>\n" in out
    assert "          - crypto-user: A CryptoUser has the ability to manage and use keys\n" in out
    assert "      --approval <APPROVAL>\n" in out


def test_argument_errors_are_clap_s_with_status_2(cli):
    ran = cli("user", "create", "--role", "admin")
    assert ran.status == 2
    assert ran.output == ("error: the following required arguments were not provided:\n"
                          "  --username <USERNAME>\n\n"
                          "Usage: user create [OPTIONS] --username <USERNAME> --role <ROLE>\n\n"
                          "For more information, try '--help'.\n")
    ran = cli("user", "create", "--username", "bob", "--role", "boss")
    assert ran.output == ("error: invalid value 'boss' for '--role <ROLE>'\n"
                          "  [possible values: crypto-user, admin]\n\nFor more information, try '--help'.\n")
    assert cli("user", "frobnicate").output.startswith("error: unrecognized subcommand 'frobnicate'\n")
    assert cli("user", "list", "--bogus").output.startswith("error: unexpected argument '--bogus' found\n")
    assert cli("key", "list", "--max-items", "ten").output.startswith(
        "error: invalid value 'ten' for '--max-items <MAX_ITEMS>'")


def test_a_refusal_is_error_code_1_and_exit_status_1(cli):
    ran = cli("user", "create", "--username", "bob", "--role", "crypto-user", "--password", "bobpass1")
    assert ran.status == 1
    assert ran.json == {"error_code": 1, "data": "You must be logged in to run this command"}


def test_single_command_logs_in_from_the_environment(cli):
    ran = cli.as_admin("user", "create", "--username", "Bob", "--role", "crypto-user", input="bobpass1\nbobpass1\n")
    assert ran.output.startswith("Enter password:Confirm password:{")
    assert ran.json == {"error_code": 0, "data": {"username": "bob", "role": "crypto-user"}}
    bad = cli("user", "list", env={"CLOUDHSM_ROLE": "admin", "CLOUDHSM_PIN": "admin:wrong"})
    assert (bad.status, bad.json["error_code"]) == (1, 1)


def test_a_single_command_that_only_looks_writes_nothing(kmsuser, store):
    """Its login and its logout are one batch of transactions (Store.batch): the session it
    opened is gone again when the batch commits, so the world file is not written at all
    (three commits of a full hsm2m.medium's 6 MB were most of a `key list`'s time)."""
    before = store.path.read_bytes()
    ran = kmsuser("key", "list", "--filter", "attr.label=kmsuser-key")
    assert ran.status == 0 and ran.json["error_code"] == 0
    assert store.path.read_bytes() == before
    assert store.read().sessions == {}


def _materials(store) -> dict[int, bool]:
    return {h: k.material is not None for c in store.read().clusters.values() for h, k in c.keys.items()}


def test_a_key_list_keeps_material_made_on_first_use(kmsuser, store):
    """--verbose shows what is derived from a key's material (its check value): a key a
    hand-written world gave none gets it on first use, and the world keeps it."""
    assert not all(_materials(store).values())  # the fixture is hand-written
    ran = kmsuser("key", "list", "--verbose", "--max-items", "100")
    shown = [int(k["key-reference"], 16) for k in ran.json["data"]["matched_keys"]]
    assert shown and all(k["attributes"]["check-value"] for k in ran.json["data"]["matched_keys"])
    assert all(_materials(store)[h] for h in shown)


def test_a_single_key_list_packs_the_world_once(kmsuser, store, monkeypatch):
    """Of a single command's batch (log in, list, log out) only the commit packs the world, to
    find what changed; neither the listing nor the logout packs it to put back if it failed
    (undo=False: a full hsm2m.medium packs in 15 ms)."""
    from hsmshell.world import cache

    packs = []
    monkeypatch.setattr(cache, "pack", lambda world, _pack=cache.pack: packs.append(1) or _pack(world))
    ran = kmsuser("key", "list", "--verbose")
    assert ran.json["error_code"] == 0 and ran.json["data"]["returned_key_count"] > 0
    assert len(packs) == 1


def test_a_single_command_lets_go_of_the_world_while_it_waits_for_a_person(cli, store, monkeypatch):
    """Logged in from the environment, `user create` asks for the new user's password: another
    tool must not wait for the lock meanwhile (or give up after HSMSHELL_LOCK_TIMEOUT)."""
    monkeypatch.setenv("HSMSHELL_LOCK_TIMEOUT", "0.2")
    others = []

    class Person(StreamConsole):
        def read_secret(self, prompt: str) -> str | None:
            with open_store(store.path).transaction() as world:  # another tool, meanwhile
                others.append([s.user_name for s in world.sessions.values() if s.tool == "cloudhsm-cli"])
            return super().read_secret(prompt)

    out = io.StringIO()
    status = run(store, Person(io.StringIO("bobpass1\nbobpass1\n"), out),
                 ["user", "create", "--username", "bob", "--role", "crypto-user"], ADMIN_ENV)
    assert status == 0, out.getvalue()
    assert others == [["admin"], ["admin"]]  # the login was committed before the prompts


def test_every_command_takes_cluster_id(cli):
    assert cli("user", "list", "--cluster-id", "cluster-1a23b4cdefg").status == 0
    ran = cli("user", "list", "--cluster-id", "cluster-nope")
    assert ran.json == {"error_code": 1, "data": "Cluster cluster-nope is not in the configuration file"}


def test_secret_words_are_the_values_of_secret_options():
    assert secret_words(["user", "create", "--username", "a", "--role", "admin", "--password", "pw"]) == {7}
    assert secret_words(["login", "--password=pw", "--username", "a", "--role", "admin"]) == {1}
    assert secret_words(["user", "list"]) == set()
    assert secret_words(["interactive"]) == set()


def test_no_line_ends_in_a_traceback(cli):
    out = cli.session('key list --filter attr.label="unterminated\nuser\n\nquit\n')
    assert "Traceback" not in out
    assert "error: unmatched quote" in out


def test_completion_and_history_masking_derive_from_the_declarations():
    from hsmshell import host
    from hsmshell.shells.cli.declare import completions
    from hsmshell.shells.cli.tree import TREE

    assert completions(TREE, [], "qu") == ["quorum"]
    assert sorted(completions(TREE, ["key"], "gen")) == ["generate-asymmetric-pair", "generate-file",
                                                         "generate-symmetric"]
    assert completions(TREE, ["user", "delete"], "--r") == ["--role"]
    assert completions(TREE, ["key", "list", "--verbose"], "--ve") == []  # given once already
    cli = host.program("cloudhsm-cli")
    assert host.carries_secret("login --username admin --role admin --password co12345", cli)
    assert not host.carries_secret("login --username admin --role admin", cli)


def test_help_of_a_group_lists_its_commands(cli):
    out = cli.session("help key generate-symmetric\nkey\nquit\n")
    assert "Usage: key generate-symmetric <COMMAND>\n\nCommands:\n  aes             Generate an AES key\n" in out
    assert "aws-cloudhsm > key\nKey management\n\nUsage: key <COMMAND>\n" in out
