"""How an expected line meets an actual one (hsmshell/testing/match.py): through a replayed
transcript, then the comparison's rules one by one, so that a changed rule fails here."""

from __future__ import annotations

import pytest

from hsmshell.testing.match import compare, match_line, normalise, substitute, unified_diff, written

from .test_replay import HEAD, run, write

STATE = "$ aws kms describe-custom-key-stores --query CustomKeyStores[0].ConnectionState --output text\n"


def match(expected: str, actual: str, variables: dict | None = None, exact: bool = False):
    return match_line(expected, actual, variables or {}, exact=exact)


def test_a_regular_expression_is_the_whole_line_and_captures_its_named_groups():
    assert match(r"handle (?P<h>\d+) (re)", "handle 262150") == {"h": "262150"}
    assert match(r"handle (?P<h>\d+) (re)", "handle 262150 and more") is None
    assert match(r"handle \d+ (re)", "the handle 7") is None
    assert match(r"(?P<a>x)?y (re)", "y") == {}  # a group that took part in nothing is no capture
    assert match(r"handle ( (re)", "handle (") is None  # a broken expression matches nothing
    assert match(r"key <k> (re)", "key a.b", {"k": "a.b"}) == {}
    assert match(r"key <k> (re)", "key axb", {"k": "a.b"}) is None  # a variable's value is literal


def test_a_regular_expression_meets_the_normalised_line_unless_exact():
    assert match("  a   b (re)", "a   b   ") == {}
    assert match("a b (re)", "\ta b", exact=True) is None
    assert match("\ta b (re)", "\ta b", exact=True) == {}


def test_glob_is_the_whole_line_with_escapes_and_literal_variables():
    assert match("Node id ? and * (glob)", "Node id 2 and err state") == {}
    assert match("Node id ? (glob)", "Node id 22") is None
    assert match("Node id * (glob)", "the Node id 2") is None
    assert match(r"a\*b (glob)", "a*b") == {} and match(r"a\*b (glob)", "axxb") is None
    assert match(r"a\*b (glob)", "a*xb") is None and match(r"a\?b (glob)", "a?xb") is None  # escaped once
    assert match("a.b (glob)", "axb") is None  # what is not * or ? is itself
    assert match("ab (glob)", "xy") is None
    assert match("f <v> (glob)", "f x*", {"v": "x*"}) == {}
    assert match("f <v> (glob)", "f xyz", {"v": "x*"}) is None
    assert match(" a  * (glob)", "a   b") == {}
    assert match("a * (glob)", "\ta b", exact=True) is None
    assert match("a\\ (glob)", "a\\") == {}  # a backslash at the end stands for itself


def test_esc_reads_backslash_escapes():
    assert match(r"a\tb\x00 (esc)", "a\tb\x00", exact=True) == {}
    assert match(r"a\x01 (esc)", "a\x02", exact=True) is None


def test_a_plain_line_is_compared_after_normalising_unless_exact():
    assert match("aws-cloudhsm>   listUsers", "  aws-cloudhsm>listUsers  ") == {}
    assert match("Command:  findKey", "Command: findKey") == {}
    assert match("Do you want to continue(y/n)?   y", "Do you want to continue(y/n)?y") == {}
    assert match("a\tb", "a       b") == {}
    assert match("a b", "a  b") is None  # inside a line, spacing counts
    assert match("a ", "a", exact=True) is None
    assert match("<who> logged in", "kmsuser logged in", {"who": "kmsuser"}) == {}
    assert match("<who> logged in", "<who> logged in") == {}  # a placeholder left to the reader


def test_normalise_and_substitute():
    assert normalise("\t aws-cloudhsm>  x \t") == "aws-cloudhsm> x"
    assert normalise("Enter password:   ") == "Enter password:"
    assert substitute("<a> <b> <?P<c>>", {"a": "1"}) == "1 <b> <?P<c>>"
    assert substitute("<a>", {"a": "x.y"}, lambda v: v.upper()) == "X.Y"


def test_compare_tolerates_blank_lines_and_node_order_unless_exact():
    expected = ["Cluster Error Status", "", "Node id 1 and err state 0x00000000 : HSM Return: SUCCESS",
                "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS", "done"]
    actual = ["Cluster Error Status", "Node id 0 and err state 0x00000000 : HSM Return: SUCCESS",
              "Node id 1 and err state 0x00000000 : HSM Return: SUCCESS", "", "", "done"]
    found = compare(expected, actual, {}, exact=False)
    assert found.ok and found.lines == expected
    assert not compare(expected, actual, {}, exact=True).ok
    assert not compare(["a", "b"], ["b", "a"], {}, exact=False).ok  # only Node id runs are unordered
    assert not compare(["a"], ["a", "b"], {}, exact=False).ok
    assert not compare(["a", "b"], ["a"], {}, exact=False).ok
    assert not compare(["a", "b"], ["a"], {}, exact=True).ok
    assert not compare(["a"], ["a", "b"], {}, exact=True).ok
    assert compare(["a", "b"], ["a", "b"], {}, exact=True).ok


