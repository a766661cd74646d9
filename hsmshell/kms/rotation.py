"""Rotation of the key material of KMS keys whose material KMS keeps (origin AWS_KMS):
EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, ListKeyRotations,
RotateKeyOnDemand.  Keys in a CloudHSM key store cannot be rotated (refusals.py).

A rotation adds new material and keeps the old, so ciphertext made before it still decrypts;
automatic rotation is a due transition at the end of each rotation period, on the world's clock.
"""

from __future__ import annotations

from ..errors.kms import DisabledException, LimitExceededException
from ..world import due, ids
from ..world.clock import now
from ..world.model import KmsKey, Rotation, World
from . import access, refusals
from .keys import DAY, arn, pending_deletion

ROTATE_KEY = "kms.rotate_key"
DEFAULT_PERIOD_DAYS = 365
MAX_ON_DEMAND = 25  # on-demand rotations in a key's life


def enable(world: World, key: KmsKey, period_days: int | None) -> None:
    _usable(world, key, "EnableKeyRotation")
    period = DEFAULT_PERIOD_DAYS if period_days is None else period_days
    if key.rotation_period_days is not None:
        due.cancel(world, ROTATE_KEY, key_id=key.key_id)
    key.rotation_period_days = period
    due.schedule(world, period * DAY, ROTATE_KEY, key_id=key.key_id)


def disable(world: World, key: KmsKey) -> None:
    _usable(world, key, "DisableKeyRotation")
    if key.rotation_period_days is not None:
        due.cancel(world, ROTATE_KEY, key_id=key.key_id)
    key.rotation_period_days = None


def status(world: World, key: KmsKey) -> tuple[bool, int | None, float | None]:
    """Enabled, the period, and when the next automatic rotation is due."""
    _rotatable(world, key, "GetKeyRotationStatus")
    access.authorize(world, key, "GetKeyRotationStatus")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    if key.rotation_period_days is None:
        return False, None, None
    at = next((d.at for d in world.due if d.kind == ROTATE_KEY and d.args.get("key_id") == key.key_id), None)
    return True, key.rotation_period_days, at


def listed(world: World, key: KmsKey) -> list[Rotation]:
    _rotatable(world, key, "ListKeyRotations")
    access.authorize(world, key, "ListKeyRotations")
    return list(key.rotations)


def rotate_on_demand(world: World, key: KmsKey) -> None:
    _usable(world, key, "RotateKeyOnDemand")
    if sum(r["rotation_type"] == "ON_DEMAND" for r in key.rotations) >= MAX_ON_DEMAND:
        raise LimitExceededException(f"{arn(world, key)} has reached the limit of {MAX_ON_DEMAND} on-demand "
                                     f"rotations.")
    _rotate(world, key, "ON_DEMAND")


def settle_rotation(world: World, args: dict) -> None:
    """A rotation period ended: new material, and the next period starts (a disabled or
    pending-deletion key is rotated once it is usable again: GAP, here at the next period)."""
    key = world.kms_keys.get(args["key_id"])
    if key is None or key.rotation_period_days is None:
        return
    if key.enabled and key.deletion_date is None:
        _rotate(world, key, "AUTOMATIC")
    due.schedule(world, key.rotation_period_days * DAY, ROTATE_KEY, key_id=key.key_id)


def _rotate(world: World, key: KmsKey, kind: str) -> None:
    key.materials.append(world.sealer.seal(ids.draw(world, 32)))
    key.rotations.append(Rotation(rotation_date=now(world), rotation_type=kind))


def _usable(world: World, key: KmsKey, action: str) -> None:
    _rotatable(world, key, action)
    access.authorize(world, key, action)
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    if not key.enabled:
        raise DisabledException(f"{arn(world, key)} is disabled.")


def _rotatable(world: World, key: KmsKey, action: str) -> None:
    """Only material KMS keeps can be rotated: a key in a CloudHSM key store is refused."""
    if key.origin != "AWS_KMS":
        refusals.refuse(world, key, action)


DUE_TRANSITIONS = {ROTATE_KEY: due.Transition(settle_rotation, ("key_id",))}
