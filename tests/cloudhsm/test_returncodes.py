"""The HSMs' return codes (cloudhsm/returncodes.py), through key_mgmt_util's Error2String: each
code maps to its text.  The documented ones are cloudhsm-shells-spec §1.5's; the numbers the
documentation never shows (GAP) are ours, pinned all the same, since a transcript a team pinned
in CI shows them (`returned: 0xa5 : HSM Error: RET_USER_NOT_LOGGED_IN`).  Found by
benchmarks/mutation.py: a code's number could change unnoticed."""

from __future__ import annotations

import pytest

from ..conftest import Doors

CODES = [
    # documented (§1.5)
    (0x00, "HSM Return: SUCCESS"),
    (0xa8, "HSM Error: Invalid object handle is passed to this operation"),
    (0xc6, "HSM Error: Key Access is denied."),
    (0xdb, "HSM Error: Invalid User Type."),
    (0x9d, "HSM Error: user isn't initialized or user with this name doesn't exist"),
    (0xa3, "HSM Error: RET_USER_LOGIN_FAILURE"),
    (0xb3, "HSM Error: This operation violates the current configured/FIPS policies"),
    (0x1b, "CSP Error: ERR_BAD_PKCS_DATA"),
    (0x30000085, "HSM CLUSTER ERROR: Server in cluster is unavailable"),
    (0x40000040, "LIQUIDSECURITY: Daemon socket connection error"),
    # ours (GAP: documented by name or as a rule only)
    (0xa2, "HSM Error: RET_USER_ALREADY_LOGGED_IN"),
    (0xa5, "HSM Error: RET_USER_NOT_LOGGED_IN"),
    (0xa6, "HSM Error: RET_USER_IN_SESSION"),
    (0xa7, "HSM Error: RET_PERMISSION_DENIED"),
    (0xa9, "HSM Error: This user is already created"),
    (0xaa, "HSM Error: RET_USER_OWNS_KEYS"),
    (0xab, "HSM Error: RET_INVALID_ATTRIBUTE"),
    (0xad, "HSM Error: RET_INVALID_M_VALUE"),
    (0xae, "HSM Error: RET_MASKING_KEY_MISMATCH"),
    (0xb1, "HSM Error: RET_KEY_NOT_EXTRACTABLE"),
    (0xb2, "HSM Error: RET_INVALID_INPUT"),
    (0xb4, "HSM Error: RET_INVALID_TOKEN"),
    (0xb5, "HSM Error: RET_TOKEN_LIMIT_REACHED"),
    (0xb6, "HSM Error: RET_INVALID_SIGNATURE"),
    (0xb7, "HSM Error: Maximum number of key objects reached"),
    (0xb8, "HSM Error: Maximum number of asymmetric key objects reached"),
    (0xb9, "HSM Error: Maximum number of users reached"),
    (0x1b0, "HSM Error: RET_MXN_AUTH_FAILED"),
]


def maps(world_path, codes: list[int]) -> list[str]:
    out = Doors(world_path).kmu("".join(f"Error2String -r 0x{code:x}\n" for code in codes) + "exit\n")
    return [line.strip() for line in out.splitlines() if line.startswith("\tError Code ")]


def test_each_code_maps_to_its_text(world_path):
    assert maps(world_path, [code for code, _ in CODES]) == [f"Error Code {code:x} maps to {text}"
                                                             for code, text in CODES]


@pytest.mark.parametrize("code", [0x01, 0x9e, 0xa4, 0xac, 0xba, 0x1b1, 0x30000086])
def test_a_code_next_to_a_known_one_is_unknown(world_path, code):
    assert maps(world_path, [code]) == [f"Error Code {code:x} maps to HSM Error: Unknown error"]
