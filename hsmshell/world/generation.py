"""The era a world lives in.  The KMS runbook and the SDK 3 tools' documentation show the
Client SDK 3 era: hsm1.medium clusters, cloudhsm_mgmt_util and key_mgmt_util.  Today's AWS
(`current`) creates no hsm1.medium cluster (none since April 2025).  In both, KMS labels key
material with the KMS key's ARN: the SDK 3 era's own pages say so and show `findKey -l <ARN>`
(kms-spec §5.1, find-key-material.md of 2022), as the current ones do with `key list --filter
attr.label=<ARN>` (cloudhsm-cli-spec §9.2, whose remark that the older pages said "ID" the
stored pages do not bear out).  The CloudHSM CLI works in both; which tools reach a cluster
depends on its HSM type, not on the era (cloudhsm/nodes.sdk3_reaches)."""

from __future__ import annotations

from .model import World

SDK3 = "sdk3"
CURRENT = "current"
NAMES = (None, SDK3, CURRENT)  # None: left out of the world file, the SDK 3 era


def of(world: World) -> str:
    return world.generation or SDK3


def is_current(world: World) -> bool:
    return world.generation == CURRENT
