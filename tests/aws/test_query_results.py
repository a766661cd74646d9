"""`--query` results that are falsy are printed all the same: awscli's formatters skip only an
empty response object ({}), never 0, false, [], "" or null.  The expected bytes are what
aws-cli 1.45.11 printed against the same world (checked once with the real CLI; the
differential tests hold that pairing for the rest)."""

from __future__ import annotations

import pytest

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
LIST = ["kms", "list-keys"]  # paginated: the merged pages, then the query
DESCRIBE = ["kms", "describe-key", "--key-id", KEY]


@pytest.mark.parametrize("command, query, json_out, text_out", [
    (LIST, "length(Keys[?KeyId=='none'])", "0\n", "0\n"),
    (LIST, "Keys[?KeyId=='none']", "[]\n", ""),
    (DESCRIBE, "KeyMetadata.Enabled", "false\n", "False\n"),
    (DESCRIBE, "''", '""\n', "\n"),
    (DESCRIBE, "KeyMetadata.Nothing", "null\n", "None\n"),
    (DESCRIBE, "`{}`", "", ""),  # only an empty object prints nothing
    (DESCRIBE, "KeyMetadata.KeyState", '"Disabled"\n', "Disabled\n"),
])
def test_falsy_query_results_are_printed(doors, command, query, json_out, text_out):
    assert doors.aws("kms", "disable-key", "--key-id", KEY) == (0, "", "")
    assert doors.aws(*command, "--query", query) == (0, json_out, "")
    assert doors.aws(*command, "--query", query, "--output", "text") == (0, text_out, "")
