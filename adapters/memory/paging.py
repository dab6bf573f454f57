"""Keyset pages over in-memory rows, with the same cursors as the SQL repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from application.pagination import Page, PageRequest, encode_cursor

T = TypeVar("T")


def newest_first(
    items: list[T], page: PageRequest, key: Callable[[T], tuple[datetime | str, str]]
) -> Page[T]:
    """``items`` already sorted by ``key`` descending: (a time or "" for id-only lists, an id).
    The cursor is the last item's key, read back through the same codec as the SQL lists."""
    if page.after is not None:
        if items and isinstance(key(items[0])[0], datetime):
            after: tuple[datetime | str, str] | None = page.after_time()
        else:
            after = ("", page.after[1])
        items = [i for i in items if _before(key(i), after)]
    chunk = items[: page.limit]
    cursor = encode_cursor(*key(chunk[-1])) if len(items) > page.limit else None
    return Page(chunk, cursor)


def _before(item: tuple[datetime | str, str], after: tuple[datetime | str, str] | None) -> bool:
    return after is None or item < after  # same kinds: the caller picked them


def by_id(items: list[T], page: PageRequest, key: Callable[[T], str]) -> Page[T]:
    """Ascending by an id; the cursor carries that id."""
    items = sorted(items, key=key)
    if page.after is not None:
        items = [i for i in items if key(i) > page.after[1]]
    more = len(items) > page.limit
    items = items[: page.limit]
    return Page(items, encode_cursor("", key(items[-1])) if more else None)
