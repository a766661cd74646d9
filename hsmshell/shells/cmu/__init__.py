"""cloudhsm_mgmt_util: the `aws-cloudhsm>` shell (cloudhsm-shells-spec §2)."""

from ..engine import run_shell
from . import cluster, keys, quorum, session, users  # noqa: F401 - registers their commands in the table
from .shell import CloudHsmMgmtUtil


def main() -> int:
    return run_shell(CloudHsmMgmtUtil)
