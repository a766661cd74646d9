"""The CloudHSM control plane: clusters, HSMs and backups, their transitions on the world's
clock, and clusters made from backups holding the users and keys of their backup."""

from __future__ import annotations

import copy

from hsmshell.cli import main as hsmshell
from hsmshell.world.model import Settings

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


def test_an_unknown_filter_is_named_the_first_in_sorted_order(api):
    """GAP (our choice): of several unknown filters the message names the first in sorted order."""
    refused = api.error("cloudhsmv2", "DescribeClusters", Filters={"zebra": ["z"], "colour": ["red"]})
    assert refused.message == "Invalid filter: colour. Valid filters are clusterIds, vpcIds, states."


def test_a_new_cluster_s_network_ids_are_the_seeded_world_s_and_its_subnets_vpc(api):
    """Subnets no cluster uses make a new VPC; the default cluster's subnets are in its VPC.  The
    VPC and security group IDs are 17 hex digits (kms-spec §6 patterns), and a seeded world
    draws the same ones every run (transcripts pin them)."""
    (default,) = api.cloudhsmv2.DescribeClusters()["Clusters"]
    fresh = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]
    assert (fresh["VpcId"], fresh["SecurityGroup"]) == ("vpc-3f60124b346686180", "sg-5f70a86c8f3afb6a1")
    assert fresh["BackupRetentionPolicy"] == {"Type": "DAYS", "Value": "90"}  # the default (§6.3)
    alongside = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium",
                                             SubnetIds=[default["SubnetMapping"]["us-west-2a"]])["Cluster"]
    assert alongside["VpcId"] == default["VpcId"] == "vpc-0a1b2c3d4e5f67890"


def test_a_cluster_from_a_backup_named_by_its_arn(api):
    """SourceBackupId takes a backup ID or its ARN (kms-spec §6.3)."""
    arn = api.cloudhsmv2.DescribeBackups(Filters={"backupIds": [BACKUP]})["Backups"][0]["BackupArn"]
    assert arn.endswith(":backup/" + BACKUP)
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS, SourceBackupId=arn)["Cluster"]
    assert cluster["SourceBackupId"] == BACKUP


def test_a_fresh_hsm_holds_the_precrypto_officer_and_the_appliance_user(api, store):
    """User id 1 is admin, id 2 app_user (cloudhsm-shells-spec, default users after activation:
    "user id 1 `admin` (PCO, or CO on some pages) and user id 2 `app_user` (AU)"); before
    activation admin is the PRECO, as the User Guide gives it."""
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")
    users = store.read().clusters[cluster].hsms[0].users
    assert [(u.user_id, u.user_type, u.name) for u in users] == [(1, "PRECO", "admin"), (2, "AU", "app_user")]


def test_a_region_holds_four_clusters(api, store):
    """The default quota, 4 clusters per Region (kms-spec §6, UG limits), refused with
    CloudHsmResourceLimitExceededException; a world holding more (written by hand) refuses too."""
    for _ in range(3):
        api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)
    refused = api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS)
    assert (refused.code, refused.message) == ("CloudHsmResourceLimitExceededException",
                                               "You have reached the limit of 4 clusters in this Region.")
    with store.transaction() as world:
        extra = copy.deepcopy(world.clusters[CLUSTER])
        extra.cluster_id, extra.hsms, extra.keys = "cluster-5e23b4cdefg", [], {}
        world.clusters[extra.cluster_id] = extra
    assert len(store.read().clusters) == 5
    assert api.error("cloudhsmv2", "CreateCluster", HsmType="hsm1.medium", SubnetIds=SUBNETS
                     ).code == "CloudHsmResourceLimitExceededException"


