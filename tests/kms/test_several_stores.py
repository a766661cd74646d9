"""The rules of custom key stores that pick one store among several (found by
benchmarks/mutation.py: the default world has one store, so a rule that compared store ids or
names with `>=` instead of `==` passed every test).  The other stores' ids sort both before and
after the default store's, and their names both before and after its name."""

from __future__ import annotations

import copy
import json

import pytest

from ..conftest import STORE_ID

NAME = "ExampleKeyStore"
BEFORE, AFTER = "cks-0000000000000000a", "cks-fffffffffffffffff"


def add_stores(store, *stores: tuple[str, str]) -> None:
    """Disconnected stores (id, name) beside the default one, on clusters long gone."""
    with store.transaction() as world:
        for i, (store_id, name) in enumerate(stores):
            extra = copy.deepcopy(world.custom_key_stores[STORE_ID])
            extra.custom_key_store_id, extra.custom_key_store_name = store_id, name
            extra.cloud_hsm_cluster_id = f"cluster-gone{i:07d}"
            extra.connection_state, extra.kms_session_id = "DISCONNECTED", None
            world.custom_key_stores[store_id] = extra


def test_describe_by_name_finds_that_store_only(doors, store):
    add_stores(store, (BEFORE, "AAAKeyStore"), (AFTER, "ZZZKeyStore"))
    status, out, err = doors.aws("kms", "describe-custom-key-stores", "--custom-key-store-name", NAME)
    assert status == 0, err
    assert [s["CustomKeyStoreId"] for s in json.loads(out)["CustomKeyStores"]] == [STORE_ID]


@pytest.mark.parametrize("empty", [BEFORE, AFTER])
def test_a_store_without_keys_is_deleted_whatever_other_stores_hold(doors, store, empty):
    """The default store holds KMS keys; a store that holds none is deleted all the same."""
    add_stores(store, (empty, "EmptyKeyStore"))
    assert doors.aws("kms", "delete-custom-key-store", "--custom-key-store-id", empty)[0] == 0
    assert empty not in store.read().custom_key_stores


def rename(doors, store_id: str, name: str) -> tuple[int, str, str]:
    return doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", store_id,
                     "--new-custom-key-store-name", name)


def test_a_store_may_be_renamed_to_its_own_name(doors, store):
    add_stores(store, (BEFORE, "AAAKeyStore"), (AFTER, "ZZZKeyStore"))
    for store_id, name in ((STORE_ID, NAME), (BEFORE, "AAAKeyStore"), (AFTER, "ZZZKeyStore")):
        status, _, err = rename(doors, store_id, name)
        assert status == 0, err


@pytest.mark.parametrize("other", [BEFORE, AFTER])
def test_a_store_cannot_take_the_name_of_another(doors, store, other):
    add_stores(store, (other, "OtherKeyStore"))
    status, _, err = rename(doors, STORE_ID, "OtherKeyStore")
    assert status == 255 and "(CustomKeyStoreNameInUseException)" in err, err
    assert store.read().custom_key_stores[STORE_ID].custom_key_store_name == NAME
