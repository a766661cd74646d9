"""HSM return codes as the shells print them (cloudhsm-shells-spec §1.5).

Each code has the text key_mgmt_util prints after `returned: 0x..` and the RET_ name
cloudhsm_mgmt_util prints after `<command> failed:`.  Codes marked GAP are not documented;
their numbers and names are our choice, kept apart from every documented code.
"""

from __future__ import annotations

import msgspec


class ReturnCode(msgspec.Struct, frozen=True):
    code: int
    ret_name: str
    message: str

    def __bool__(self) -> bool:  # a success is falsy, like the C return value
        return self.code != 0


SUCCESS = ReturnCode(0x00, "RET_OK", "HSM Return: SUCCESS")
INVALID_HANDLE = ReturnCode(
    0xA8, "RET_INVALID_HANDLE", "HSM Error: Invalid object handle is passed to this operation"
)
KEY_ACCESS_DENIED = ReturnCode(0xC6, "RET_KEY_ACCESS_DENIED", "HSM Error: Key Access is denied.")
INVALID_USER_TYPE = ReturnCode(0xDB, "RET_INVALID_USER_TYPE", "HSM Error: Invalid User Type.")
USER_NOT_FOUND = ReturnCode(
    0x9D, "RET_USER_NOT_FOUND", "HSM Error: user isn't initialized or user with this name doesn't exist"
)
LOGIN_FAILURE = ReturnCode(0xA3, "RET_USER_LOGIN_FAILURE", "HSM Error: RET_USER_LOGIN_FAILURE")
# GAP: the shells' texts for these refusals are not documented.
ALREADY_LOGGED_IN = ReturnCode(0xA2, "RET_USER_ALREADY_LOGGED_IN", "HSM Error: RET_USER_ALREADY_LOGGED_IN")
NOT_LOGGED_IN = ReturnCode(0xA5, "RET_USER_NOT_LOGGED_IN", "HSM Error: RET_USER_NOT_LOGGED_IN")
USER_IN_SESSION = ReturnCode(0xA6, "RET_USER_IN_SESSION", "HSM Error: RET_USER_IN_SESSION")
PERMISSION_DENIED = ReturnCode(0xA7, "RET_PERMISSION_DENIED", "HSM Error: RET_PERMISSION_DENIED")
# Documented by name only (quorum pages: `createUser failed: RET_MXN_AUTH_FAILED`); the number is ours.
MXN_AUTH_FAILED = ReturnCode(0x1B0, "RET_MXN_AUTH_FAILED", "HSM Error: RET_MXN_AUTH_FAILED")
# The cluster error key_mgmt_util shows for a node that does not answer; cloudhsm_mgmt_util's
# name for it is undocumented (GAP).
SERVER_UNAVAILABLE = ReturnCode(
    0x30000085, "RET_SERVER_UNAVAILABLE", "HSM CLUSTER ERROR: Server in cluster is unavailable"
)
# The client library's answer when key_mgmt_util finds no client daemon to talk to, as a
# daemon that reaches no HSM leaves it (cloudhsm-shells-spec §1.5, §3.1).  The text is
# documented; the number is the one a published session shows (`Cfm3Initialize() returned
# 0x40000040 : LIQUIDSECURITY: Daemon socket connection error`).  GAP: its RET_ name is not.
DAEMON_SOCKET_ERROR = ReturnCode(
    0x40000040, "RET_DAEMON_SOCKET_CONNECTION_ERROR", "LIQUIDSECURITY: Daemon socket connection error"
)
# The HSM's text for a name already taken, from real sessions (`createUser failed: HSM Error:
# This user is already created`); GAP: its number and RET_ name are undocumented.
USER_ALREADY_EXISTS = ReturnCode(0xA9, "RET_USER_ALREADY_EXISTS", "HSM Error: This user is already created")
# GAP: the refusals below are documented as rules without their texts.
USER_OWNS_KEYS = ReturnCode(0xAA, "RET_USER_OWNS_KEYS", "HSM Error: RET_USER_OWNS_KEYS")
INVALID_ATTRIBUTE = ReturnCode(0xAB, "RET_INVALID_ATTRIBUTE", "HSM Error: RET_INVALID_ATTRIBUTE")
INVALID_M_VALUE = ReturnCode(0xAD, "RET_INVALID_M_VALUE", "HSM Error: RET_INVALID_M_VALUE")
# GAP: what inserting a masked object into an HSM of an unrelated cluster returns is undocumented.
MASKING_KEY_MISMATCH = ReturnCode(0xAE, "RET_MASKING_KEY_MISMATCH", "HSM Error: RET_MASKING_KEY_MISMATCH")
# GAP: quorum tokens and signatures (approveToken, -2fa) fail with codes the docs never show.
INVALID_TOKEN = ReturnCode(0xB4, "RET_INVALID_TOKEN", "HSM Error: RET_INVALID_TOKEN")
TOKEN_LIMIT = ReturnCode(0xB5, "RET_TOKEN_LIMIT_REACHED", "HSM Error: RET_TOKEN_LIMIT_REACHED")
INVALID_SIGNATURE = ReturnCode(0xB6, "RET_INVALID_SIGNATURE", "HSM Error: RET_INVALID_SIGNATURE")
# key_mgmt_util's documented crypto failures (genECCKeyPair.md, verify.md).
FIPS_POLICY = ReturnCode(
    0xB3, "RET_POLICY_VIOLATION", "HSM Error: This operation violates the current configured/FIPS policies"
)
BAD_PKCS_DATA = ReturnCode(0x1B, "ERR_BAD_PKCS_DATA", "CSP Error: ERR_BAD_PKCS_DATA")
# GAP: key_mgmt_util refusals documented as rules without their texts.
KEY_NOT_EXTRACTABLE = ReturnCode(0xB1, "RET_KEY_NOT_EXTRACTABLE", "HSM Error: RET_KEY_NOT_EXTRACTABLE")
INVALID_INPUT = ReturnCode(0xB2, "RET_INVALID_INPUT", "HSM Error: RET_INVALID_INPUT")
# A full cluster (cloudhsm/quotas.py).  GAP: no source shows what the HSM answers when its key
# or user quota is reached; the numbers, names and texts are ours.
KEY_LIMIT = ReturnCode(0xB7, "RET_MAX_OBJECTS_REACHED", "HSM Error: Maximum number of key objects reached")
ASYMMETRIC_KEY_LIMIT = ReturnCode(0xB8, "RET_MAX_ASYMMETRIC_OBJECTS_REACHED",
                                  "HSM Error: Maximum number of asymmetric key objects reached")
USER_LIMIT = ReturnCode(0xB9, "RET_MAX_USERS_REACHED", "HSM Error: Maximum number of users reached")
