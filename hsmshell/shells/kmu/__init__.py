"""key_mgmt_util: the `Command:` shell (cloudhsm-shells-spec §3), a program of the client host
(hsmshell/host.py)."""

from . import generate, keys, session, signing, transfer, users  # noqa: F401 - registers their commands in the table
from . import singlecmd
from .shell import TABLE as commands
from .shell import KeyMgmtUtil


def interactive(args: list[str]) -> bool:
    return args[:1] != [singlecmd.SINGLECMD]


def start(terminal, args: list[str]) -> int:
    """`key_mgmt_util`: its prompt, until exit; `key_mgmt_util singlecmd ...`: one command.
    Single-command mode asks nothing (but loginHSM -hpswd's password): no line editing."""
    console = terminal.console_for() if interactive(args) else terminal.console
    return KeyMgmtUtil(terminal.world(), console, args).run()


def secret_args(args: list[str]) -> set[int]:
    at = singlecmd.password_at(args)
    return set() if at is None else {at}


def echo(args: list[str]) -> list[str] | None:
    """The command line single-command mode echoes after `Command:` (output that looks like
    a line typed at the prompt), or None."""
    if args[:1] != [singlecmd.SINGLECMD]:
        return None
    return singlecmd.split(args[1:])[1] or None
