"""Values a lab draws afresh for each attempt, so that one trainee's answers do not fit another's
world.  A lab declares them in its `lab.yaml`:

    seeded:
      - names: [deleted, kept_1, kept_2]   # the items below, shuffled, one per name
        shuffle:
          - {subnet: subnet-0e358c43a2b4f8c1d, zone: us-west-2a}
          - ...

and its setup, checks and solution say `<deleted.subnet>`, `<kept_1.zone>` (or `<name>` for an
item that is plain text).  The attempt's seed (`lab start --seed N`; a new one by default)
decides the draw: the same seed, the same values.

A lab that ships its own world.yaml may name drawn values there too (`password: <co_password>`,
`hsms: [<has.hsm>]`): the world is a template, filled in after it is read as YAML, so a value
is only ever data (a scalar that is a whole placeholder and whose value is digits becomes a
number, `user_id: <owner>`).
"""

from __future__ import annotations

import random
import secrets
from pathlib import Path

import yaml

from .definition import LabError

Draw = tuple[tuple[str, ...], tuple]  # (names, items)


def new_seed() -> int:
    return secrets.randbelow(1_000_000)


def read(source: Path, items) -> tuple[Draw, ...]:
    """The `seeded:` section of a lab.yaml, checked."""
    if items is None:
        return ()
    if not isinstance(items, list):
        raise LabError(f"{source}: seeded must be a list")
    draws = []
    for i, item in enumerate(items):
        where = f"{source}: seeded[{i}]"
        if not isinstance(item, dict) or set(item) != {"names", "shuffle"}:
            raise LabError(f"{where}: give names (a list) and shuffle (the items to deal out)")
        names, pool = item["names"], item["shuffle"]
        if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
            raise LabError(f"{where}: names must be a list of names")
        if not isinstance(pool, list) or len(pool) < len(names):
            raise LabError(f"{where}: shuffle needs an item for every name")
        if not all(isinstance(p, str) or (isinstance(p, dict) and all(isinstance(v, str) for v in p.values()))
                   for p in pool):
            raise LabError(f"{where}: each item is a text, or a mapping of texts")
        draws.append((tuple(names), tuple(pool)))
    return tuple(draws)


def draw(draws: tuple[Draw, ...], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    values: dict[str, str] = {}
    for names, pool in draws:
        dealt = list(pool)
        rng.shuffle(dealt)
        for name, item in zip(names, dealt):
            if isinstance(item, dict):
                values.update({f"{name}.{field}": value for field, value in item.items()})
            else:
                values[name] = item
    return values


def world_text(source: Path, values: dict[str, str]) -> str:
    """A lab's world.yaml with the attempt's values in it, as YAML again."""
    from ..testing.match import VARIABLE, substitute

    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LabError(f"{source}: cannot read the lab's world: {exc}") from None

    def filled(value):
        if isinstance(value, dict):
            return {k: filled(v) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v) for v in value]
        if isinstance(value, str):
            whole = VARIABLE.fullmatch(value)
            if whole and values.get(whole.group(1), "").isdigit():
                return int(values[whole.group(1)])
            text = substitute(value, values)
            left = VARIABLE.search(text)
            if left:
                raise LabError(f"{source}: <{left.group(1)}> is not a value the lab draws (seeded:)")
            return text
        return value
    return yaml.safe_dump(filled(data), sort_keys=False)
