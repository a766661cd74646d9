"""The identifiers a seeded world makes are the same on every run (transcripts and labs pin
them), each in the shape AWS gives it; an unseeded world's are random and leave its counter
alone.  Each expected value is worked out here the way the module documents it (found untested
by benchmarks/mutation.py: ids.py's derivations could change unseen)."""

from __future__ import annotations

import hashlib
import random
import re
import uuid

import pytest

from hsmshell.world import ids

SEED = 2019


@pytest.fixture
def world(store):
    with store.transaction() as world:
        pass
    world.ids.seed, world.ids.counter = SEED, 0
    return world


def blocks(*counters: int) -> bytes:
    return b"".join(hashlib.sha256(f"{SEED}:{c}".encode()).digest() for c in counters)


@pytest.mark.parametrize("raw", [bytes(16), b"\xff" * 16, *(bytes(15 - i) + b"\xff" + bytes(i) for i in range(16)),
                                 *(random.Random(i).randbytes(16) for i in range(50))])
def test_uuid4_text_is_what_the_uuid_module_writes(raw):
    assert ids.uuid4_text(raw) == str(uuid.UUID(bytes=raw, version=4))


def test_a_seeded_draw_is_sha256_of_seed_and_counter_block_by_block(world):
    assert ids.draw(world, 40) == blocks(1, 2)[:40] and world.ids.counter == 2
    assert ids.draw(world, 32) == blocks(3) and world.ids.counter == 3  # a whole block: no more
    assert ids.draw(world, 1) == blocks(4)[:1] and world.ids.counter == 4


def test_an_unseeded_draw_is_random_and_leaves_the_counter(world):
    world.ids.seed = None
    first, second = ids.draw(world, 33), ids.draw(world, 33)
    assert len(first) == len(second) == 33 and first != second and world.ids.counter == 0


def test_seeded_ids_have_aws_shapes_and_come_from_the_draws(world):
    cluster = ids.cloudhsm_id(world, "cluster")
    assert cluster == "cluster-" + "".join("abcdefghijklmnopqrstuvwxyz234567"[b % 32] for b in blocks(1)[:11])
    assert ids.custom_key_store_id(world) == "cks-" + blocks(2)[:9].hex()[:17]
    assert ids.key_id(world) == str(uuid.UUID(bytes=blocks(3)[:16], version=4))
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    assert ids.password(world) == "".join(alnum[b % 62] for b in blocks(4)[:32])
    assert ids.token(world) == blocks(5)[:8].hex()
    assert world.ids.counter == 5
    assert re.fullmatch(r"cks-[0-9a-f]{17}", ids.custom_key_store_id(world))
    assert re.fullmatch(r"[A-Za-z0-9]{7}", ids.password(world, 7))


def test_derived_bytes_hash_the_seed_and_each_part_with_its_length_and_leave_the_counter(world):
    expected = hashlib.sha256(str(SEED).encode())
    for part in (b"nonce", b"", b"abc"):
        expected.update(len(part).to_bytes(8, "big") + part)
    assert ids.derived(world, 12, b"nonce", b"", b"abc") == expected.digest()[:12]
    assert world.ids.counter == 0
    # The lengths keep the parts apart: the same bytes cut elsewhere derive others.
    assert ids.derived(world, 16, b"ab", b"c") != ids.derived(world, 16, b"a", b"bc")
    world.ids.seed = None
    assert ids.derived(world, 16, b"x") != ids.derived(world, 16, b"x")


def test_the_following_event_id_is_derived_from_the_previous_one_and_the_purpose(world):
    previous = "0a1b2c3d-0000-4000-8000-000000000000"
    expected = hashlib.sha256(str(SEED).encode())
    for part in (b"eventID", previous.encode()):
        expected.update(len(part).to_bytes(8, "big") + part)
    assert ids.following(world, previous, "eventID") == str(uuid.UUID(bytes=expected.digest()[:16], version=4))
    assert ids.following(world, previous, "requestID") != ids.following(world, previous, "eventID")
