"""GetKeyLastUsage: the last successful cryptographic operation with a key, read from the
CloudTrail events KMS keeps beside the world, so that recording it costs an Encrypt nothing."""

from __future__ import annotations

from ..cloudtrail.lookup import epoch_of
from ..world.clock import now
from ..world.model import KmsKey, World
from . import access
from .keys import arn

# The operations GetKeyLastUsage reports (the model's KeyLastUsage Operation enum, those a
# symmetric key can do).
CRYPTOGRAPHIC = ("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext")


def last_usage(world: World, key: KmsKey) -> tuple[dict | None, float]:
    """The newest successful cryptographic event with `key`, and when tracking started: GAP,
    the time of the oldest event CloudTrail still keeps here (`settings.trail_limit`), since
    nothing older can be known."""
    access.authorize(world, key, "GetKeyLastUsage")
    key_arn = arn(world, key)
    oldest = now(world)
    found = None
    for event in world.trail:
        oldest = min(oldest, epoch_of(event["eventTime"]))
        if (event["eventName"] in CRYPTOGRAPHIC and "errorCode" not in event
                and any(r.get("ARN") == key_arn for r in event.get("resources") or ())):
            found = event
    return found, oldest
