"""`hsmshell world init --fixture current`: the current generation with the documentation's
example values, as the CloudHSM CLI and the control plane show it."""

from __future__ import annotations

import io
import json

from hsmshell import cli
from hsmshell.services import open_store

from ..conftest import Doors


def test_world_init_makes_the_current_generation(tmp_path):
    path = tmp_path / "world.yaml"
    out = io.StringIO()
    assert cli.main(["--world", str(path), "world", "init", "--fixture", "current"], out, io.StringIO()) == 0
    assert out.getvalue() == f"Created {path} from fixture current\n"
    world = open_store(path).read()
    assert world.generation == "current"
    doors = Doors(path)
    status, described, _ = doors.aws("cloudhsmv2", "describe-clusters", "--output", "json")
    cluster = json.loads(described)["Clusters"][0]
    assert (cluster["ClusterId"], cluster["HsmType"], cluster["State"]) == ("cluster-1a23b4cdefg", "hsm2m.medium", "ACTIVE")
    assert sorted((h["AvailabilityZone"], h["EniIp"]) for h in cluster["Hsms"]) == [
        ("us-west-2a", "10.0.1.12"), ("us-west-2b", "10.0.2.9"), ("us-west-2c", "10.0.3.11")]
    # the users as the CloudHSM CLI made them and shows them, on every HSM
    status, listed, _ = doors.run(["cloudhsm-cli", "user", "list"])
    assert [(u["username"], u["role"], u["cluster-coverage"]) for u in json.loads(listed)["data"]["users"]] == [
        ("admin", "admin", "full"), ("kmsuser", "crypto-user", "full"), ("app_user", "internal(APPLIANCE_USER)", "full")]
    assert [c.cluster_id for c in world.client.cli.clusters] == ["cluster-1a23b4cdefg"]
    assert doors.describe()["ConnectionState"] == "CONNECTED"
    # every KMS key's material is labelled with the KMS key's ARN, and its CKA_ID is the
    # backingKeyId CloudTrail shows
    from hsmshell.kms import backing_keys, keys

    keys_of_cluster = world.clusters["cluster-1a23b4cdefg"].keys
    for key in world.kms_keys.values():
        backing = keys_of_cluster[key.backing_key_handle]
        assert backing.label == keys.arn(world, key)
        assert backing.attributes[backing_keys.CKA_ID] == backing_keys.backing_key_id(
            world, "lineage-1a23b4cdefg", backing.handle)
    assert len(world.kms_keys) == 2
