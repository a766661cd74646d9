"""The world file's types (world/codec.py): a value of the wrong type is refused with its line
and its place in the world, and the values at the edges of what a field takes are read."""

from __future__ import annotations

import re

import pytest

from hsmshell.services import open_store
from hsmshell.world.store import WorldError

FIRST_HASH = re.compile(r"password_hash: scrypt\$\S+")


def edited(world_path, edit) -> int:
    """The world file edited by hand; the line of the first line the edit changed."""
    text = world_path.read_text()
    new = edit(text)
    world_path.write_text(new)
    return next(i for i, (a, b) in enumerate(zip(text.splitlines(), new.splitlines()), 1) if a != b)


def first_hash_as(replacement: str):
    return lambda text: FIRST_HASH.sub(replacement, text, count=1)


def with_cli(addresses: str):
    return lambda text: text.replace("client:\n", f"client:\n  cli:\n    clusters:\n    - cluster_id: cluster-1a23b4cdefg\n"
                                                 f"      hsm_addresses: {addresses}\n", 1)


@pytest.mark.parametrize("edit, offset, problem", [
    (first_hash_as("password: 12345"), 0,
     "clusters[0].hsms[0].users[0].password: expected a string, found int 12345"),
    (first_hash_as(r"password: co12345\n      \g<0>"), -3,
     "clusters[0].hsms[0].users[0]: give either password or password_hash, not both"),
    (with_cli("10.0.2.9"), 3, "client.cli.clusters[0].hsm_addresses: expected a list, found a string"),
    (lambda text: text.replace("    attributes: {}\n", "    attributes: {3: null}\n", 1), 0,
     "clusters[0].keys[0].attributes[3]: expected an integer or a string, found nothing"),
    (lambda text: text.replace("  create_timestamp: 1499288000.0\n", "  create_timestamp: 32503680000.5\n", 1), 0,
     "clusters[0].create_timestamp: expected a number of seconds between -32503680000 and 32503680000"),
    (lambda text: text.replace("  counter: 0\n", "  counter: 9223372036854775808\n", 1), 0,
     "ids.counter: expected an integer of at most 64 bits, found one of 19 digits"),
    (lambda text: text.replace("  create_timestamp: 1499288000.0\n", "  create_timestamp: true\n", 1), 0,
     "clusters[0].create_timestamp: expected a number, found a boolean"),
    (lambda text: text.replace("  counter: 0\n", "  counter: 18446744073709551616\n", 1), 0,
     "ids.counter: expected an integer of at most 64 bits, found one of 20 digits"),
    (lambda text: text.replace("  counter: 0\n", "  counter: -9223372036854775809\n", 1), 0,
     "ids.counter: expected an integer of at most 64 bits, found one of 19 digits"),
    (lambda text: text.replace("faults: []\n", "faults:\n- kind: subnet_deleted\n  subnet_id: subnet-0e358c43a2b4f8c1d\n"
                                                "  colour: blue\n", 1), 3, "faults[0].colour: unknown field 'colour' in Fault"),
    (lambda text: text.replace("  rotations: []\n", "  rotations:\n  - {}\n", 1), 1,
     "kms_keys[0].rotations[0]: missing field 'rotation_date' in Rotation"),
], ids=["a password not a string", "a password and its hash", "deep in an optional record", "null for a value",
        "seconds past 3000", "an integer past 64 bits", "a boolean for a number", "an integer of 65 bits",
        "an integer below 64 bits", "an unknown field in a mapping", "the first field missing of several"])
def test_a_value_of_the_wrong_type_is_refused_with_its_line_and_place(world_path, edit, offset, problem):
    line = edited(world_path, edit) + offset
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    assert str(caught.value).startswith(f"{world_path}, line {line}: {problem}"), str(caught.value)


@pytest.mark.parametrize("edit, read", [
    (lambda text: text.replace("  create_timestamp: 1499288000.0\n", "  create_timestamp: 32503680000.0\n", 1),
     lambda world: world.clusters["cluster-1a23b4cdefg"].create_timestamp == 32503680000.0),
    (lambda text: text.replace("  counter: 0\n", "  counter: 9223372036854775807\n", 1),
     lambda world: world.ids.counter == 2**63 - 1),
    (lambda text: text.replace("region: us-west-2\n", "region: us-west-2\nlab_stamp: null\ngeneration: null\n", 1),
     lambda world: (world.lab_stamp, world.generation) == (None, None)),
    (with_cli("[10.0.2.9]"), lambda world: world.client.cli.clusters[0].hsm_addresses == ["10.0.2.9"]),
    (lambda text: text.replace("  create_timestamp: 1499288000.0\n", "  create_timestamp: -32503680000.0\n", 1),
     lambda world: world.clusters["cluster-1a23b4cdefg"].create_timestamp == -32503680000.0),
    (lambda text: text.replace("  counter: 0\n", "  counter: -9223372036854775808\n", 1),
     lambda world: world.ids.counter == -2**63),
    (lambda text: text.replace("    attributes: {}\n", "    attributes: {3: 7, 4: a label}\n", 1),
     lambda world: next(iter(world.clusters["cluster-1a23b4cdefg"].keys.values())).attributes == {3: 7, 4: "a label"}),
], ids=["the year 3000", "the largest 64-bit integer", "null for a field that may be left out",
        "an optional record", "as long before 1970", "the smallest 64-bit integer",
        "an integer or a string where either fits"])
def test_a_value_at_the_edge_of_its_type_is_read(world_path, edit, read):
    edited(world_path, edit)
    assert read(open_store(world_path).read())
