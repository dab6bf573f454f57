"""Keyset pagination: opaque cursors over (sort key, id)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: tuple[str, str] | None = None  # (sort key, id) of the last item already seen


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(sort_key: str, item_id: str) -> str:
    raw = json.dumps([sort_key, item_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(part, str) for part in value)
        ):
            return value[0], value[1]
    except ValueError:
        pass
    raise ValidationFailed("Invalid cursor", details=[{"field": "cursor", "message": "invalid"}])


def page_request(limit: int | None, cursor: str | None) -> PageRequest:
    return PageRequest(
        limit=limit or DEFAULT_LIMIT, after=decode_cursor(cursor) if cursor else None
    )