def test_an_account_holds_six_hsms_in_a_region_until_its_quota_is_raised(api, store):
    """The account's quota of HSMs in the Region, 6 by default (kms-spec §6, UG limits), counts
    every cluster's: the default world's three and three more in a new cluster, then the seventh is
    refused in either; one being deleted still counts; settings.hsms_per_region is the quota as
    Service Quotas raises it (the default world's account has it raised, to 12)."""
    with store.transaction() as world:
        world.settings.hsms_per_region = Settings().hsms_per_region
    cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    made = [api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")["Hsm"]["HsmId"]
            for _ in range(3)]
    for target in (cluster, CLUSTER):
        refused = api.error("cloudhsmv2", "CreateHsm", ClusterId=target, AvailabilityZone="us-west-2a")
        assert (refused.code, refused.message) == ("CloudHsmResourceLimitExceededException",
                                                   "You have reached the limit of 6 HSMs in this Region.")
    assert sum(len(c.hsms) for c in store.read().clusters.values()) == 6
    with store.transaction() as world:
        world.clusters[cluster].hsms[0].state = "DELETE_IN_PROGRESS"
    assert api.error("cloudhsmv2", "CreateHsm", ClusterId=cluster, AvailabilityZone="us-west-2a"
                     ).code == "CloudHsmResourceLimitExceededException"
    api.cloudhsmv2.DeleteHsm(ClusterId=cluster, HsmId=made[1])
    assert api.cloudhsmv2.CreateHsm(ClusterId=cluster, AvailabilityZone="us-west-2a")["Hsm"]["State"]
    with store.transaction() as world:
        world.settings.hsms_per_region = 7
    assert api.cloudhsmv2.CreateHsm(ClusterId=CLUSTER, AvailabilityZone="us-west-2a")["Hsm"]["State"]
    assert api.error("cloudhsmv2", "CreateHsm", ClusterId=CLUSTER, AvailabilityZone="us-west-2a"
                     ).message == "You have reached the limit of 7 HSMs in this Region."
    with store.transaction() as world:  # a world that holds more than its quota (written by hand)
        world.settings.hsms_per_region = 2
    assert api.error("cloudhsmv2", "CreateHsm", ClusterId=CLUSTER, AvailabilityZone="us-west-2a"
                     ).message == "You have reached the limit of 2 HSMs in this Region."


def test_a_cluster_holds_28_hsms(api, store):
    """The default quota, 28 HSMs per cluster (kms-spec §6, cloudhsm-shells-spec: "HSMs per
    cluster 28"): the world is filled with copies of an HSM, as a lab's fixture would be."""
    with store.transaction() as world:
        world.settings.hsms_per_region = 100  # the account's quota raised past them
        cluster = world.clusters[CLUSTER]
        for n in range(len(cluster.hsms), 27):
            hsm = copy.deepcopy(cluster.hsms[0])
            hsm.hsm_id, hsm.eni_id, hsm.eni_ip = f"hsm-fill{'abcdefghijklmnopqrstuvwxyz2'[n]}aaaaaa", \
                f"eni-0f{n:015x}", f"10.0.9.{n}"
            cluster.hsms.append(hsm)
    zone = api.cloudhsmv2.DescribeClusters()["Clusters"][0]["Hsms"][0]["AvailabilityZone"]
    assert api.cloudhsmv2.CreateHsm(ClusterId=CLUSTER, AvailabilityZone=zone)["Hsm"]["State"] == "CREATE_IN_PROGRESS"
    refused = api.error("cloudhsmv2", "CreateHsm", ClusterId=CLUSTER, AvailabilityZone=zone)
    assert (refused.code, refused.message) == ("CloudHsmResourceLimitExceededException",
                                               f"Cluster {CLUSTER} has reached the limit of 28 HSMs.")
    assert len(store.read().clusters[CLUSTER].hsms) == 28


def test_a_cluster_from_a_backup_takes_the_certificates_of_its_own_lineage(api, store):
    """The trust anchor and cluster certificate a restored cluster inherits are those of the
    clusters sharing its backup's lineage, whatever other clusters hold and wherever they are
    listed (here, one whose lineage sorts before the backup's and one after, both first)."""
    others = []
    for lineage in ("lineage-0aaaaaaaaaa", "lineage-zzzzzzzzzzz"):
        cluster = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
        others.append(cluster)
        with store.transaction() as world:
            world.clusters[cluster].lineage = lineage
            world.clusters[cluster].trust_anchor = f"anchor of {lineage}"
            world.clusters[cluster].cluster_certificate = f"certificate of {lineage}"
    with store.transaction() as world:
        world.clusters[CLUSTER].cluster_certificate = "certificate of lineage-1a23b4cdefg"
        world.clusters[CLUSTER] = world.clusters.pop(CLUSTER)  # listed after the two others
    assert list(store.read().clusters) == [*others, CLUSTER]
    restored = api.cloudhsmv2.CreateCluster(HsmType="hsm1.medium", SubnetIds=SUBNETS, SourceBackupId=BACKUP)["Cluster"]
    assert restored["Certificates"] == {"ClusterCertificate": "certificate of lineage-1a23b4cdefg"}
    world = store.read()
    assert world.clusters[restored["ClusterId"]].trust_anchor == world.clusters[CLUSTER].trust_anchor
    assert world.clusters[CLUSTER].trust_anchor.startswith("-----BEGIN CERTIFICATE-----")
