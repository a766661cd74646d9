"""The CloudHSM control plane: clusters, HSMs and backups, their transitions on the world's
clock, and clusters made from backups holding the users and keys of their backup."""

from __future__ import annotations

from hsmshell.cli import main as hsmshell

CLUSTER = "cluster-1a23b4cdefg"
BACKUP = "backup-9g87f6edcba"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee5f", "subnet-0ff6ee5dd4cc3bb2a"]


def test_describe_clusters_and_filters(api):
    (cluster,) = api.cloudhsmv2.DescribeClusters()["Clusters"]
    assert (cluster["ClusterId"], cluster["State"], len(cluster["Hsms"])) == (CLUSTER, "ACTIVE", 3)
    assert api.cloudhsmv2.DescribeClusters(Filters={"states": ["UNINITIALIZED"]})["Clusters"] == []
    assert len(api.cloudhsmv2.DescribeClusters(Filters={"vpcIds": ["vpc-0a1b2c3d4e5f67890"]})["Clusters"]) == 1
    assert api.error("cloudhsmv2", "DescribeClusters", Filters={"colour": ["red"]}
                     ).code == "CloudHsmInvalidRequestException"


def test_cluster_from_a_backup_holds_its_users_and_keys(api, store):
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS, SourceBackupId=BACKUP)["Cluster"]
    assert (cluster["State"], cluster["SourceBackupId"], cluster["Hsms"]) == ("CREATE_IN_PROGRESS", BACKUP, [])
    new = cluster["ClusterId"]
    assert api.cloudhsmv2.DescribeClusters(Filters={"clusterIds": [new]})["Clusters"][0]["State"] == "ACTIVE"
    hsm = api.cloudhsmv2.CreateHsm(ClusterId=new, AvailabilityZone="us-west-2a")["Hsm"]
    assert hsm["State"] == "CREATE_IN_PROGRESS"
    world = store.read()
    restored = world.clusters[new]
    assert restored.hsms[0].state == "ACTIVE"
    assert [u.name for u in restored.hsms[0].users] == ["admin", "app_user", "kmsuser"]
    assert sorted(restored.keys) == [262162, 262168]
    assert restored.keys[262162].hsms == [hsm["HsmId"]]
    assert restored.lineage == world.clusters[CLUSTER].lineage  # related: KMS may move to it


def test_fresh_cluster_initialize_and_activate(api, store):
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")
    assert api.error("cloudhsmv2", "CreateHsm", ClusterId=cluster, AvailabilityZone="eu-west-1a"
                     ).code == "CloudHsmInvalidRequestException"
    trust_anchor = store.read().clusters[CLUSTER].trust_anchor
    response = api.cloudhsmv2.InitializeCluster(ClusterId=cluster, SignedCert=trust_anchor, TrustAnchor=trust_anchor)
    assert response == {"State": "INITIALIZE_IN_PROGRESS", "StateMessage": "Cluster is initializing. State will "
                        "change to INITIALIZED upon completion."}
    assert api.error("cloudhsmv2", "InitializeCluster", ClusterId=cluster, SignedCert=trust_anchor,
                     TrustAnchor=trust_anchor).code == "CloudHsmInvalidRequestException"
    assert hsmshell(["cluster", "activate", cluster]) == 0
    assert api.cloudhsmv2.DescribeClusters(Filters={"clusterIds": [cluster]})["Clusters"][0]["State"] == "ACTIVE"
    assert len(api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [cluster]})["Backups"]) == 1


def test_hsm_changes_take_the_world_s_time_and_back_the_cluster_up(api, store):
    with store.transaction() as world:
        world.settings.control_plane_delay = 600
        world.clock.frozen_at = 1_700_000_000.0
    hsm_id = api.cloudhsmv2.DescribeClusters()["Clusters"][0]["Hsms"][0]["HsmId"]
    assert api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, HsmId=hsm_id) == {"HsmId": hsm_id}
    states = {h["HsmId"]: h["State"] for h in api.cloudhsmv2.DescribeClusters()["Clusters"][0]["Hsms"]}
    assert states[hsm_id] == "DELETE_IN_PROGRESS"
    assert len(api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [CLUSTER]})["Backups"]) == 2
    assert hsmshell(["clock", "advance", "10m"]) == 0
    assert len(api.cloudhsmv2.DescribeClusters()["Clusters"][0]["Hsms"]) == 2
    assert api.error("cloudhsmv2", "DeleteHsm", ClusterId=CLUSTER, HsmId=hsm_id).code == "CloudHsmResourceNotFoundException"
    assert api.error("cloudhsmv2", "DeleteCluster", ClusterId=CLUSTER).code == "CloudHsmInvalidRequestException"


