"""The transactional outbox: side effects recorded in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from application.ports.outbox_commands import OutboxCommand


@dataclass(frozen=True)
class PendingMessage:
    """A stored command on its way to the worker: its topic and wire payload, as written."""

    id: str
    topic: str
    payload: Mapping[str, Any]
    created_at: datetime
    attempts: int
    #: W3C traceparent of the span that stored it (None when tracing is off), so the job
    #: continues the request's trace (ADR 0093).
    traceparent: str | None = None


class Outbox(Protocol):
    async def add(self, command: OutboxCommand) -> str | None:
        """Record ``command`` to run after commit (at least once); the new message's id, or None
        when its ``dedupe_key`` is already stored (the first one is kept)."""
        ...

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


@dataclass(frozen=True)
class CommittedMessage:
    """A command a transaction added to the outbox, under its message id, once it committed."""

    id: str
    command: OutboxCommand


class AfterCommit(Protocol):
    """Told, right after a unit of work committed, the outbox messages that commit stored.

    For side effects that are worth starting at once (realtime events): best effort, it must not
    block or raise; the relay still delivers every message, so a handler run here and again by
    the relay must be idempotent per message id.
    """

    def __call__(self, messages: Sequence[CommittedMessage]) -> None: ...
