"""Rotation of a standard key's material (kms/rotation.py): the default period, the on-demand
quota, the period each key's status reports, and automatic rotation only of an enabled key."""

from __future__ import annotations

from hsmshell.cli import main as hsmshell

DAY = 86400


def new_key(api) -> str:
    return api.kms.CreateKey(Description="standard")["KeyMetadata"]["KeyId"]


def rotation_types(api, key: str) -> list[str]:
    return [r["RotationType"] for r in api.kms.ListKeyRotations(KeyId=key)["Rotations"]]


def test_rotation_is_yearly_unless_a_period_is_given(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key)
    status = api.kms.GetKeyRotationStatus(KeyId=key)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 365)


def test_a_key_rotates_on_demand_twenty_five_times_and_automatic_rotations_do_not_count(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    for _ in range(25):
        api.kms.RotateKeyOnDemand(KeyId=key)
    error = api.error("kms", "RotateKeyOnDemand", KeyId=key)
    arn = api.kms.DescribeKey(KeyId=key)["KeyMetadata"]["Arn"]
    assert (error.code, error.message) == ("LimitExceededException",
                                           f"{arn} has reached the limit of 25 on-demand rotations.")
    assert rotation_types(api, key) == ["AUTOMATIC"] + ["ON_DEMAND"] * 25


def test_each_key_s_status_reports_its_own_next_rotation(api):
    lo, hi = sorted(new_key(api) for _ in range(2))

    def apart() -> float:
        return (api.kms.GetKeyRotationStatus(KeyId=hi)["NextRotationDate"]
                - api.kms.GetKeyRotationStatus(KeyId=lo)["NextRotationDate"])

    api.kms.EnableKeyRotation(KeyId=lo, RotationPeriodInDays=90)
    api.kms.EnableKeyRotation(KeyId=hi, RotationPeriodInDays=180)
    assert abs(apart() - 90 * DAY) < 300
    # Enabled again, the lower key's next rotation is scheduled after the higher key's.
    api.kms.DisableKeyRotation(KeyId=lo)
    api.kms.EnableKeyRotation(KeyId=lo, RotationPeriodInDays=90)
    assert abs(apart() - 90 * DAY) < 300


def test_rotation_disabled_and_enabled_again_rotates_once_a_period(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    api.kms.DisableKeyRotation(KeyId=key)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert rotation_types(api, key) == ["AUTOMATIC"]


def test_a_disabled_key_is_not_rotated_until_it_is_enabled_again(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    api.kms.DisableKey(KeyId=key)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert rotation_types(api, key) == []
    api.kms.EnableKey(KeyId=key)
    assert hsmshell(["clock", "advance", "90d"]) == 0
    assert rotation_types(api, key) == ["AUTOMATIC"]


def test_a_new_period_replaces_the_schedule_of_the_old(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=180)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert rotation_types(api, key) == []
    assert api.kms.GetKeyRotationStatus(KeyId=key)["RotationPeriodInDays"] == 180


def test_the_rotation_due_of_a_key_deleted_since_changes_nothing(api):
    key = new_key(api)
    api.kms.EnableKeyRotation(KeyId=key, RotationPeriodInDays=90)
    api.kms.ScheduleKeyDeletion(KeyId=key, PendingWindowInDays=7)
    assert hsmshell(["clock", "advance", "91d"]) == 0
    assert api.error("kms", "DescribeKey", KeyId=key).code == "NotFoundException"


def test_a_key_written_with_more_on_demand_rotations_than_the_quota_is_refused_another(api, store):
    key = new_key(api)
    with store.transaction() as world:
        world.kms_keys[key].rotations = [{"rotation_date": 0.0, "rotation_type": "ON_DEMAND"} for _ in range(26)]
    assert api.error("kms", "RotateKeyOnDemand", KeyId=key).code == "LimitExceededException"
