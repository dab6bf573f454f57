"""The transactional outbox: side effects recorded in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from application.bounded_text import bounded_key
from domain.ids import new_id


@dataclass(frozen=True)
class OutboxMessage:
    """An intent to run ``topic``'s handler with ``payload`` after commit (at least once)."""

    topic: str
    payload: Mapping[str, Any]
    # Same dedupe_key twice → stored once (e.g. ``welcome-email:<user id>``).
    dedupe_key: str | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        # Keys embed senders' ids (svix-id, Razorpay event ids) of any length: bounded here, once,
        # for every producer — short keys verbatim, long ones hashed, never two merged into one.
        if self.dedupe_key is not None:
            object.__setattr__(self, "dedupe_key", bounded_key(self.dedupe_key))


@dataclass(frozen=True)
class PendingMessage:
    id: str
    topic: str
    payload: Mapping[str, Any]
    created_at: datetime
    attempts: int


class Outbox(Protocol):
    async def add(self, message: OutboxMessage) -> None: ...

    async def claim_pending(self, limit: int, now: datetime) -> list[PendingMessage]:
        """Rows not yet dispatched, oldest first, locked against other relays until commit."""
        ...

    async def claim_unprocessed(
        self, dispatched_before: datetime, limit: int, max_attempts: int
    ) -> list[PendingMessage]:
        """Rows dispatched at or before ``dispatched_before`` with no processed-message record and
        fewer than ``max_attempts`` dispatches, oldest first, locked like ``claim_pending``."""
        ...

    async def mark_dispatched(self, ids: list[str], now: datetime) -> None: ...

    async def oldest_pending_at(self) -> datetime | None: ...
