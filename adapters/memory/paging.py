"""Keyset pages over in-memory rows, with the same cursors as the SQL repositories."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from application.pagination import Page, PageRequest, encode_cursor

T = TypeVar("T")


def newest_first(items: list[T], page: PageRequest, key: Callable[[T], tuple[str, str]]) -> Page[T]:
    """``items`` already sorted by ``key`` descending; the cursor is the last item's key."""
    if page.after:
        items = [i for i in items if key(i) < page.after]
    chunk = items[: page.limit]
    cursor = encode_cursor(*key(chunk[-1])) if len(items) > page.limit else None
    return Page(chunk, cursor)


def by_id(items: list[T], page: PageRequest, key: Callable[[T], str]) -> Page[T]:
    """Ascending by an id; the cursor carries that id."""
    items = sorted(items, key=key)
    if page.after is not None:
        items = [i for i in items if key(i) > page.after[1]]
    more = len(items) > page.limit
    items = items[: page.limit]
    return Page(items, encode_cursor(key(items[-1]), key(items[-1])) if more else None)
