"""Tags on KMS keys: TagResource, UntagResource, ListResourceTags, and CreateKey's Tags.
A PendingDeletion key cannot be tagged or untagged; its tags can still be listed (the key
state table of the KMS Developer Guide)."""

from __future__ import annotations

from ..errors.kms import LimitExceededException, TagException
from ..world.model import KmsKey, World
from . import access
from .keys import pending_deletion

MAX_TAGS = 50  # tags per KMS key


def checked(tags: list[tuple[str, str]]) -> dict[str, str]:
    """The tags of a request, as KMS accepts them."""
    for tag_key, _ in tags:
        if tag_key.startswith("aws:"):
            # GAP: the wording is not documented; the prefix is reserved for AWS's own tags.
            raise TagException(f"Tag keys beginning with aws: are reserved for AWS use: {tag_key}")
    return dict(tags)


def tag(world: World, key: KmsKey, tags: list[tuple[str, str]]) -> None:
    access.authorize(world, key, "TagResource")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    merged = {**key.tags, **checked(tags)}
    if len(merged) > MAX_TAGS:
        raise LimitExceededException(f"A KMS key can have at most {MAX_TAGS} tags.")
    key.tags = merged


def untag(world: World, key: KmsKey, tag_keys: list[str]) -> None:
    access.authorize(world, key, "UntagResource")
    if key.deletion_date is not None:
        raise pending_deletion(world, key)
    key.tags = {k: v for k, v in key.tags.items() if k not in tag_keys}


def listed(world: World, key: KmsKey) -> list[tuple[str, str]]:
    access.authorize(world, key, "ListResourceTags")
    return list(key.tags.items())
