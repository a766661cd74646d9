"""Keys in CloudHSM CLI form: filters, pages, verbose listing, delete and share rules, and the
same keys seen by key_mgmt_util (handles are key references), and who may set `trusted`."""

from __future__ import annotations

import json
import re

import pytest

from ...conftest import KEY_ARN


def test_all_kmsuser_keys(kmsuser):
    data = kmsuser("key", "list").json["data"]
    assert data == {"matched_keys": [
        {"key-reference": "0x0000000000040012", "attributes": {"label": KEY_ARN}},
        {"key-reference": "0x0000000000040018",
         "attributes": {"label": "arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"}}],
        "total_key_count": 2, "returned_key_count": 2}


def test_find_the_key_of_a_kms_key_by_its_arn_label(kmsuser):
    data = kmsuser("key", "list", "--filter", f"attr.label={KEY_ARN}", "--verbose").json["data"]
    assert (data["total_key_count"], data["returned_key_count"]) == (1, 1)
    key = data["matched_keys"][0]
    assert key["key-reference"] == "0x0000000000040012"
    assert key["key-info"]["key-owners"] == [{"username": "kmsuser", "key-coverage": "full"}]
    attributes = key["attributes"]
    assert list(attributes)[:5] == ["key-type", "label", "id", "check-value", "class"]
    assert (attributes["key-type"], attributes["class"], attributes["key-length-bytes"]) == ("aes", "secret-key", 32)
    assert (attributes["extractable"], attributes["encrypt"], attributes["wrap"]) == (False, True, True)
    assert re.fullmatch(r"0x[0-9a-f]{6}", attributes["check-value"])


def test_key_reference_filter_both_spellings(kmsuser):
    for term in ("key-reference=0x0000000000040018", "attr.key-reference=0x0000000000040018"):
        assert kmsuser("key", "list", "--filter", term).json["data"]["total_key_count"] == 1
    assert kmsuser("key", "list", "--filter", "attr.label=nothing").json["data"] == \
        {"matched_keys": [], "total_key_count": 0, "returned_key_count": 0}
    assert kmsuser("key", "list", "--filter", "attr.nonsense=1").json == \
        {"error_code": 1, "data": "Invalid filter: nonsense"}


def test_a_key_reference_written_in_decimal_names_the_same_key_and_one_not_a_number_none(kmsuser):
    """GAP (references.py): a decimal handle is taken too; 262168 is 0x40018."""
    found = kmsuser("key", "list", "--filter", "key-reference=262168").json["data"]
    assert [k["key-reference"] for k in found["matched_keys"]] == ["0x0000000000040018"]
    for term in ("key-reference=0xkey", "key-reference=forty"):
        assert kmsuser("key", "list", "--filter", term).json["data"]["total_key_count"] == 0, term


def test_pages_of_max_items_with_a_decimal_next_token(kmsuser):
    first = kmsuser("key", "list", "--max-items", "1").json["data"]
    assert (first["returned_key_count"], first["total_key_count"], first["next_token"]) == (1, 2, "1")
    second = kmsuser("key", "list", "--max-items", "1", "--starting-token", "1").json["data"]
    assert second["matched_keys"][0]["key-reference"] == "0x0000000000040018"
    assert "next_token" not in second


def test_key_made_by_key_mgmt_util_is_found_and_deleted_by_the_cli(kmsuser, doors):
    out = doors.kmu("loginHSM -u CU -s kmsuser -p kmsPswd1\ngenSymKey -t 31 -s 16 -l from-kmu\nexit\n")
    handle = int(re.search(r"Symmetric Key Created.  Key Handle: (\d+)", out).group(1))
    listed = kmsuser("key", "list", "--filter", "attr.label=from-kmu", "--verbose").json["data"]["matched_keys"]
    assert listed[0]["key-reference"] == f"0x{handle:016x}"
    assert listed[0]["attributes"]["key-length-bytes"] == 16
    assert kmsuser("key", "delete", "--filter", f"key-reference=0x{handle:016x}").json == \
        {"error_code": 0, "data": {"message": "Key deleted successfully"}}
    out = doors.kmu("loginHSM -u CU -s kmsuser -p kmsPswd1\nfindKey -l from-kmu\nexit\n")
    assert "Total number of keys present 0" in out


