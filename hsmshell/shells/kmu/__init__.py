"""key_mgmt_util: the `Command:` shell (cloudhsm-shells-spec §3)."""

from ..engine import run_shell
from . import generate, keys, session, signing, transfer, users  # noqa: F401 - registers their commands in the table
from .shell import KeyMgmtUtil


def main(argv: list[str] | None = None) -> int:
    return run_shell(KeyMgmtUtil, argv)
