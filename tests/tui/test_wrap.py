"""How a tab folds a line wider than itself (tui/wrap.py), line by line."""

from __future__ import annotations

from tui.wrap import wrap

LIST_USERS = [
    "    User Id             User Type       User Name                          MofnPubKey    LoginFailureCnt         2FA",
    "         1              CO              admin                                    NO               0               NO",
]


def test_prose_wraps_at_spaces_with_its_indent_kept():
    assert wrap(["  Hint: read the ConnectionErrorCode first, then act"], 24) == [
        ["  Hint: read the", "  ConnectionErrorCode", "  first, then act"]]


def test_a_word_wider_than_the_tab_is_folded():
    assert wrap(["x" * 25], 10) == [["x" * 10, "x" * 10, "x" * 5]]


def test_a_table_is_cut_for_all_rows_at_one_column_and_stays_aligned():
    header, row = wrap(LIST_USERS, 79)
    assert header == ["    User Id             User Type       User Name", "  MofnPubKey    LoginFailureCnt         2FA"]
    assert row == ["         1              CO              admin", "        NO               0               NO"]
    # as the tool aligned them
    assert header[1].index("2FA") - row[1].rindex("NO") == LIST_USERS[0].index("2FA") - LIST_USERS[1].rindex("NO")


def test_a_table_without_a_shared_gap_folds_like_a_terminal():
    border, cells = "+" + "-" * 30 + "+", "|  " + "a" * 26 + "  |"
    assert wrap([border, cells], 20) == [[border[:20], border[20:]], [cells[:20], cells[20:]]]


def test_a_paragraph_flows_on_only_within_one_write():
    lines = ["one two three four five six", "seven eight", "nine"]
    assert wrap(lines, 20, [True, True, False]) == [["one two three four", "five six seven eight"], [], ["nine"]]
    # printed apart (an echoed command after a hint), lines never join
    assert wrap(lines, 20, [False, False, False]) == [["one two three four", "five six"], ["seven eight"], ["nine"]]


def test_a_row_added_to_a_long_table_rewraps_a_bounded_stretch_of_it():
    from tui.wrap import TABLE_REACH, block_start

    rows = [f"{n:>5}  CU  kmsuser" for n in range(1000)]
    assert block_start(rows, 999) == 999 - TABLE_REACH
    assert block_start(rows, 50) == 0
    assert block_start(["prose", *rows], 3) == 1