def test_delete_and_restore_backups(api, store):
    with store.transaction() as world:
        world.clock.frozen_at = 1_700_000_000.0
    backup = api.cloudhsmv2.DeleteBackup(BackupId=BACKUP)["Backup"]
    assert (backup["BackupState"], backup["DeleteTimestamp"]) == ("PENDING_DELETION", 1_700_000_000.0 + 7 * 86400)
    assert api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS,
                     SourceBackupId=BACKUP).code == "CloudHsmInvalidRequestException"
    restored = api.cloudhsmv2.RestoreBackup(BackupId=BACKUP)["Backup"]
    assert restored["BackupState"] == "READY" and "DeleteTimestamp" not in restored
    assert api.error("cloudhsmv2", "RestoreBackup", BackupId=BACKUP).code == "CloudHsmInvalidRequestException"
    api.cloudhsmv2.DeleteBackup(BackupId=BACKUP)
    assert hsmshell(["clock", "advance", "7d"]) == 0
    assert api.cloudhsmv2.DescribeBackups()["Backups"] == []
    assert api.error("cloudhsmv2", "RestoreBackup", BackupId=BACKUP).code == "CloudHsmResourceNotFoundException"


def test_describe_backups_filters_and_order(api):
    assert hsmshell(["cluster", "backup", CLUSTER]) == 0
    newest_first = [b["BackupId"] for b in api.cloudhsmv2.DescribeBackups()["Backups"]]
    assert newest_first[-1] == BACKUP and len(newest_first) == 2
    assert [b["BackupId"] for b in api.cloudhsmv2.DescribeBackups(SortAscending=True)["Backups"]] == newest_first[::-1]
    assert api.cloudhsmv2.DescribeBackups(Filters={"backupIds": [BACKUP], "states": ["READY"]})["Backups"][0][
        "BackupId"] == BACKUP
    assert [b["BackupId"] for b in api.cloudhsmv2.DescribeBackups(Filters={"neverExpires": ["true"]})["Backups"]
            ] == [BACKUP]  # the fixture's, exempt from retention
    assert [b["BackupId"] for b in api.cloudhsmv2.DescribeBackups(Filters={"neverExpires": ["false"]})["Backups"]
            ] == newest_first[:1]
    page = api.cloudhsmv2.DescribeBackups(MaxResults=1)
    assert len(page["Backups"]) == 1 and api.cloudhsmv2.DescribeBackups(NextToken=page["NextToken"])["Backups"]
    assert api.error("cloudhsmv2", "DescribeBackups", NextToken="zz").code == "CloudHsmInvalidRequestException"


def test_cloudhsm_calls_are_in_cloudtrail_failed_ones_too(api):
    api.error("cloudhsmv2", "DeleteCluster", ClusterId="cluster-jxhlf7644ne")
    events = api.cloudtrail.LookupEvents(LookupAttributes=[{"AttributeKey": "EventSource",
                                                            "AttributeValue": "cloudhsm.amazonaws.com"}])["Events"]
    assert events[0]["EventName"] == "DeleteCluster"
    import json

    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["errorCode"] == "CloudHsmResourceNotFoundException"
    assert record["requestParameters"] == {"clusterId": "cluster-jxhlf7644ne"}


def test_delete_a_cluster_keeps_its_backups(api):
    for hsm in api.cloudhsmv2.DescribeClusters()["Clusters"][0]["Hsms"]:
        api.cloudhsmv2.DeleteHsm(ClusterId=CLUSTER, EniIp=hsm["EniIp"])
    cluster = api.cloudhsmv2.DeleteCluster(ClusterId=CLUSTER)["Cluster"]
    assert (cluster["State"], cluster["StateMessage"]) == ("DELETE_IN_PROGRESS", "The cluster is being deleted.")
    assert api.cloudhsmv2.DescribeClusters()["Clusters"] == []
    assert len(api.cloudhsmv2.DescribeBackups(Filters={"clusterIds": [CLUSTER]})["Backups"]) == 4
