"""Rules every world keeps: refused with their line when read, refused before being written."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world.store import WorldError


def broken(world_path, old: str, new: str):
    text = world_path.read_text()
    assert old in text
    world_path.write_text(text.replace(old, new, 1))
    return world_path.read_bytes()


def line_of(world_path, needle: str) -> int:
    return next(i for i, l in enumerate(world_path.read_text().splitlines(), 1) if needle in l)


@pytest.mark.parametrize("old, new, problem", [
    ("connection_state: CONNECTED", "connection_state: CONECTED", "'CONECTED' is not one of CONNECTED"),
    ("custom_key_store_id: cks-1234567890abcdef0\n  creation_date: 1499289000.0",
     "custom_key_store_id: cks-nope\n  creation_date: 1499289000.0", "no custom key store 'cks-nope'"),
    ("user_type: AU", "user_type: XX", "'XX' is not one of AU, CO, CU, PCO, PRECO"),
    ("password_cost: 14", "password_cost: 40", "must be an integer from 1 to 20"),
    ("region: us-west-2", "generation: sdk5\nregion: us-west-2", "'sdk5' is not a generation (sdk3, current)"),
    ("user_id: 2\n", "user_id: 1\n", "duplicate user id 1"),
])
def test_a_hand_broken_rule_is_refused_with_its_line(world_path, old, new, problem):
    line = world_path.read_text()[:world_path.read_text().index(old)].count("\n") + 1  # where `new` goes
    before = broken(world_path, old, new)
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    message = str(caught.value)
    assert message.startswith(f"{world_path}, line {line}: ") and problem in message
    assert world_path.read_bytes() == before


def test_a_crypto_user_with_two_factor_is_refused_with_its_line(world_path):
    text = world_path.read_text()
    at = text.index("two_factor: false", text.index("name: kmsuser"))
    world_path.write_text(text[:at] + "two_factor: true" + text[at + len("two_factor: false"):])
    line = text[:at].count("\n") + 1
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    assert str(caught.value).startswith(f"{world_path}, line {line}: ")
    assert "two-factor authentication is for crypto officers only" in str(caught.value)


def test_a_change_that_breaks_a_rule_is_not_written(world_path):
    store = open_store(world_path)
    before = world_path.read_bytes()
    with pytest.raises(WorldError, match="not saved, the change would break the world: "
                                         r"custom_key_stores\[0\].connection_state"):
        with store.transaction() as world:
            next(iter(world.custom_key_stores.values())).connection_state = "HALF"
    assert world_path.read_bytes() == before
    assert next(iter(store.read().custom_key_stores.values())).connection_state == "CONNECTED"
