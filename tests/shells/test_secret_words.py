"""The secrets of a command line, as both tables find them for a history, a transcript or a
screen to leave out: every spelling the tool's parser accepts for a command that carries a
password, and the word it masks is exactly the one the parser reads as the password.

Which spellings are accepted (cloudhsm-shells-spec): cloudhsm_mgmt_util takes any unambiguous
prefix of a command's name (case-sensitive, §2.2), the password positional and third, or
-hpswd in its place, then [-2fa <file>]; key_mgmt_util takes `-flag value` pairs in any
order (§3.4), loginHSM finding each flag where it stands among other words, and nothing of
the `-p=PW` kind; `singlecmd` words are read as main() reads its arguments."""

from __future__ import annotations

from itertools import permutations

import pytest

from hsmshell.shells.cmu.shell import TABLE as CMU
from hsmshell.shells.kmu.shell import TABLE as KMU

CMU_SECRET_BEARING = ("loginHSM", "changePswd", "createUser")


def accepted_names(name: str) -> list[str]:
    """Every spelling of a command name that cloudhsm_mgmt_util resolves to that command."""
    spellings = [name[:n] for n in range(1, len(name) + 1)]
    return [word for word in spellings if CMU.resolve(word) is not None and CMU.resolve(word).name == name]


def cmu_lines():
    for name in CMU_SECRET_BEARING:
        user_type = "CU" if name == "createUser" else "CO"
        for word in accepted_names(name):
            for tail in ([], ["-2fa", "/home/officer/authdata.json"]):
                yield [word, user_type, "officer", "S3cret-pw", *tail]


@pytest.mark.parametrize("words", list(cmu_lines()), ids=" ".join)
def test_every_cmu_spelling_masks_the_password_it_reads(words):
    assert CMU.secret_words(words) == {3}
    assert CMU.resolve(words[0]).syntax.parse(words[1:])["password"] == words[3]


def test_prefixes_are_accepted_down_to_the_shortest_unambiguous_one():
    assert accepted_names("loginHSM")[0] == "logi"
    assert accepted_names("createUser")[0] == "cr" and accepted_names("changePswd")[0] == "ch"


@pytest.mark.parametrize("words", [
    "loginHSM CO admin -hpswd", "login CO admin -hpswd -2fa authdata.json", "changePswd CU kmsuser -hpswd",
    "c CU kmsuser tempPassword",  # ambiguous (changePswd, createUser): no command, nothing read
    "LOGINHSM CO admin co12345",  # command names are case-sensitive: not a command
    "listUsers", "deleteUser CU kmsuser", "loginHSM",
])
def test_lines_that_read_no_password_mask_nothing(words):
    assert CMU.secret_words(words.split()) == set()


def test_a_refused_line_still_masks_the_word_in_the_password_place():
    # Too many words: the tool refuses the line, but a password was typed all the same.
    assert CMU.secret_words("loginHSM CO admin co12345 extra".split()) == {3}


LOGIN = [("-u", "CU"), ("-s", "kmsuser"), ("-p", "S3cret-pw")]


def kmu_logins():
    for order in permutations(LOGIN):
        yield ["loginHSM", *(word for pair in order for word in pair)]
        yield ["loginHSM", *(word for pair in order for word in pair), "stray"]  # loginHSM ignores other words


@pytest.mark.parametrize("words", list(kmu_logins()), ids=" ".join)
def test_kmu_login_masks_its_password_in_any_flag_order(words):
    at = words.index("S3cret-pw")
    assert KMU.secret_words(words) == {at}
    assert KMU.resolve("loginHSM").syntax.parse(words[1:])["-p"] == words[at]


@pytest.mark.parametrize("order", list(permutations([("-l", "pbe"), ("-p", "S3cret-pw"), ("-s", "salt")])))
def test_gen_pbe_key_masks_its_password_in_any_flag_order(order):
    words = ["genPBEKey", *(word for pair in order for word in pair)]
    at = words.index("S3cret-pw")
    assert KMU.secret_words(words) == {at}
    assert KMU.resolve("genPBEKey").syntax.parse(words[1:])["-p"] == words[at]


@pytest.mark.parametrize("words", [
    "loginHSM -u CU -s kmsuser -hpswd", "findKey -l label", "getCert -f cert.pem -s 4", "loginHSM -p",
    "loginhsm -u CU -s kmsuser -p pw",  # key_mgmt_util's names are case-sensitive: not a command
    "loginHSM -u CU -s kmsuser -p=pw",  # no -flag=value form: -p is not given, the word is no password
])
def test_kmu_lines_that_read_no_password_mask_nothing(words):
    assert KMU.secret_words(words.split()) == set()


@pytest.mark.parametrize("order", list(permutations(LOGIN)))
def test_singlecmd_masks_the_login_password_and_the_commands(order):
    login = [word for pair in order for word in pair]
    # With a command after it, the login is main()'s; without, loginHSM runs as the command.
    for words in (["singlecmd", "loginHSM", *login, "findKey", "-l", "k"], ["singlecmd", "loginHSM", *login]):
        assert KMU.secret_words(words) == {words.index("S3cret-pw")}
    words = ["singlecmd", "loginHSM", *login, "genPBEKey", "-l", "pbe", "-p", "pbe-pw"]
    assert KMU.secret_words(words) == {words.index("S3cret-pw"), len(words) - 1}
    assert KMU.secret_words(["singlecmd", "findKey", "-p", "x"]) == set()
