"""Unique names and slugs: refuse a taken one with a free suggestion (409 ``CONFLICT``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.access.errors import NameTaken
from domain.access.slugs import suggest, suggestion_candidates

TakenLookup = Callable[[list[str]], Awaitable[set[str]]]


async def ensure_free(field: str, value: str, taken: TakenLookup, *, max_length: int) -> None:
    """Raise ``NameTaken`` with the first free ``value-N`` when ``value`` is already used."""
    if value not in await taken([value]):
        return
    candidates = suggestion_candidates(value, max_length=max_length)
    used = await taken(candidates)
    raise NameTaken(field, value, suggest(value, used.__contains__, max_length=max_length))
