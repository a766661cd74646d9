"""HSM return codes as the shells print them (cloudhsm-shells-spec §1.5).

Each code has the text key_mgmt_util prints after `returned: 0x..` and the RET_ name
cloudhsm_mgmt_util prints after `<command> failed:`.  Codes marked GAP are not documented;
their numbers and names are our choice, kept apart from every documented code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReturnCode:
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
