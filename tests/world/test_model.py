"""What a world file may leave out, and what a world is equal to (world/model.py).

A world written by hand, a lab's seed or an older hsmshell leaves fields out; each reads as the
default the real service or tool starts from, which is what a practice run must then behave
like.  Where the default is AWS's, the comment says where the reference gives it."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world import codec, model
from hsmshell.world.store import WorldError


def decoded(cls: type, **required):
    return codec.decode(cls, required, hash_password=lambda clear: clear)


def read(tmp_path, text: str) -> model.World:
    path = tmp_path / "world.yaml"
    path.write_text('client: {cluster_id: ""}\n' + text)
    return open_store(path).read()


def test_a_world_that_leaves_out_its_settings_has_the_services_defaults(tmp_path):
    world = read(tmp_path, "")
    # cloudhsm-shells-spec.md, Lockout: "If you exceed five incorrect login attempts, your account
    # is locked out"; changes take effect at once; policies are not enforced unless asked.
    assert (world.settings.lockout_threshold, world.settings.connect_delay, world.settings.disconnect_delay,
            world.settings.control_plane_delay, world.settings.enforce_key_policies) == (5, 0.0, 0.0, 0.0, False)
    # kms-spec: CloudTrail's event history here keeps the newest thousand; scrypt's n is 2**14.
    assert (world.settings.trail_limit, world.settings.password_cost) == (1000, 14)
    # kms-spec §6 (UG limits.md): 6 HSMs per account and Region by default.
    assert world.settings.hsms_per_region == 6
    assert (world.clock.offset, world.clock.frozen_at, world.ids.counter, world.revision) == (0.0, None, 0, 0)


def test_a_key_left_at_its_defaults_is_a_token_key_anyone_may_extract_without_a_quorum():
    # cloudhsm-shells-spec.md, genSymKey: -sess absent, a token key; -nex absent, extractable;
    # -m_value absent, no quorum on the key.
    key = decoded(model.Key, handle=7, owner=3, key_class=4, key_type=31, size=32)
    assert (key.token, key.extractable, key.m_value, key.label, key.hsms, key.shared_with) == (True, True, 0, "", [], [])


def test_a_user_left_at_its_defaults_has_no_failed_logins_and_no_keys_of_its_own():
    user = decoded(model.User, user_id=3, user_type="CU", name="bob", password_hash="x")
    assert (user.failed_logins, user.locked, user.mofn_pub_key, user.two_factor) == (0, False, False, False)


def test_an_hsm_counts_users_from_zero_and_tokens_from_one():
    hsm = decoded(model.Hsm, hsm_id="hsm-1", availability_zone="us-east-2a", subnet_id="subnet-1", eni_id="eni-1",
                  eni_ip="10.0.0.1")
    assert (hsm.next_user_id, hsm.next_token_id, hsm.state, hsm.reachable) == (0, 1, "ACTIVE", True)
    token = decoded(model.QuorumToken, token_id=1, service=3, node=1, user="admin", session_id="s", issued=0.0,
                    nonce="n")
    assert (token.key_handle, token.approvers) == (0, [])


def test_a_cluster_and_a_backup_left_at_their_defaults_give_handles_from_262145():
    # cloudhsm-shells-spec.md: the first key of a cluster is handle 262145 (0x40001); CloudHSM
    # keeps backups 90 days unless told otherwise, and a backup expires unless told it never does.
    cluster = decoded(model.Cluster, cluster_id="cluster-1", state="ACTIVE", hsm_type="hsm1.medium", vpc_id="vpc-1",
                      subnets={}, security_group="sg-1", lineage="l")
    assert (cluster.next_handle, cluster.backup_retention_days, cluster.create_timestamp) == (262145, 90, 0.0)
    backup = decoded(model.Backup, backup_id="backup-1", cluster_id="cluster-1", create_timestamp=0.0, lineage="l")
    assert (backup.next_handle, backup.never_expires, backup.state) == (262145, False, "READY")


def test_a_trail_left_at_its_defaults_is_cloudtrail_s_createtrail_defaults():
    # kms-spec.md, CreateTrail: IsMultiRegionTrail false, IncludeGlobalServiceEvents true,
    # EnableLogFileValidation false, and a trail logs only once StartLogging is called.
    trail = decoded(model.TrailConfiguration, name="t", s3_bucket_name="b", created=0.0)
    assert (trail.is_multi_region_trail, trail.include_global_service_events, trail.log_file_validation_enabled,
            trail.is_logging) == (False, True, False, False)


@pytest.mark.parametrize("seconds, taken", [(model.SECONDS_LIMIT, True), (model.SECONDS_LIMIT + 1, False),
                                            (-model.SECONDS_LIMIT - 1, False)])
def test_a_time_may_go_to_the_year_3000_and_no_further(tmp_path, seconds, taken):
    if taken:
        assert read(tmp_path, f"clock: {{frozen_at: {seconds!r}}}\n").clock.frozen_at == seconds
    else:
        with pytest.raises(WorldError, match="between -32503680000 and 32503680000"):
            read(tmp_path, f"clock: {{frozen_at: {seconds!r}}}\n")


@pytest.mark.parametrize("text, named", [("colour: blue\n", "colour"),
                                         ("settings: {lockout_treshold: 3}\n", "lockout_treshold")])
def test_a_field_the_world_does_not_have_is_refused_by_name(tmp_path, text, named):
    """A misspelt field would otherwise be dropped, and its value with it, at the next write."""
    with pytest.raises(WorldError, match=named):
        read(tmp_path, text)


def test_two_worlds_are_equal_when_every_field_is(tmp_path, world_path):
    one, two = open_store(world_path).read(), open_store(world_path).read()
    assert one is not two and one == two and not one != two
    two.settings.lockout_threshold += 1
    assert one != two and not one == two
    assert (one == "a world") is False and one != "a world"


@pytest.mark.parametrize("part", ["world", "settings"])
def test_a_derived_cache_holding_a_field_the_model_does_not_have_is_refused(world_path, part):
    """The cache is decoded into the model's own types: a field it does not declare (a crafted
    cache, or one from another version of the model) is an error, not a value silently lost."""
    import msgspec

    from hsmshell.world import cache

    world = open_store(world_path).read()
    data = msgspec.msgpack.decode(cache.pack(world))
    (data if part == "world" else data["settings"])["colour"] = "blue"
    with pytest.raises(ValueError, match="colour"):
        cache.unpack(msgspec.msgpack.encode(data), world.revision)
    assert cache.unpack(cache.pack(world), world.revision) == world
