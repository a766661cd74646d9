"""A user name is unique on each HSM whatever its case: CloudHSM user names are not case-
sensitive (cloudhsm-shells-spec createUser and changePswd: "user-name ... not case-sensitive";
the CloudHSM CLI shows them in lower case), so `KMSUSER` beside `kmsuser` is the same user twice."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world.store import WorldError

from .test_validate import line_of


@pytest.mark.parametrize("name", ["KMSUSER", "KmsUser", "kmsuser"])
def test_a_second_user_of_the_same_name_in_another_case_is_refused_with_its_line(world_path, name):
    text = world_path.read_text()
    world_path.write_text(text.replace("name: app_user", f"name: {name}", 1))
    before = world_path.read_bytes()
    replaced = line_of(world_path, f"name: {name}")
    lines = world_path.read_text().splitlines()
    line = next(i for i, l in enumerate(lines, 1) if i > replaced and l.strip() == "name: kmsuser")
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    assert str(caught.value).startswith(f"{world_path}, line {line}: ")  # the second of the two
    assert "duplicate user name 'kmsuser'" in str(caught.value)
    assert world_path.read_bytes() == before


# The other rules of validate.py that no test broke before (found by benchmarks/mutation.py).

@pytest.mark.parametrize("old, new, at, problem", [
    ("connection_state: CONNECTED\n  kms_session_id: kms-cks-1234567890abcdef0",
     "connection_state: FAILED\n  connection_error_code: NOT_A_CODE\n  kms_session_id: kms-cks-1234567890abcdef0",
     ("NOT_A_CODE", 0), "'NOT_A_CODE' is not one of CLUSTER_NOT_FOUND"),
    ("kms_session_id: kms-cks-1234567890abcdef0", "kms_session_id: kms-gone", ("kms-gone", 0),
     "no session 'kms-gone'"),
    ("    - hsm-udw0tkfg1ab\n    - hsm-ab2cdefg3hi\n    - hsm-jk4lmnop5qr\n    shared_with: []",
     "    - hsm-udw0tkfg1ab\n    - hsm-gone1\n    - hsm-gone2\n    shared_with: []",
     ("hsm-gone1", -2), "no HSM 'hsm-gone1' in this cluster"),  # on `hsms:`, naming the first not there
    ("  state: READY\n  never_expires: true", "  state: LOST\n  never_expires: true", ("state: LOST", 0),
     "'LOST' is not one of CREATE_IN_PROGRESS, DELETED, PENDING_DELETION, READY"),
    ("  tool: kms\n", "  tool: pkcs11\n", ("pkcs11", 0),
     "'pkcs11' is not one of cloudhsm-cli, cloudhsm_mgmt_util, key_mgmt_util, kms"),
])
def test_more_hand_broken_rules_are_refused_with_their_line(world_path, old, new, at, problem):
    text = world_path.read_text()
    assert old in text
    world_path.write_text(text.replace(old, new, 1))
    line = line_of(world_path, at[0]) + at[1]
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    assert str(caught.value).startswith(f"{world_path}, line {line}: ") and problem in str(caught.value)


def test_a_store_without_a_kms_session_is_valid(world_path):
    text = world_path.read_text()
    world_path.write_text(text.replace("connection_state: CONNECTED\n  kms_session_id: kms-cks-1234567890abcdef0",
                                       "connection_state: DISCONNECTED", 1))
    store = next(iter(open_store(world_path).read().custom_key_stores.values()))
    assert (store.connection_state, store.kms_session_id) == ("DISCONNECTED", None)