def test_key_made_by_the_cli_is_seen_by_key_mgmt_util(kmsuser, doors):
    made = kmsuser("key", "generate-symmetric", "aes", "--label", "from-cli", "--key-length-bytes", "32").json
    handle = int(made["data"]["key"]["key-reference"], 16)
    out = doors.kmu("loginHSM -u CU -s kmsuser -p kmsPswd1\nfindKey -l from-cli\nexit\n")
    assert f"\n{handle}\n" in out


def test_delete_needs_exactly_one_key_and_its_owner(kmsuser, cli, store):
    assert kmsuser("key", "delete", "--filter", "attr.class=secret-key").json == \
        {"error_code": 1, "data": "More than one key matched the filter. Refine the filter to select one key"}
    assert kmsuser("key", "delete", "--filter", "attr.label=none").json == \
        {"error_code": 1, "data": "No key matched the filter"}
    cli.as_admin("user", "create", "--username", "alice", "--role", "crypto-user", "--password", "alicePw1")
    assert kmsuser("key", "share", "--filter", f"attr.label={KEY_ARN}", "--username", "alice",
                   "--role", "crypto-user").json == {"error_code": 0, "data": {"message": "Key shared successfully"}}
    alice = ("alice", "alicePw1")
    assert cli.as_user(*alice, "key", "list").json["data"]["total_key_count"] == 1
    assert cli.as_user(*alice, "key", "delete", "--filter", f"attr.label={KEY_ARN}").json == \
        {"error_code": 1, "data": "Only the owner of the key can perform this operation"}
    assert kmsuser("key", "unshare", "--filter", f"attr.label={KEY_ARN}", "--username", "alice",
                   "--role", "crypto-user").json["data"] == {"message": "Key unshared successfully"}
    assert cli.as_user(*alice, "key", "list").json["data"]["total_key_count"] == 0


def test_set_attribute_and_session_keys(kmsuser):
    made = kmsuser("key", "generate-symmetric", "aes", "--label", "temp", "--key-length-bytes", "16",
                   "--session").json["data"]["key"]
    assert made["attributes"]["token"] is False and made["key-info"]["cluster-coverage"] == "session"
    # A session key ends with its (single-command) process.
    assert kmsuser("key", "list", "--filter", "attr.label=temp").json["data"]["total_key_count"] == 0
    kmsuser("key", "generate-symmetric", "aes", "--label", "kept", "--key-length-bytes", "16")
    assert kmsuser("key", "set-attribute", "--filter", "attr.label=kept", "--name", "encrypt",
                   "--value", "true").json == {"error_code": 0, "data": {"message": "Attribute set successfully"}}
    listed = kmsuser("key", "list", "--filter", "attr.label=kept", "attr.encrypt=true", "-v").json["data"]
    assert listed["total_key_count"] == 1 and listed["matched_keys"][0]["attributes"]["encrypt"] is True
    assert kmsuser("key", "set-attribute", "--filter", "attr.label=kept", "--name", "class",
                   "--value", "public-key").json["error_code"] == 1


def test_key_commands_need_a_crypto_user_login(cli):
    assert cli("key", "list").json == {"error_code": 1, "data": "You must be logged in to run this command"}
    made = cli.as_admin("key", "generate-symmetric", "aes", "--label", "x", "--key-length-bytes", "16")
    assert made.json == {"error_code": 1, "data": "The logged in user does not have permission to run this command"}


# -- the key-availability check (cloudhsm/availability.py), rules no test broke before ---------

UNAVAILABLE = {"error_code": 1,
               "data": "Cannot perform the requested key operation as the key must be available on at least 2 HSMs"}


def test_two_hsms_that_answer_are_enough_to_list_and_use_keys(kmsuser, store):
    with store.transaction() as world:
        world.clusters["cluster-1a23b4cdefg"].hsms[2].reachable = False
    assert kmsuser("key", "list").json["data"]["total_key_count"] == 2
    assert kmsuser("key", "delete", "--filter", "key-reference=0x0000000000040018").json["error_code"] == 0


