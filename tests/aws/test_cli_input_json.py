"""What real scripts write that the AWS CLI accepts: `--cli-input-json` (the request as JSON, as
a file or inline) and an operation's `--name=value` before the operation's name.  The refusals
are the real CLIs' words, measured with awscli 1.45.11 and 2.9.19."""

from __future__ import annotations

import json

import pytest

from ..conftest import STORE_ID


@pytest.fixture(params=[1, 2])
def version(request, store):
    with store.transaction() as world:
        world.client.aws_cli = request.param
    return request.param


def test_the_request_as_json_from_a_file_and_the_command_line_wins(doors, version, tmp_path):
    request = tmp_path / "keystore.json"
    request.write_text(json.dumps({"CustomKeyStoreId": STORE_ID}))
    status, out, err = doors.aws("kms", "disconnect-custom-key-store", "--cli-input-json", f"file://{request}")
    assert (status, err) == (0, "")
    assert doors.describe()["ConnectionState"] == "DISCONNECTED"
    status, out, _ = doors.aws("kms", "describe-custom-key-stores", "--cli-input-json",
                               json.dumps({"CustomKeyStoreId": "cks-0000000000000000f"}),
                               "--custom-key-store-id", STORE_ID)
    assert status == 0 and json.loads(out)["CustomKeyStores"][0]["CustomKeyStoreId"] == STORE_ID


def test_members_the_operation_lacks_are_botocore_s_validation_error(doors, version):
    status, _, err = doors.aws("kms", "describe-custom-key-stores", "--cli-input-json", '{"Bogus": 1, "Zed": 2}')
    assert status == (255 if version == 1 else 252)
    assert err == ("\nParameter validation failed:\n"
                   'Unknown parameter in input: "Bogus", must be one of: CustomKeyStoreId, CustomKeyStoreName, Limit, Marker\n'
                   'Unknown parameter in input: "Zed", must be one of: CustomKeyStoreId, CustomKeyStoreName, Limit, Marker\n')


def test_json_that_is_no_object_is_worded_as_each_version_words_it(doors, version):
    status, _, err = doors.aws("kms", "describe-custom-key-stores", "--cli-input-json", "{bad")
    if version == 1:
        assert (status, err) == (255, "\nError parsing parameter 'cli-input-json': Invalid JSON: Expecting property "
                                      "name enclosed in double quotes: line 1 column 2 (char 1)\nJSON received: {bad\n")
    else:
        assert (status, err) == (252, "\nError parsing parameter 'cli-input-json': Invalid JSON received.\n")
    status, _, err = doors.aws("kms", "describe-custom-key-stores", "--cli-input-json", "[1]")
    if version == 1:
        assert (status, err) == (255, "\n'list' object has no attribute 'keys'\n")
    else:
        assert (status, err) == (252, "\nError parsing parameter '--cli-input-json': Invalid type: expecting map, "
                                      "received <class 'list'>\n")


def test_an_operation_s_option_may_come_before_the_operation(doors, version):
    status, out, err = doors.aws("cloudhsmv2", "--filters=states=ACTIVE", "--output=json", "describe-clusters",
                                 "--query", "Clusters[].ClusterId")
    assert (status, json.loads(out), err) == (0, ["cluster-1a23b4cdefg"], "")
    status, _, err = doors.aws("cloudhsmv2", "--filters", "states=ACTIVE", "describe-clusters")
    assert status == (2 if version == 1 else 252)
    assert "aws: error: argument operation: Invalid choice, valid choices are:" in err
