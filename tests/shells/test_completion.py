"""What the command tables offer for the word being typed: command names, then each
command's flags, then its arguments' values (choices, and the users and keys the world
holds).  The terminals use it through prompt_toolkit (test_cmu_terminal, test_kmu_terminal)."""

from __future__ import annotations

import pytest

from hsmshell.shells.cmu.shell import TABLE as CMU
from hsmshell.shells.kmu.shell import TABLE as KMU


@pytest.fixture
def world(store):
    return store.read()  # users admin (1), kmsuser (2), app_user (3); keys 262162 and 262168


def test_command_names_first():
    assert CMU.complete([], "listU") == ["listUsers"]
    assert CMU.complete([], "get") == ["getAttribute", "getCert", "getHSMInfo", "getKeyInfo", "getMValue",
                                       "getToken"]
    assert KMU.complete([], "gen") == ["genDSAKeyPair", "genECCKeyPair", "genPBEKey", "genRSAKeyPair", "genSymKey"]
    assert CMU.complete([], "nosuch") == [] and CMU.complete(["nosuch"], "") == []


def test_cmu_arguments_in_their_places(world):
    assert CMU.complete(["loginHSM"], "") == ["CO", "CU", "PRECO", "PCO", "AU"]
    assert CMU.complete(["login"], "P") == ["PRECO", "PCO"]  # the command as typed, a prefix
    assert CMU.complete(["loginHSM", "CU"], "", world) == ["admin", "app_user", "kmsuser"]
    assert CMU.complete(["loginHSM", "CU"], "km", world) == ["kmsuser"]
    assert CMU.complete(["loginHSM", "CU", "kmsuser"], "", world) == []  # a password is not offered
    assert CMU.complete(["loginHSM", "CU", "kmsuser"], "-") == ["-hpswd", "-2fa"]
    assert CMU.complete(["deleteUser"], "") == ["CO", "CU"]
    assert CMU.complete(["info"], "") == ["server"]
    assert CMU.complete(["help"], "sync") == ["syncKey", "syncUser"]
    assert CMU.complete(["findAllKeys"], "", world) == ["1", "2", "3"]
    assert CMU.complete(["findAllKeys", "2"], "") == ["0", "1"]
    assert CMU.complete(["shareKey"], "", world) == ["262162", "262168"]
    assert CMU.complete(["getMValue"], "") == ["3", "4"]


def test_cmu_flags_of_a_command(world):
    assert CMU.complete(["getKeyInfo"], "-") == ["-k"]
    assert CMU.complete(["getKeyInfo", "-k"], "2621", world) == ["262162", "262168"]
    assert CMU.complete(["getKeyInfo"], "", world) == ["262162", "262168"]
    assert CMU.complete(["listUsers"], "-") == []


def test_without_a_world_only_the_declaration_is_offered():
    assert CMU.complete(["loginHSM", "CU"], "", None) == []
    assert KMU.complete(["deleteKey", "-k"], "", None) == []


def test_kmu_flags_then_their_values(world):
    assert KMU.complete(["findKey"], "-") == ["-c", "-t", "-l", "-id", "-sess", "-u", "-m", "-kcv"]
    assert KMU.complete(["findKey", "-l", "mykey"], "") == ["-c", "-t", "-id", "-sess", "-u", "-m", "-kcv"]
    assert KMU.complete(["findKey"], "-s") == ["-sess"]
    assert KMU.complete(["findKey", "-sess"], "") == ["0", "1"]
    assert KMU.complete(["findKey", "-c"], "") == ["2", "3", "4"]
    assert KMU.complete(["loginHSM"], "-") == ["-u", "-p", "-s", "-hpswd"]
    assert KMU.complete(["loginHSM", "-u"], "") == ["CO", "CU", "AU", "PRECO", "PO"]
    assert KMU.complete(["loginHSM", "-u", "CU", "-s"], "", world) == ["admin", "app_user", "kmsuser"]
    assert KMU.complete(["loginHSM", "-u", "CU", "-s", "kmsuser", "-p"], "", world) == []
    assert KMU.complete(["deleteKey", "-k"], "", world) == ["262162", "262168"]
    assert KMU.complete(["genSymKey", "-nex"], "-n") == []  # a switch is given once
    assert KMU.complete(["sign", "-m"], "1") == ["1", "15", "16", "17", "18", "19"]
    assert KMU.complete(["exit"], "-") == []
