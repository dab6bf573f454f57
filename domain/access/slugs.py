"""Slugs: lower-case letters, digits and hyphens; a free alternative when one is taken."""

from __future__ import annotations

import re
from collections.abc import Callable

from domain.access.errors import InvalidSlug

SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
# Routes accept an id or a slug; a slug shaped like an id could shadow another scope's id.
ID_SHAPE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SUGGESTION_ATTEMPTS = 10


def validate_slug(slug: str, *, min_length: int, max_length: int) -> str:
    if not min_length <= len(slug) <= max_length:
        raise InvalidSlug(slug, f"must be {min_length}..{max_length} characters")
    if not SLUG_PATTERN.match(slug):
        raise InvalidSlug(slug, "only lower-case letters, digits and '-' are allowed")
    if ID_SHAPE.match(slug):
        raise InvalidSlug(slug, "must not look like an id")
    return slug


def suggest(value: str, is_taken: Callable[[str], bool], *, max_length: int) -> str | None:
    """The first of ``value-1`` .. ``value-10`` (trimmed to fit) that is not taken, else None."""
    for n in range(1, SUGGESTION_ATTEMPTS + 1):
        suffix = f"-{n}"
        candidate = value[: max_length - len(suffix)] + suffix
        if not is_taken(candidate):
            return candidate
    return None


def suggestion_candidates(value: str, *, max_length: int) -> list[str]:
    """All candidates ``suggest`` may return, so a repository can fetch the taken ones at once."""
    return [value[: max_length - len(f"-{n}")] + f"-{n}" for n in range(1, SUGGESTION_ATTEMPTS + 1)]