def test_a_token_key_on_one_hsm_that_answers_is_unavailable(kmsuser, store):
    """Every HSM answers, but the key reached only the first (or only the first still answers)."""
    with store.transaction() as world:
        cluster = world.clusters["cluster-1a23b4cdefg"]
        cluster.keys[0x40018].hsms = [cluster.hsms[0].hsm_id]
        cluster.keys[0x40012].hsms = [h.hsm_id for h in cluster.hsms[:2]]
        cluster.hsms[1].reachable = False
    for handle in ("0x0000000000040018", "0x0000000000040012"):
        assert kmsuser("key", "delete", "--filter", f"key-reference={handle}").json == UNAVAILABLE, handle


def test_a_session_key_on_its_one_hsm_is_used(cli, kmsuser):
    out = cli.session("login --username kmsuser --role crypto-user --password kmsPswd1\n"
                      "key generate-symmetric aes --label brief --key-length-bytes 16 --session\n"
                      "key delete --filter attr.label=brief\n")
    assert out.count("Key deleted successfully") == 1 and "available on at least 2 HSMs" not in out, out


def trusted_shown(kmsuser, label: str, name: str = "trusted") -> bool:
    return kmsuser("key", "list", "--filter", f"attr.label={label}", "-v").json["data"]["matched_keys"][0][
        "attributes"][name]


def test_the_owner_may_not_set_trusted(kmsuser):
    """`trusted` is an admin's to set (§6.5 "admins may set `trusted`"; modify-attr.html: "by
    Crypto Officer (CO) only"): the owning crypto user is refused with the CLI's words for a role
    that may not do something (GAP: the real text), and the key stays untrusted."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16",
            "--attributes", "token=true")
    assert kmsuser("key", "set-attribute", "--filter", "attr.label=k", "--name", "trusted", "--value", "true").json \
        == {"error_code": 1, "data": "The logged in user does not have permission to run this command"}
    assert trusted_shown(kmsuser, "k") is False


def test_an_admin_sets_trusted_on_a_crypto_user_s_key(cli, kmsuser):
    """An admin logged in at the prompt selects a crypto user's key with --filter (admins see every
    token key) and sets `trusted`; the owner's `key list --verbose` and an `attr.trusted=true`
    filter then show it."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16",
            "--attributes", "token=true")
    out = cli.session("login --username admin --role admin\nco12345\n"
                      "key set-attribute --filter attr.label=k --name trusted --value true\nquit\n")
    answer = out.split("key set-attribute --filter attr.label=k --name trusted --value true\n", 1)[1]
    assert json.loads(answer[:answer.index("\n}\n") + 2]) == \
        {"error_code": 0, "data": {"message": "Attribute set successfully"}}, out
    assert trusted_shown(kmsuser, "k") is True
    assert [k["attributes"]["label"] for k in
            kmsuser("key", "list", "--filter", "attr.trusted=true").json["data"]["matched_keys"]] == ["k"]


@pytest.mark.parametrize("name, value", [("decrypt", "false"), ("label", "mine"), ("wrap-with-trusted", "true")])
def test_an_admin_sets_no_other_attribute(cli, kmsuser, name, value):
    """Every attribute but `trusted` stays the owner's: an admin is refused as a user the key is
    shared with is."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16",
            "--attributes", "token=true")
    assert cli.as_admin("key", "set-attribute", "--filter", "attr.label=k", "--name", name, "--value", value).json \
        == {"error_code": 1, "data": "Only the owner of the key can perform this operation"}


def test_wrap_with_trusted_once_true_stays_true(kmsuser):
    """"Once you set CKA_WRAP_WITH_TRUSTED to true, the attribute becomes read-only" (modify-attr.html):
    true again is accepted, false refused as a value that cannot be set; the key stays true."""
    kmsuser("key", "generate-symmetric", "aes", "--label", "k", "--key-length-bytes", "16",
            "--attributes", "token=true")
    ok = {"error_code": 0, "data": {"message": "Attribute set successfully"}}
    for value in ("true", "true"):
        assert kmsuser("key", "set-attribute", "--filter", "attr.label=k", "--name", "wrap-with-trusted",
                       "--value", value).json == ok
    assert kmsuser("key", "set-attribute", "--filter", "attr.label=k", "--name", "wrap-with-trusted",
                   "--value", "false").json == {"error_code": 1, "data": "The attribute cannot be set to this value"}
    assert trusted_shown(kmsuser, "k", "wrap-with-trusted") is True
