"""cloudhsm_mgmt_util: the `aws-cloudhsm>` shell (cloudhsm-shells-spec §2), a program of the
client host (hsmshell/host.py)."""

from . import cluster, keys, quorum, session, users  # noqa: F401 - registers their commands in the table
from .shell import TABLE as commands
from .shell import CloudHsmMgmtUtil


def start(terminal, args: list[str]) -> int:
    """`cloudhsm_mgmt_util [CONFIG_FILE]`: its prompt, until quit."""
    made: list[CloudHsmMgmtUtil] = []  # the toolbar asks the shell, made just below
    console = terminal.console_for(lambda: made[0].toolbar() if made else "")
    made.append(CloudHsmMgmtUtil(terminal.world(), console, args[0] if args else None))
    return made[0].run()
