"""The real AWS CLI and boto3 create, describe, migrate and roll back an hsm2m.medium cluster
against hsmshell's endpoint: the real AWS CLI v1 prints what `hsmshell aws` prints in v1
mode; the real AWS CLI v2 (Debian's 2.9.19, whose model has no create-cluster --mode and no
modify-cluster --hsm-type) refuses those options as `hsmshell aws` does in v2 mode; boto3's
raw responses validate against botocore's model."""

from __future__ import annotations

import io
import json
import shlex

import boto3
import pytest
from botocore.config import Config

from hsmshell.aws import cli
from hsmshell.aws.server import Endpoint
from hsmshell.services import open_store
from hsmshell.testing.worlds import copy_world

from ..aws.botocore_check import check, model
from ..aws.oracle import aws_v2, real_aws
from ..aws.test_real_cli import ROOT
from ..aws.test_real_cli_v2 import _real as real_v2
from ..aws.test_serve import serve, stop

CLUSTER = "cluster-1a23b4cdefg"
SUBNETS = "subnet-0aa1bb2cc3dd4ee5f subnet-0ff6ee5dd4cc3bb2a"
T0 = 1_700_000_000.0


def twins(template_world, tmp_path, *, aws_cli: int | None) -> list:
    paths = []
    for side in ("real", "ours"):
        store = open_store(copy_world(template_world, tmp_path / side))
        with store.transaction() as world:
            world.generation = "current"
            world.clock.frozen_at = T0
            world.client.aws_cli = aws_cli
        paths.append(store.path)
    return paths


