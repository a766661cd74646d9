"""Reading the world file's text: what YAML allows but a world must not hold is refused with
its line (duplicate keys, alias bombs and loops, huge integers); anchors used as a person
would use them still read."""

from __future__ import annotations

import pytest

from hsmshell.world import reader


def test_anchors_that_save_typing_still_read():
    hsms = "[hsm-a, hsm-b, hsm-c]"
    text = f"all: &all {hsms}\nkeys:\n" + "".join(f"- {{handle: {n}, hsms: *all}}\n" for n in range(3300))
    data = reader.load(text)
    assert data["keys"][3299]["hsms"] == ["hsm-a", "hsm-b", "hsm-c"]


def test_a_merge_key_is_not_a_duplicate():
    assert reader.load("base: &b {a: 1}\nitem:\n  <<: *b\n  a: 2\n")["item"] == {"a": 2}


@pytest.mark.parametrize("text, line, first", [
    ("a: 1\nb: 2\na: 3\n", 3, 1),
    ("m:\n  1: x\n  0x1: y\n", 3, 2),  # the same integer written twice
    ("m:\n  yes: x\n  true: y\n", 3, 2),
    ("- {k: 1, k: 2}\n", 1, 1),
])
def test_a_key_given_twice_names_both_lines(text, line, first):
    with pytest.raises(reader.TextError) as caught:
        reader.load(text)
    assert caught.value.line == line
    assert f"at lines {first} and {line}" in caught.value.problem


def test_keys_that_only_look_alike_are_not_duplicates():
    assert reader.load("'1': a\n1: b\n") == {"1": "a", 1: "b"}


def test_a_billion_laughs_is_refused_at_the_alias_without_expanding_it():
    text = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
    text += "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 30))
    text += "use: [*l29]\n"
    with pytest.raises(reader.TextError, match="aliases expand to") as caught:
        reader.load(text)
    assert caught.value.line == 31


def test_an_alias_inside_its_own_value_is_a_loop():
    with pytest.raises(reader.TextError, match="a loop"):
        reader.load("a: &a {b: *a}\n")


def test_an_integer_of_thousands_of_digits_is_a_yaml_error_with_its_line():
    import yaml

    with pytest.raises(yaml.YAMLError, match="an integer of 5000 digits") as caught:
        reader.load("a: 1\nb: " + "7" * 5000 + "\n")
    assert caught.value.problem_mark.line + 1 == 2


def aliases_adding(values_per_alias: int, aliases: int, extra_scalar_alias: bool) -> str:
    """An anchor of `values_per_alias` values (a list and its items), used `aliases` times."""
    text = f"a: &a [{', '.join(['x'] * (values_per_alias - 1))}]\ns: &s x\nuse:\n"
    text += "".join("- *a\n" for _ in range(aliases))
    return text + ("- *s\n" if extra_scalar_alias else "")


def test_aliases_may_add_ten_thousand_values_to_a_small_file_and_no_more():
    """Each alias adds the values its anchor stands for (a list of 99 items: 100): 100 of them
    add 10,000, which is allowed; one alias of a scalar more is refused."""
    assert len(reader.load(aliases_adding(100, 100, False))["use"]) == 100
    with pytest.raises(reader.TextError, match=r"aliases expand to 10001 more values than the text holds "
                                               r"\(more than 10000 is refused\)"):
        reader.load(aliases_adding(100, 100, True))


def test_an_integer_of_forty_digits_is_read_and_one_of_forty_one_is_not():
    import yaml

    assert reader.load("a: " + "7" * 40 + "\n") == {"a": int("7" * 40)}
    with pytest.raises(yaml.YAMLError, match="an integer of 41 digits"):
        reader.load("a: " + "7" * 41 + "\n")


def test_two_timestamps_of_one_instant_are_one_key():
    with pytest.raises(reader.TextError, match="given twice in one mapping, at lines 2 and 3"):
        reader.load("m:\n  2001-12-14t21:59:43.10-05:00: a\n  2001-12-15T02:59:43.10Z: b\n")


@pytest.mark.parametrize("before", ["? [a, b]\n: 1\n", "!!int nine: 1\n"],
                         ids=["a key that is a list", "a key that cannot be read"])
def test_a_key_given_twice_is_found_past_a_key_that_is_no_plain_value(before):
    with pytest.raises(reader.TextError, match="the key 'b' is given twice"):
        reader.load(before + "b: 2\nb: 3\n")


@pytest.fixture
def without_libyaml(monkeypatch):
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    reader.yaml_and_loader.cache_clear()
    yield
    monkeypatch.undo()
    reader.yaml_and_loader.cache_clear()


def test_without_libyaml_the_world_is_read_by_pyyaml_s_own_parser(without_libyaml, world_path):
    import yaml

    from hsmshell.services import open_store

    assert issubclass(reader.yaml_and_loader()[1], yaml.SafeLoader)
    assert open_store(world_path).read().region == "us-west-2"


@pytest.mark.parametrize("value, tag", [("!!int nine", "int"), ("!!float x", "float"), ("!!bool maybe", "bool"),
                                        ("!!timestamp 2024-13-45", "timestamp")])
def test_a_value_its_tag_cannot_hold_is_a_yaml_error_with_its_line(value, tag):
    import yaml

    with pytest.raises(yaml.YAMLError, match=f"is not a value of its tag {tag}") as caught:
        reader.load(f"a: 1\nb: {value}\n")
    assert caught.value.problem_mark.line + 1 == 2


def test_without_libyaml_a_value_nested_past_python_s_limit_is_a_yaml_error(without_libyaml):
    import yaml

    with pytest.raises(yaml.YAMLError, match="values nested deeper than can be read"):
        reader.load("a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_a_value_nested_thousands_deep_is_an_error_at_its_line_not_a_recursion():
    """Everything after the reader recurses once a level.  The libyaml of PyYAML 6.0.4's wheels
    stops at a thousand levels with its own error; the reader stops earlier either way."""
    import yaml

    with pytest.raises((yaml.YAMLError, reader.TextError)) as caught:
        reader.load("a: " + "[" * 5000 + "]" * 5000 + "\n")
    refused = caught.value
    assert (refused.line if isinstance(refused, reader.TextError) else refused.problem_mark.line + 1) == 1


@pytest.mark.parametrize("levels, refused", [(64, False), (65, True)])
def test_values_nested_past_sixty_four_levels_are_refused_at_the_line_where_they_start(levels, refused):
    text = "a: 1\nb:\n  " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"  # the document is a level
    if not refused:
        assert reader.load(text)["a"] == 1
        return
    with pytest.raises(reader.TextError, match="values nested more than 64 levels deep") as caught:
        reader.load(text)
    assert caught.value.line == 3


@pytest.mark.parametrize("around, refused", [(30, False), (31, True)])
def test_aliases_count_the_levels_they_bring(around, refused):
    """Each value shallow enough, and an alias of one inside the other: the document, `around`
    lists, the alias standing for 33 more, counted to the innermost empty list."""
    text = f"a: &deep {'[' * 33}{']' * 33}\nb: {'[' * around}*deep{']' * around}\n"
    if not refused:  # 1 + 30 + 33 = 64
        assert reader.load(text)["b"] is not None
        return
    with pytest.raises(reader.TextError, match="values nested more than 64") as caught:
        reader.load(text)
    assert caught.value.line == 2
