"""hsmshell configure -a IP | --cmu IP | -m: the client host's `/opt/cloudhsm/bin/configure`
(Client SDK 3), which points key_mgmt_util's client daemon and cloudhsm_mgmt_util at the HSMs
of a cluster.  Transcripts and the TUI's tabs run `configure ...` and
`sudo /opt/cloudhsm/bin/configure ...` here too.

The tool reads its own options and prints its own usage: it is the real tool's command line,
not an `hsmshell` one.
"""

from __future__ import annotations

import argparse

CLIENT_CFG = "/opt/cloudhsm/etc/cloudhsm_client.cfg"
CMU_CFG = "/opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg"
UPDATING = "Updating server config in {}"  # cloudhsm-shells-spec §2.1, printed by `-a`

# GAP: the tool's own usage text is undocumented; this is its documented syntax (the User
# Guide's "configure tool syntax"), without the --ssl options, which are not emulated.
USAGE = """\
Usage: configure -h | --help
       configure -a <ENI IP address>
       configure -m [-i <daemon_id>]
       configure --cmu <ENI IP address>
"""
NOT_EMULATED = ("--ssl", "--pkey", "--cert")


class Usage(Exception):
    pass


def register(sub) -> None:
    parser = sub.add_parser("configure", add_help=False, prefix_chars="+",
                            help="point the client host's tools at a cluster (/opt/cloudhsm/bin/configure)")
    # No option of its own for argparse (prefix "+"): every word goes to the tool as typed.
    parser.add_argument("args", nargs=argparse.REMAINDER)


def run(args, store) -> int:
    return configure(args.args, store, args.out, args.err)


def start(terminal, args: list[str]) -> int:
    """The client host's program (hsmshell/host.py)."""
    return configure(args, terminal.world(), terminal.console, terminal.err)


def configure(words: list[str], store, out, err) -> int:
    from ..cloudhsm import client_config

    try:
        action, value = _parse(words)
    except Usage as usage:
        # GAP: the tool's error texts and exit status are undocumented.
        print(f"configure: {usage}", file=err)
        print(USAGE, end="", file=err)
        return 1
    if action == "-h":
        print(USAGE, end="", file=out)
        return 0
    try:
        with store.transaction() as world:
            if action == "-a":
                client_config.add_server(world, value)
                updated = [CLIENT_CFG, CMU_CFG]
            elif action == "--cmu":
                client_config.set_cmu_servers(world, value)
                updated = [CMU_CFG]
            else:
                client_config.refresh_cmu_servers(world, value or client_config.DAEMON_ID)
                updated = [CMU_CFG]
    except client_config.NoClusterInfo as exc:
        # GAP: undocumented; the daemon found no HSM to copy, so the file is left as it was.
        print(f"configure: no HSM in {exc}: the client daemon has found no cluster", file=err)
        return 1
    # GAP: `--cmu` and `-m` print the line `-a` prints for the one file they update.
    for path in updated:
        print(UPDATING.format(path), file=out)
    return 0


def _parse(words: list[str]) -> tuple[str, str | None]:
    """(action, its value): exactly one of -h, -a IP, --cmu IP, -m [-i DAEMON_ID]."""
    actions: list[tuple[str, str | None]] = []
    daemon_id = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-h", "--help"):
            return "-h", None
        if word in ("-a", "--cmu", "-i"):
            if i + 1 >= len(words) or not words[i + 1] or words[i + 1].startswith("-"):
                raise Usage(f"option {word} needs " + ("a daemon id" if word == "-i" else "an ENI IP address"))
            if word == "-i":
                daemon_id = words[i + 1]
            else:
                actions.append((word, words[i + 1]))
            i += 2
        elif word == "-m":
            actions.append((word, None))
            i += 1
        elif word in NOT_EMULATED:
            raise Usage(f"{word} is not emulated by hsmshell")
        else:
            raise Usage(f"unknown argument {word}")
    if len(actions) != 1:
        raise Usage("give one of -a, -m or --cmu" if not actions else "give only one of -a, -m or --cmu")
    action, value = actions[0]
    if daemon_id is not None:
        if action != "-m":
            raise Usage("option -i goes with -m")
        value = daemon_id
    return action, value