def ours(path, line: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(shlex.split(line), open_store(path), out, err)
    return status, out.getvalue(), err.getvalue()


class _Server:
    """oracle.real_aws reads the port from server_address."""

    def __init__(self, endpoint: Endpoint):
        self.server_address = ("127.0.0.1", int(endpoint.url.rsplit(":", 1)[1]))


V1_LINES = [
    f"cloudhsmv2 create-cluster --hsm-type hsm2m.medium --mode NON_FIPS --subnet-ids {SUBNETS}",
    f"cloudhsmv2 create-cluster --hsm-type hsm2m.medium --mode FIPS_140_3 --subnet-ids {SUBNETS}",
    f"cloudhsmv2 create-cluster --hsm-type hsm1.medium --subnet-ids {SUBNETS}",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --hsm-type hsm2m.medium",
    f"cloudhsmv2 describe-clusters --filters clusterIds={CLUSTER} --output text",
    f"cloudhsmv2 describe-backups --filters clusterIds={CLUSTER} --query Backups[].[HsmType,Mode] --output text",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --hsm-type hsm1.medium",
    f"cloudhsmv2 describe-clusters --filters clusterIds={CLUSTER}",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --hsm-type hsm3.large",
]


def test_the_real_cli_v1_migrates_and_rolls_back_as_hsmshell_aws_does(template_world, tmp_path):
    real_world, our_world = twins(template_world, tmp_path, aws_cli=1)
    endpoint = Endpoint(real_world).start()
    try:
        results = [(real_aws(_Server(endpoint), *shlex.split(line)), ours(our_world, line)) for line in V1_LINES]
    finally:
        endpoint.stop()
    for line, (real, mine) in zip(V1_LINES, results):
        assert mine == real, line
    (created, bad_mode, hsm1, migrating, described, backups, rolling, rolled_back, unknown) = [r for r, _ in results]
    assert created[0] == 0 and json.loads(created[1])["Cluster"]["Mode"] == "NON_FIPS"
    assert bad_mode[0] == 255 and "Member must satisfy enum value set: [FIPS, NON_FIPS]" in bad_mode[2]
    assert hsm1[0] == 255 and "CloudHsmInvalidRequestException" in hsm1[2]
    assert json.loads(migrating[1])["Cluster"]["State"] == "MODIFY_IN_PROGRESS"
    assert f"hsm2m.medium\t{T0 + 86400:.1f}\tFIPS" in described[1]
    assert backups[1].splitlines()[0] == "hsm1.medium\tFIPS"
    assert json.loads(rolling[1])["Cluster"]["State"] == "ROLLBACK_IN_PROGRESS"
    cluster = json.loads(rolled_back[1])["Clusters"][0]
    assert (cluster["HsmType"], cluster["State"]) == ("hsm1.medium", "ACTIVE")
    assert "HsmTypeRollbackExpiration" not in cluster
    assert unknown[0] == 255 and "Invalid HSM type hsm3.large." in unknown[2]


V2_LINES = [
    f"cloudhsmv2 create-cluster --hsm-type hsm2m.medium --mode FIPS --subnet-ids {SUBNETS}",
    f"cloudhsmv2 modify-cluster --cluster-id {CLUSTER} --hsm-type hsm2m.medium",
    f"cloudhsmv2 create-cluster --hsm-type hsm1.medium --subnet-ids {SUBNETS}",
    f"cloudhsmv2 create-cluster --hsm-type hsm2m.medium --subnet-ids {SUBNETS} --query Cluster.[HsmType,State]",
]


@pytest.mark.skipif(aws_v2() is None, reason="no AWS CLI v2 installed")
def test_the_real_cli_v2_release_has_no_mode_option_and_neither_has_hsmshell_aws(template_world, tmp_path):
    real_world, our_world = twins(template_world, tmp_path, aws_cli=None)
    endpoint = Endpoint(real_world).start()
    try:
        results = [(real_v2(endpoint, shlex.split(line)), ours(our_world, line)) for line in V2_LINES]
    finally:
        endpoint.stop()
    for line, (real, mine) in zip(V2_LINES, results):
        assert mine == real, line
    (mode, hsm_type, hsm1, created) = [r for r, _ in results]
    assert mode[0] == 252 and "Unknown options: --mode, FIPS" in mode[2]
    assert hsm_type[0] == 252
    assert hsm1[0] == 254 and "hsm1.medium has reached end of support" in hsm1[2]
    assert created[0] == 0 and "hsm2m.medium" in created[1]


def test_boto3_against_hsmshell_serve(world_path, store):
    with store.transaction() as world:
        world.generation = "current"
    proc, url = serve(PYTHONPATH=str(ROOT))  # this checkout's code (the console script may import another)
    raw: list[tuple[str, dict]] = []
    try:
        hsm = boto3.client("cloudhsmv2", endpoint_url=url, region_name="us-west-2", aws_access_key_id="AKIDEXAMPLE",
                           aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
        hsm.meta.events.register("after-call.cloudhsmv2", lambda http_response, model, **_: raw.append(
            (model.name, json.loads(http_response.content))))
        made = hsm.create_cluster(HsmType="hsm2m.medium", Mode="FIPS", SubnetIds=SUBNETS.split())["Cluster"]
        assert (made["HsmType"], made["Mode"]) == ("hsm2m.medium", "FIPS")
        with pytest.raises(hsm.exceptions.CloudHsmInvalidRequestException):
            hsm.create_cluster(HsmType="hsm1.medium", SubnetIds=SUBNETS.split())
        assert hsm.modify_cluster(ClusterId=CLUSTER, HsmType="hsm2m.medium")["Cluster"]["State"] in (
            "MODIFY_IN_PROGRESS", "ACTIVE")
        migrated = hsm.describe_clusters(Filters={"clusterIds": [CLUSTER]})["Clusters"][0]
        assert migrated["HsmType"] == "hsm2m.medium" and "HsmTypeRollbackExpiration" in migrated
        hsm.modify_cluster(ClusterId=CLUSTER, HsmType="hsm1.medium")
        back = hsm.describe_clusters(Filters={"clusterIds": [CLUSTER]})["Clusters"][0]
        assert back["HsmType"] == "hsm1.medium" and "HsmTypeRollbackExpiration" not in back
        assert {b["HsmType"] for b in hsm.describe_backups()["Backups"]} == {"hsm1.medium"}
    finally:
        stop(proc)
    assert [name for name, _ in raw] == ["CreateCluster", "CreateCluster", "ModifyCluster", "DescribeClusters",
                                         "ModifyCluster", "DescribeClusters", "DescribeBackups"]
    for name, body in raw:
        if "__type" not in body:
            check(model("cloudhsmv2").operation_model(name).output_shape, body, name)
