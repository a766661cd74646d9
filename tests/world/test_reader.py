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
