"""findKey and deleteKey in key_mgmt_util."""

from __future__ import annotations

from ...cloudhsm import keys
from ...cloudhsm import returncodes as rc
from .shell import TABLE, KeyMgmtUtil, flag_value

FIND_USAGE = ("findKey [-c <key class>] [-t <key type>] [-l <key label>] [-id <key ID>] "
              "[-sess (0 | 1)] [-u <user-ids>] [-m <modulus>] [-kcv <key_check_value>]")
FIND_FLAGS = ("-c", "-t", "-l", "-sess")


def _help(shell: KeyMgmtUtil, description: str, syntax: str, error: str | None = None) -> None:
    if error:
        shell.line()
        shell.line(f"\tError: {error}")
    shell.line()
    shell.line()
    shell.line("Description")
    shell.line("===========")
    shell.line(description)
    shell.line()
    shell.line(f"Syntax: {syntax}")
    shell.line()


def _integer(text: str) -> int | None:
    try:
        return int(text, 0)
    except ValueError:
        return None


def _not_logged_in(shell: KeyMgmtUtil, call: str, nodes) -> None:
    # GAP: the text of a key command run before loginHSM is undocumented.
    shell.returned(call, rc.NOT_LOGGED_IN)
    shell.line()


@TABLE.command("findKey", usage=FIND_USAGE, summary="Find Key")
def find_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    pairs = dict(zip(args[::2], args[1::2]))
    if "-h" in args or len(args) % 2 or any(flag not in FIND_FLAGS for flag in pairs):
        return _help(shell, "Find keys optionally matching the specified key class, key type,\n"
                            "key label, session flag.", FIND_USAGE)
    numbers = {flag: _integer(pairs[flag]) for flag in ("-c", "-t", "-sess") if flag in pairs}
    if None in numbers.values():
        return _help(shell, "Find keys optionally matching the specified key class, key type,\n"
                            "key label, session flag.", FIND_USAGE, "Invalid value for a numeric flag.")
    world = shell.store.read()
    cluster, nodes = shell.nodes(world)
    session = shell.session(world)
    if session is None or cluster is None:
        return _not_logged_in(shell, "Cfm3FindKey", nodes)
    queried = [(node, hsm) for node, hsm in nodes if hsm.hsm_id in session.hsms]
    handles = keys.find_keys(
        cluster, session, [hsm for _, hsm in queried], label=pairs.get("-l"),
        key_class=numbers.get("-c"), key_type=numbers.get("-t"),
        session_only=None if "-sess" not in numbers else bool(numbers["-sess"]),
    )
    shell.line()
    shell.line(f"Total number of keys present {len(handles)}")
    if handles:
        shell.line()
        shell.line(f" number of keys matched from start index 0::{len(handles) - 1}")
        shell.line(", ".join(str(h) for h in handles))
    shell.status([(node, rc.SUCCESS) for node, _ in queried])
    shell.line()
    shell.line(f"\tCfm3FindKey returned: 0x00 : {rc.SUCCESS.message}")
    shell.line()


@TABLE.command("deleteKey", usage="deleteKey -k <key handle>", summary="Delete Key")
def delete_key(shell: KeyMgmtUtil, args: list[str]) -> None:
    handle_text = flag_value(args, "-k")
    if "-h" in args or handle_text is None:
        return _help(shell, "Delete a key specifying a key handle.", "deleteKey -h -k <key handle>",
                     None if "-h" in args else "Key handle (-k) is missing.")
    handle = _integer(handle_text)
    if handle is None or handle < 0:
        return _help(shell, "Delete a key specifying a key handle.", "deleteKey -h -k <key handle>",
                     "Invalid key handle (-k) specified.")
    with shell.store.transaction() as world:
        cluster, nodes = shell.nodes(world)
        session = shell.session(world)
        if session is None or cluster is None:
            return _not_logged_in(shell, "Cfm3DeleteKey", nodes)
        node_of = {hsm.hsm_id: node for node, hsm in nodes}
        logged_in = [hsm for _, hsm in nodes if hsm.hsm_id in session.hsms]
        deletion = keys.delete_key(cluster, session, logged_in, handle)
    shell.returned(deletion.call, deletion.code)
    if deletion.code != rc.KEY_ACCESS_DENIED:  # the documented refusal prints no status block
        shell.status([(node_of[hsm.hsm_id], code) for hsm, code in deletion.results])
    shell.line()
