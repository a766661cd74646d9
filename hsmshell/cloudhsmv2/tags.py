"""Tags on CloudHSM clusters and backups (TagResource, UntagResource, ListTags, and the TagList
of CreateCluster).  GAP: the messages are not documented; ours say what is wrong."""

from __future__ import annotations

from ..errors.cloudhsmv2 import CloudHsmResourceLimitExceededException, CloudHsmTagException
from ..world.model import Backup, Cluster, World
from .errors import not_found

MAX_TAGS = 50  # per resource


def resource(world: World, resource_id: str) -> Cluster | Backup:
    """The cluster or backup a ResourceId names."""
    found = world.clusters.get(resource_id) or world.backups.get(resource_id)
    if found is None:
        raise not_found(f"No cluster or backup with the id {resource_id} exists in this account and Region.")
    return found


def checked(tags: list[tuple[str, str]]) -> dict[str, str]:
    for key, _ in tags:
        if key.lower().startswith("aws:"):
            raise CloudHsmTagException(f"The tag key {key} is reserved: keys beginning with aws: are for AWS use.")
    return dict(tags)


def tag(world: World, resource_id: str, tags: list[tuple[str, str]]) -> None:
    target = resource(world, resource_id)
    merged = {**target.tags, **checked(tags)}
    if len(merged) > MAX_TAGS:
        raise CloudHsmResourceLimitExceededException(f"A resource can have at most {MAX_TAGS} tags.")
    target.tags = merged


def untag(world: World, resource_id: str, keys: list[str]) -> None:
    target = resource(world, resource_id)
    target.tags = {k: v for k, v in target.tags.items() if k not in keys}


def listed(world: World, resource_id: str) -> list[tuple[str, str]]:
    return list(resource(world, resource_id).tags.items())
