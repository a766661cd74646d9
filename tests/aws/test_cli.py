"""`hsmshell aws` prints what AWS CLI v1 prints: same JSON, same errors, same exit statuses.
The usage texts were captured from aws-cli 1.45.11."""

from __future__ import annotations

import json

from ..conftest import STORE_ID

USAGE = (
    "usage: \rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and "
    "recommended for general use. For more information, see the AWS CLI version 2 installation "
    "instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html\n\n"
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n\n"
    "  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n"
)


def test_describe_prints_model_order_with_four_space_indent(doors):
    status, out, err = doors.aws("kms", "describe-custom-key-stores")
    assert status == 0 and err == ""
    entry = json.loads(out)["CustomKeyStores"][0]
    assert list(entry) == ["CustomKeyStoreId", "CustomKeyStoreName", "CloudHsmClusterId",
                           "TrustAnchorCertificate", "ConnectionState", "CreationDate", "CustomKeyStoreType"]
    assert out.startswith('{\n    "CustomKeyStores": [\n        {\n            "CustomKeyStoreId": ')
    assert '"CreationDate": 1499288695.918,\n' in out
    assert "Truncated" not in out  # the CLI follows markers and prints only the list


def test_operations_without_output_print_nothing(doors):
    assert doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID) == (0, "", "")
    assert doors.aws("kms", "update-custom-key-store", "--custom-key-store-id=" + STORE_ID,
                     "--new-custom-key-store-name", "Other") == (0, "", "")


def test_service_errors_go_to_stderr_with_status_255(doors):
    status, out, err = doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", "cks-0000000000000000f")
    assert (status, out) == (255, "")
    assert err == ("\nAn error occurred (CustomKeyStoreNotFoundException) when calling the "
                   "ConnectCustomKeyStore operation: Custom key store cks-0000000000000000f does not "
                   "exist in this account and Region.\n")


def test_argument_errors_are_the_cli_s(doors):
    assert doors.aws("kms", "connect-custom-key-store") == (
        2, "", USAGE + "aws: error: the following arguments are required: --custom-key-store-id\n")
    assert doors.aws("kms", "connect-custom-key-store", "--custom-key-store-id", "a", "--foo", "bar") == (
        255, "", USAGE + "\nUnknown options: --foo, bar\n")
    assert doors.aws("kms", "describe-custom-key-stores", "--limit", "abc") == (
        255, "", "\ninvalid literal for int() with base 10: 'abc'\n")
    status, _, err = doors.aws("kms", "connect-custom-keystore")
    assert status == 2 and "aws: error: argument operation: Invalid choice, valid choices are:" in err


def test_limit_turns_the_cli_paging_off(doors):
    status, out, _ = doors.aws("kms", "list-keys", "--limit", "1")
    page = json.loads(out)
    assert status == 0 and len(page["Keys"]) == 1 and page["Truncated"] is True
    status, out, _ = doors.aws("kms", "list-keys", "--limit", "1", "--marker", page["NextMarker"])
    assert json.loads(out)["Truncated"] is False
    status, _, err = doors.aws("kms", "list-keys", "--marker", "bogus")
    assert status == 255 and "(InvalidMarkerException)" in err
    status, out, _ = doors.aws("kms", "list-keys")
    assert len(json.loads(out)["Keys"]) == 2


def test_file_url_strings_are_read(doors, tmp_path):
    doors.aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", STORE_ID)
    (tmp_path / "pw").write_text("tempPassword")
    assert doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                     "--key-store-password", f"file://{tmp_path / 'pw'}")[0] == 0
    status, _, err = doors.aws("kms", "update-custom-key-store", "--custom-key-store-id", STORE_ID,
                               "--key-store-password", "file:///no/such/file")
    assert status == 255 and "Unable to load paramfile file:///no/such/file" in err


def test_global_options_are_accepted(doors):
    status, out, _ = doors.aws("--region", "us-west-2", "kms", "describe-custom-key-stores",
                               "--output", "json", "--custom-key-store-name", "ExampleKeyStore")
    assert status == 0 and json.loads(out)["CustomKeyStores"][0]["CustomKeyStoreId"] == STORE_ID
