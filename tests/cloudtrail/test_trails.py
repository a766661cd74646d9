"""CloudTrail's trails: what a tool that checks "is logging on" sees (issue 20)."""

from __future__ import annotations

import pytest

from ..aws.botocore_check import Api


@pytest.fixture
def api(store) -> Api:
    return Api(store)


ARN = "arn:aws:cloudtrail:us-west-2:111122223333:trail/management"


def test_a_trail_from_creation_to_deletion(api):
    trail = api.cloudtrail
    made = trail.CreateTrail(Name="management", S3BucketName="audit-logs", IsMultiRegionTrail=True)
    assert (made["TrailARN"], made["IsMultiRegionTrail"], made["IncludeGlobalServiceEvents"]) == (ARN, True, True)
    assert trail.GetTrailStatus(Name="management") == {"IsLogging": False}
    trail.StartLogging(Name=ARN)
    status = trail.GetTrailStatus(Name="management")
    assert status["IsLogging"] and "StartLoggingTime" in status and status["TimeLoggingStarted"].endswith("Z")
    [listed] = trail.DescribeTrails()["trailList"]
    assert (listed["Name"], listed["HomeRegion"], listed["S3BucketName"]) == ("management", "us-west-2", "audit-logs")
    assert trail.DescribeTrails(trailNameList=["other"]) == {"trailList": []}
    trail.StopLogging(Name="management")
    assert trail.GetTrailStatus(Name="management")["IsLogging"] is False
    assert api.error("cloudtrail", "CreateTrail", Name="management", S3BucketName="b").code == "TrailAlreadyExistsException"
    trail.DeleteTrail(Name="management")
    assert api.error("cloudtrail", "GetTrailStatus", Name="management").code == "TrailNotFoundException"
    assert api.error("cloudtrail", "DeleteTrail", Name=ARN).code == "TrailNotFoundException"


@pytest.mark.parametrize("name", ["ab", "-trail", "trail-", "a..b", "has space"])
def test_trail_names_as_cloudtrail_validates_them(api, name):
    assert api.error("cloudtrail", "CreateTrail", Name=name, S3BucketName="b").code == "InvalidTrailNameException"


def test_at_most_five_trails_a_region(api):
    for i in range(5):
        api.cloudtrail.CreateTrail(Name=f"trail{i}", S3BucketName="b")
    assert api.error("cloudtrail", "CreateTrail", Name="trail5", S3BucketName="b").code == \
        "MaximumNumberOfTrailsExceededException"
