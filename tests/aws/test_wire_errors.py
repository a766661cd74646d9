"""An error as it leaves the endpoint, byte for byte: each service's error shape names its
message member its own way (kms-spec §6: CloudHSM's and CloudTrail's `Message`, KMS's
`message`).  botocore and the CLI read either spelling, so only the wire shows it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from .test_server import SIGNED, endpoint  # noqa: F401 (the endpoint fixture)


def post(endpoint, target: str, body: dict) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(endpoint.url, data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1", "Authorization": SIGNED})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    return refused.value.code, dict(refused.value.headers), refused.value.read()


@pytest.mark.parametrize("target, body, code, member", [
    ("TrentService.ConnectCustomKeyStore", {"CustomKeyStoreId": "cks-0000000000000000f"},
     "CustomKeyStoreNotFoundException", "message"),
    ("BaldrApiService.DeleteBackup", {"BackupId": "backup-0000000000a"},
     "CloudHsmResourceNotFoundException", "Message"),
    ("BaldrApiService.DescribeClusters", {"NextToken": "not-a-token"},
     "CloudHsmInvalidRequestException", "Message"),
    ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
     {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "a"},
                           {"AttributeKey": "Username", "AttributeValue": "b"}]},
     "InvalidLookupAttributesException", "Message"),
])
def test_each_service_names_its_error_message_member_its_own_way(endpoint, target, body, code, member):
    status, headers, raw = post(endpoint, target, body)
    assert status == 400 and headers["Content-Type"] == "application/x-amz-json-1.1"
    error = json.loads(raw)
    assert list(error) == ["__type", member], raw
    assert error["__type"] == code and error[member]
