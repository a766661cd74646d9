"""The world file's text as plain data: PyYAML's safe loader, refusing what YAML allows but a
world must never hold.

- A key given twice in one mapping: YAML readers keep the last one silently, so `aliases: []`
  appended to a world hid every alias, and the next write dropped them for good.
- Aliases that expand far beyond the text: 700 bytes of nested aliases (a "billion laughs")
  grew past a gigabyte in whatever walked the data.  PyYAML shares an alias's value instead of
  copying it, so loading is cheap; everything after it (the codec, the emitter, a CloudTrail
  event's JSON) expands it.  Aliases may add at most as many values as the text itself holds
  (at least ALIAS_ALLOWANCE), and never refer to themselves.
- Values nested thousands deep: everything after the reader (the codec, the emitter, a
  repr in an error message) recurses once a level, past Python's limit, and PyYAML's own parser
  recurses while composing.  A world nests a dozen levels; more than MAX_DEPTH is refused (the
  libyaml of PyYAML 6.0.4's wheels stops at a thousand with its own error).
- An integer of thousands of digits: Python refuses to read one past 4,300 digits with an
  exception YAML does not turn into an error of the file, and none fits in the world anyway.
- A value its explicit tag cannot hold (`!!int nine`): PyYAML lets Python's ValueError (or
  KeyError, for `!!bool maybe`) out; here it is an error of the file, with its line.

A problem is raised as `TextError` with its line; PyYAML's own errors pass through.
"""

from __future__ import annotations

import functools
from typing import Any

ALIAS_ALLOWANCE = 10_000  # values aliases may add to a small file
MAX_DEPTH = 64  # levels of values, aliases expanded
INTEGER_DIGITS = 40  # far beyond 64 bits with signs, underscores and a 0x, 0o or 0b


class TextError(ValueError):
    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


@functools.cache
def yaml_and_loader():
    """PyYAML, imported only to parse: a world loaded from its derived cache, which is how a
    shell usually starts, needs none of it.  Returns (yaml, a safe loader class of ours)."""
    import yaml

    try:  # libyaml is ten times faster; fall back to the pure-Python parser where it is missing
        from yaml import CSafeLoader as base
    except ImportError:  # PyYAML built without it (test_reader's without_libyaml)
        from yaml import SafeLoader as base

    class Loader(base):
        def construct_object(self, node, deep=False):
            """A value its tag cannot hold (`!!int nine`, `!!bool maybe`, `!!timestamp
            2024-13-45`) is an error of the file at its line: PyYAML lets Python's own error
            out, as if the reader had failed."""
            try:
                return super().construct_object(node, deep)
            except (ValueError, KeyError):
                raise yaml.constructor.ConstructorError(
                    None, None, f"{node.value!r} is not a value of its tag {node.tag.rsplit(':', 1)[-1]}",
                    node.start_mark) from None

    def construct_int(loader, node):
        digits = sum(c.isalnum() for c in node.value)
        if digits > INTEGER_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {digits} digits (a world holds none beyond 64 bits)", node.start_mark)
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return yaml, Loader


def load(text: str) -> Any:
    yaml, Loader = yaml_and_loader()
    loader = Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # PyYAML's own parser composes by recursion (libyaml stops at 1000 levels)
            raise yaml.composer.ComposerError(None, None, "values nested deeper than can be read") from None
        if node is None:
            return None
        _check(yaml, loader, node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check(yaml, loader, root) -> None:
    """Duplicate keys, and how far aliases expand, in one walk over the distinct nodes (an
    alias is the same node met again), never expanding anything."""
    size: dict[int, int] = {}  # node -> how many values it stands for, aliases expanded
    height: dict[int, int] = {}  # node -> how many levels it holds, aliases expanded
    open_nodes: set[int] = set()  # the nodes being walked: met again below themselves, a loop
    added, worst = 0, (0, 0)  # values the aliases add; the largest alias and its line
    stack: list[tuple[Any, int, int, bool]] = [(root, 0, 1, False)]  # node, its parent's line, its depth
    while stack:
        node, line, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            children = _children(yaml, node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            continue
        if depth + height.get(key, 1) - 1 > MAX_DEPTH:  # a value (or an alias's) past the bound
            raise TextError(line if key in height else node.start_mark.line + 1,
                            f"values nested more than {MAX_DEPTH} levels deep (a world nests a dozen)")
        if key in size:  # an alias of a node already walked
            added += size[key]
            worst = max(worst, (size[key], line))
            continue
        if key in open_nodes:
            raise TextError(line, "an alias refers to the value that holds it (a loop)")
        open_nodes.add(key)
        stack.append((node, line, depth, True))
        if isinstance(node, yaml.MappingNode):
            _no_duplicate_keys(yaml, loader, node)
        here = node.start_mark.line + 1
        # In the text's order, so that an anchor is met before its aliases, which YAML puts after it.
        stack.extend((child, here, depth + 1, False) for child in reversed(_children(yaml, node)))
    if added > max(ALIAS_ALLOWANCE, len(size)):
        raise TextError(worst[1], f"aliases expand to {added} more values than the text holds "
                                  f"(more than {max(ALIAS_ALLOWANCE, len(size))} is refused)")


def _children(yaml, node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _no_duplicate_keys(yaml, loader, node) -> None:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue  # not a key a world has: the codec refuses it with its line
        if key_node.tag == "tag:yaml.org,2002:str":
            key = key_node.value
        else:  # 1 and 0x1, true and yes: the same key once read
            try:
                key = (key_node.tag, loader.construct_object(key_node))
            except yaml.YAMLError:
                continue  # reported when the document is read
        line = key_node.start_mark.line + 1
        if key in seen:
            raise TextError(line, f"the key {key_node.value!r} is given twice in one mapping, at lines "
                                  f"{seen[key]} and {line} (YAML would keep only the last)")
        seen[key] = line
