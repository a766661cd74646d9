"""key_mgmt_util's `findKey -u`: the keys every listed user may use, and the user logged in
(cloudhsm-shells-spec, findKey: "`-u 4,7` returns keys usable by all the listed users *and*
the current user"), with several users, not one."""

from __future__ import annotations

import re

import pytest

from ..conftest import Doors
from .test_cmu_conformance import CRYPTO_USERS, EXAMPLE_NET, PASSWORD, World, key

KEYS = [key(10, 3, [4, 5]), key(11, 3, [4]), key(12, 3, [5]), key(13, 3),
        key(14, 4, [3]), key(15, 6, [3, 4, 5]), key(16, 6, [4, 5]),
        key(17, 6, key_class=2, key_type=3, size=91)]  # a public key: everyone's


@pytest.fixture
def kmu(tmp_path):
    doors = Doors(World(EXAMPLE_NET[:1], CRYPTO_USERS, KEYS).write(tmp_path))
    return lambda line: doors.kmu(f"loginHSM -u CU -s crypto_user3 -p {PASSWORD}\n{line}\nexit\n")


def found(out: str) -> list[int]:
    match = re.search(r"number of keys matched from start index 0::\d+\n\s*([\d, ]+)\n", out)
    return [int(h) for h in match.group(1).split(", ")] if match else []


@pytest.mark.parametrize("users, handles", [
    ("", [10, 11, 12, 13, 14, 15, 17]),  # what crypto_user3 may see
    ("4", [10, 11, 14, 15, 17]),
    ("5", [10, 12, 15, 17]),
    ("4,5", [10, 15, 17]),  # usable by 4 and by 5 (and by 3): not by either
    ("5,4", [10, 15, 17]),
    ("4,5,6", [15, 17]),
])
def test_find_key_u_keeps_the_keys_every_listed_user_may_use(kmu, users, handles):
    out = kmu("findKey" + (f" -u {users}" if users else ""))
    assert "Cfm3FindKey returned: 0x00 : HSM Return: SUCCESS" in out, out
    assert found(out) == handles, out
    assert f"Total number of keys present {len(handles)}" in out
