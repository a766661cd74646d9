"""The era a world lives in.  The KMS runbook and the SDK 3 tools' documentation show the
Client SDK 3 era: hsm1.medium clusters, cloudhsm_mgmt_util and key_mgmt_util, KMS labelling
key material with the KMS key's ID.  Today's AWS (`current`) creates no hsm1.medium cluster
(none since April 2025), and KMS labels key material with the KMS key's ARN (cloudhsm-cli-spec
§9.2).  The CloudHSM CLI works in both; which tools reach a cluster depends on its HSM type,
not on the era."""

from __future__ import annotations

from .model import World

SDK3 = "sdk3"
CURRENT = "current"
NAMES = (None, SDK3, CURRENT)  # None: left out of the world file, the SDK 3 era


def of(world: World) -> str:
    return world.generation or SDK3


def is_current(world: World) -> bool:
    return world.generation == CURRENT
