"""Tags on clusters and backups, resource policies on backups, and CopyBackupToRegion in a
world of one Region (issue 20)."""

from __future__ import annotations

import json

CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"
BACKUP_ARN = f"arn:aws:cloudhsm:us-west-2:111122223333:backup/{BACKUP}"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]


def test_tags_on_clusters_and_backups(api):
    hsm = api.cloudhsmv2
    made = hsm.CreateCluster(HsmType="hsm2m.medium", SubnetIds=SUBNETS, TagList=[{"Key": "team", "Value": "pki"}])
    assert made["Cluster"]["TagList"] == [{"Key": "team", "Value": "pki"}]
    hsm.TagResource(ResourceId=CLUSTER, TagList=[{"Key": "env", "Value": "lab"}, {"Key": "owner", "Value": ""}])
    hsm.UntagResource(ResourceId=CLUSTER, TagKeyList=["owner"])
    assert hsm.ListTags(ResourceId=CLUSTER) == {"TagList": [{"Key": "env", "Value": "lab"}]}
    assert hsm.DescribeClusters(Filters={"clusterIds": [CLUSTER]})["Clusters"][0]["TagList"] == [
        {"Key": "env", "Value": "lab"}]
    hsm.TagResource(ResourceId=BACKUP, TagList=[{"Key": "keep", "Value": "yes"}])
    assert hsm.DescribeBackups(Filters={"backupIds": [BACKUP]})["Backups"][0]["TagList"] == [
        {"Key": "keep", "Value": "yes"}]
    assert api.error("cloudhsmv2", "ListTags", ResourceId="cluster-jxhlf7644ne").code == "CloudHsmResourceNotFoundException"
    assert api.error("cloudhsmv2", "TagResource", ResourceId=CLUSTER,
                     TagList=[{"Key": "aws:x", "Value": "1"}]).code == "CloudHsmTagException"
    assert api.error("cloudhsmv2", "CreateCluster", HsmType="hsm2m.medium", SubnetIds=SUBNETS,
                     TagList=[{"Key": "aws:x", "Value": "1"}]).code == "CloudHsmTagException"
    page = hsm.ListTags(ResourceId=CLUSTER, MaxResults=1)
    assert page["TagList"] == [{"Key": "env", "Value": "lab"}] and "NextToken" not in page


def test_resource_policies_on_backups(api):
    hsm = api.cloudhsmv2
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
        "AWS": "arn:aws:iam::444455556666:root"}, "Action": "cloudhsm:DescribeBackups", "Resource": BACKUP_ARN}]})
    assert hsm.GetResourcePolicy(ResourceArn=BACKUP_ARN) == {}
    assert hsm.PutResourcePolicy(ResourceArn=BACKUP_ARN, Policy=policy) == {"ResourceArn": BACKUP_ARN, "Policy": policy}
    assert hsm.GetResourcePolicy(ResourceArn=BACKUP_ARN) == {"Policy": policy}
    assert hsm.DeleteResourcePolicy(ResourceArn=BACKUP_ARN) == {"ResourceArn": BACKUP_ARN, "Policy": policy}
    assert hsm.GetResourcePolicy(ResourceArn=BACKUP_ARN) == {}
    for arn, code in ((f"arn:aws:cloudhsm:us-west-2:111122223333:cluster/{CLUSTER}", "CloudHsmInvalidRequestException"),
                      ("not-an-arn", "CloudHsmInvalidRequestException"),
                      ("arn:aws:cloudhsm:us-west-2:111122223333:backup/backup-jxhlf7644ne",
                       "CloudHsmResourceNotFoundException")):
        assert api.error("cloudhsmv2", "PutResourcePolicy", ResourceArn=arn, Policy=policy).code == code
    assert api.error("cloudhsmv2", "PutResourcePolicy", ResourceArn=BACKUP_ARN, Policy="{").code == \
        "CloudHsmInvalidRequestException"


def test_copy_backup_to_region_is_refused_in_a_world_of_one_region(api):
    error = api.error("cloudhsmv2", "CopyBackupToRegion", BackupId=BACKUP, DestinationRegion="us-east-1")
    assert (error.code, error.message) == (
        "CloudHsmInvalidRequestException",
        f"This world simulates only the Region us-west-2: there is no us-east-1 to copy backup {BACKUP} to.")
    assert api.error("cloudhsmv2", "CopyBackupToRegion", BackupId="backup-jxhlf7644ne",
                     DestinationRegion="us-east-1").code == "CloudHsmResourceNotFoundException"
    assert api.error("cloudhsmv2", "CopyBackupToRegion", BackupId=BACKUP,
                     DestinationRegion="us-west-2").code == "CloudHsmInvalidRequestException"


def test_a_resource_takes_at_most_50_tags(api):
    """TagList holds 1 to 50 tags (kms-spec §6.3); what a resource already has counts too.
    GAP: the reference gives no error for the 51st tag of a resource; a quota is what
    CloudHsmResourceLimitExceededException stands for (§6)."""
    hsm = api.cloudhsmv2
    have = len(hsm.ListTags(ResourceId=BACKUP)["TagList"])
    hsm.TagResource(ResourceId=BACKUP, TagList=[{"Key": f"k{i}", "Value": ""} for i in range(50 - have)])
    assert len(hsm.ListTags(ResourceId=BACKUP, MaxResults=100)["TagList"]) == 50
    hsm.TagResource(ResourceId=BACKUP, TagList=[{"Key": "k0", "Value": "changed"}])  # a key it has: still 50
    error = api.error("cloudhsmv2", "TagResource", ResourceId=BACKUP, TagList=[{"Key": "one-more", "Value": ""}])
    assert (error.code, error.message) == ("CloudHsmResourceLimitExceededException",
                                           "A resource can have at most 50 tags.")
    tags = hsm.ListTags(ResourceId=BACKUP, MaxResults=100)["TagList"]
    assert len(tags) == 50 and {"Key": "k0", "Value": "changed"} in tags


def test_a_resource_policy_names_a_backup_of_this_region_and_account(api):
    """The backup's id with another Region or account (sorting before and after ours) names a
    backup elsewhere, which this world does not hold."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    for region, account in (("us-east-1", "111122223333"), ("us-west-3", "111122223333"),
                            ("us-west-2", "000000000000"), ("us-west-2", "999999999999")):
        arn = f"arn:aws:cloudhsm:{region}:{account}:backup/{BACKUP}"
        for operation, extra in (("PutResourcePolicy", {"Policy": policy}), ("GetResourcePolicy", {})):
            error = api.error("cloudhsmv2", operation, ResourceArn=arn, **extra)
            assert (error.code, error.message) == ("CloudHsmResourceNotFoundException", f"Backup {arn} does not exist.")
    assert api.cloudhsmv2.GetResourcePolicy(ResourceArn=BACKUP_ARN) == {}


def test_a_resource_policy_is_a_json_object_with_a_statement(api):
    for document in ({"Version": "2012-10-17"}, ["Statement"], "Statement", 1):
        error = api.error("cloudhsmv2", "PutResourcePolicy", ResourceArn=BACKUP_ARN, Policy=json.dumps(document))
        assert (error.code, error.message) == ("CloudHsmInvalidRequestException",
                                               "The resource policy must be a JSON object with a Statement.")
    assert api.cloudhsmv2.GetResourcePolicy(ResourceArn=BACKUP_ARN) == {}
