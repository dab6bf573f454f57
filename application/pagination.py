"""Keyset pagination: opaque cursors over (sort key, id) — the one codec of every list route.

A cursor is ``base64url(JSON [sort key, id])``. It is opaque to clients but comes back from them,
so ``decode_cursor`` accepts only what ``encode_cursor`` can produce — a sort key that is empty,
a 64-bit integer or a timezone-aware ISO 8601 time (normalised to UTC), and an id of storable
text — and refuses anything else with ``ValidationFailed`` (400), before any query runs.
Repositories read the key through ``PageRequest.after_time``/``after_seq``/``after_id``, which
refuse a cursor of the wrong kind (another list's cursor) the same way; none parses it itself.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from domain.bounded_text import MAX_KEY_LENGTH, is_storable
from domain.errors import ValidationFailed

T = TypeVar("T")
K = TypeVar("K", datetime, int)  # the sort key a list is ordered by
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_CURSOR_LENGTH = 500  # the query parameter's bound (PageQuery)
_INT64 = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")
# Only the extended format encode_cursor writes (datetime.isoformat), with a UTC offset or Z.
_AWARE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)

SortKey = datetime | int | str  # str: "" for lists ordered by id alone


def _invalid() -> ValidationFailed:
    return ValidationFailed("Invalid cursor", details=[{"field": "cursor", "message": "invalid"}])


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    # (sort key, id) of the last item already seen, as decode_cursor validated and normalised it
    after: tuple[str, str] | None = None

    def after_id(self) -> str | None:
        return self.after[1] if self.after else None

    def after_time(self) -> tuple[datetime, str] | None:
        """The cursor of a list ordered by time; another kind of cursor is a 400."""
        return self._after(datetime)

    def after_seq(self) -> tuple[int, str] | None:
        """The cursor of a list ordered by a sequence number; another kind is a 400."""
        return self._after(int)

    def _after(self, kind: type[K]) -> tuple[K, str] | None:
        if self.after is None:
            return None
        key = _sort_key(self.after[0])
        if not isinstance(key, kind):
            raise _invalid()
        return key, self.after[1]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _key_text(sort_key: SortKey) -> str:
    if isinstance(sort_key, datetime):
        if sort_key.tzinfo is None:
            raise ValueError("cursor times must be timezone-aware")
        return sort_key.astimezone(UTC).isoformat()
    if isinstance(sort_key, int):
        if not -_INT64 - 1 <= sort_key <= _INT64:
            raise ValueError("cursor numbers must fit 64 bits")
        return str(sort_key)
    if sort_key:
        raise ValueError("a text sort key must be empty (lists ordered by id alone)")
    return sort_key


def _sort_key(text: str) -> SortKey:
    """The typed sort key ``text`` spells, or ``ValidationFailed``."""
    if text == "":
        return text
    if _INTEGER.fullmatch(text):
        number = int(text)
        if -_INT64 - 1 <= number <= _INT64:
            return number
        raise _invalid()
    if _AWARE_TIME.fullmatch(text):
        try:
            return datetime.fromisoformat(text).astimezone(UTC)
        except (ValueError, OverflowError):
            pass
    raise _invalid()


def encode_cursor(sort_key: SortKey, item_id: str) -> str:
    raw = json.dumps([_key_text(sort_key), item_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (sort key, id) a cursor carries, the key normalised; ``ValidationFailed`` otherwise."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _invalid()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        raise _invalid() from None
    if not (
        isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)
    ):
        raise _invalid()
    key, item_id = value
    if not (0 < len(item_id) <= MAX_KEY_LENGTH and is_storable(item_id)):
        raise _invalid()
    if key == item_id:
        key = ""  # cursors of id-ordered lists issued before the key was left empty
    return _key_text(_sort_key(key)), item_id


def page_request(limit: int | None, cursor: str | None) -> PageRequest:
    return PageRequest(
        limit=limit or DEFAULT_LIMIT, after=decode_cursor(cursor) if cursor else None
    )
