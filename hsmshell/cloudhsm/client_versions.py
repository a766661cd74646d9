"""What the SDK 3 tools print differently from one Client SDK release to the next.

The CloudHSM User Guide's example sessions were captured over several releases and most show
the older output; real sessions from the last releases (the ones clusters ran until SDK 3's end
of support) differ in a few places that scripts wait for.  The client host's
`client.sdk3_version` chooses: `documented` (the default) prints what the User Guide's examples
show; a release number prints what that release prints, each change from the first release
known to print it.

GAP: AWS's release notes do not list these output changes.  Each first release below is the
earliest dated public session that shows the change; the change may be older.
"""

from __future__ import annotations

from ..world.model import Client
from ..world.validate import SDK3_RELEASE

DOCUMENTED = "documented"

# change: the first release known to print it, and the session that shows it.
PER_SERVER_USER_RESULTS = "per-server user results"  # createUser/changePswd success on server N(ip)
E2E_AT_START = "E2E at start"  # `E2E enabled on server N(ip)` after CMU connects
HSM_ERROR_TEXTS = "HSM error texts"  # `createUser failed: HSM Error: This user is already created`
CLUSTER_STATUS = "Cluster Status"  # key_mgmt_util's `Cluster Status:` / `Node id N status: ...`
FIND_KEY_HANDLES = "findKey handles"  # `Total number of keys present: N` / `Handles of matching keys:`
PRIVATE_KEY_IMPORTED = "Private Key Imported"  # importPrivateKey's `Private Key Imported.  Key Handle: N`
FIRST_RELEASE = {
    # A Vault-on-CloudHSM walkthrough with cloudhsm-client 3.2.1 (2020-11).
    PER_SERVER_USER_RESULTS: (3, 2, 1),
    E2E_AT_START: (3, 2, 1),
    # Sessions pasted with the 3.2-3.4 clients; the User Guide's genRSAKeyPair page and
    # loginHSM page show the `Cluster Status` form too.
    HSM_ERROR_TEXTS: (3, 2, 1),
    CLUSTER_STATUS: (3, 2, 1),
    # A public key-inventory script (singlecmd findKey, then `grep "Total number of keys
    # present: 1$"` and the handle after `Handles of matching keys:`), and a pasted 3.x session
    # importing a private key (`Private Key Imported.  Key Handle: 9`).
    FIND_KEY_HANDLES: (3, 2, 1),
    PRIVATE_KEY_IMPORTED: (3, 2, 1),
}
LAST_RELEASE = "3.4.4"  # SDK 3's last client release


def prints(client: Client, change: str) -> bool:
    """Does the host's client release print this change?"""
    version = client.sdk3_version
    if version == DOCUMENTED or not SDK3_RELEASE.match(version):
        return False
    return tuple(int(part) for part in version.split(".")) >= FIRST_RELEASE[change]