def test_a_node_line_with_a_matcher_keeps_its_place():
    """Only plain Node id lines are sorted: a matcher line stays where it is written."""
    actual = ["Node id 1 and err state 0x1", "Node id 0 and err state 0x0"]
    assert compare(["Node id 0 and err state * (glob)", "Node id 1 and err state 0x1"], actual, {}, exact=False).ok
    assert not compare(["Node id 1 and err state * (glob)", "Node id 0 and err state 0x0"], actual, {},
                       exact=False).ok


def test_compare_carries_captures_to_later_lines():
    found = compare([r"handle (?P<h>\d+) (re)", "deleted <h>"], ["handle 7", "deleted 7"], {}, exact=False)
    assert found.ok and found.captures == {"h": "7"}
    assert not compare([r"handle (?P<h>\d+) (re)", "deleted <h>"], ["handle 7", "deleted 8"], {}, exact=False).ok
    found = compare(["deleted <h>"], ["deleted 9"], {"h": "9"}, exact=True)
    assert found.ok and found.captures == {}


def test_a_failed_comparison_shows_the_actual_lines_and_keeps_what_matched():
    found = compare(["  one", "x (glob)", "three"], ["one", "x", "four", "five"], {}, exact=False)
    assert not found.ok
    assert found.lines == ["  one", "x (glob)", "four", "five"]
    found = compare(["one", "two"], ["one", "2"], {}, exact=False)
    assert found.lines == ["one", "2"]
    found = compare(["a", "", "b"], ["a", "", "", "c"], {}, exact=False)
    assert found.lines[0] == "a" and found.lines[-1] == "c" and "b" not in found.lines
    found = compare(["a", "", "x"], ["a", "", "y"], {}, exact=True)
    assert found.lines == ["a", "", "y"]
    found = compare(["a", "", "", "b"], ["a", "b", "c"], {}, exact=False)
    assert found.lines == ["a", "", "", "b", "c"]  # blank lines of the file are kept where they were
    found = compare(["a", "b"], ["a", "", "b", "c"], {}, exact=True)
    assert found.lines == ["a", "", "b", "c"]
    found = compare(["one", "two"], ["  one", "x", "y"], {}, exact=False)
    assert found.lines == ["one", "x", "y"]  # lines that match once normalised are not a change
    found = compare(["a", "x* (glob)", "b"], ["a", "xyz", "c"], {}, exact=False)
    assert found.lines == ["a", "x* (glob)", "c"]  # a matcher that holds keeps its line in a changed block
    found = compare(["a", "x* (glob)", "c"], ["a", "xyz"], {}, exact=False)
    assert found.lines == ["a", "xyz"]  # a block that changed length is the actual lines
    found = compare(["A"] + ["  x"] * 300 + ["B"], ["C1", "C2"] + ["x"] * 300 + ["D"], {}, exact=False)
    assert found.lines == ["C1", "C2"] + ["  x"] * 300 + ["D"]  # a long session: no line is junk to the diff
    found = compare(["a", "b", "q"], ["z", "a", "b"], {}, exact=False)
    assert found.lines == ["z", "a", "b"]


def test_written_escapes_what_a_file_cannot_show():
    assert written("plain\tline") == "plain\tline"
    assert written("a plain line") == "a plain line"
    assert written("unit\x1f") == "unit\\x1f (esc)"
    assert written("bell\x07") == "bell\\x07 (esc)"
    assert written("del\x7f") == "del\\x7f (esc)"
    assert written("bell\x07 é € (re)") == "bell\\x07 é € (re) (esc)"  # only what a file cannot show
    assert written("a\\b\x1b") == "a\\\\b\\x1b (esc)"
    assert written("looks like (re)") == "looks like (re) (esc)"
    assert written("looks like (glob)") == "looks like (glob) (esc)"
    assert match(written("a\\b\x1b\t"), "a\\b\x1b\t", exact=True) == {}


def test_unified_diff_names_the_file():
    assert unified_diff(["a", "b"], ["a", "c"], "t.transcript") == (
        "--- t.transcript\n+++ t.transcript (actual)\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    assert unified_diff(["a"], ["a"], "t") == ""


# Through the door a user has: a replayed transcript (last: it is the slowest).
@pytest.mark.parametrize("expected, status", [
    ("CONNECTED", 0),
    ("CONNECT.* (re)", 0),
    ("CONNECT (re)", 1),  # a regular expression matches the whole line, not a prefix
    ("ONNECTED (re)", 1),  # nor a part of it
    ("CONNECT* (glob)", 0),
    ("CONNECT (glob)", 1),
])
def test_a_matcher_in_a_transcript_matches_the_whole_line(tmp_path, capsys, expected, status):
    assert run(capsys, write(tmp_path, HEAD + STATE + expected + "\n"))[0] == status
