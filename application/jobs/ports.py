"""Ports of the jobs context: handlers, the processed-message record, job runs, the publisher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from application.ports.outbox import PendingMessage

OutboxHandler = Callable[[str, Mapping[str, Any]], Awaitable[None]]
"""Runs one outbox message: ``(message_id, payload)``.

Delivery is at least once, so a handler must have no second effect when the same message id comes
again: use the id as a natural key (a notification's id) or as the provider's idempotency key (an
e-mail). The dispatcher's processed-message record makes the common redelivery a no-op, but a crash
between the handler's commit and that record can still repeat a handler.
"""


class ProcessedMessages(Protocol):
    """Which outbox messages have run to completion (keyed by the outbox id)."""

    async def contains(self, message_id: str) -> bool: ...

    async def add(
        self, message_id: str, topic: str, now: datetime, error: str | None = None
    ) -> bool:
        """Record the message as done (or failed for good, with ``error``); False if it was."""
        ...


class JobRuns(Protocol):
    """One row per (job, time slot): what makes a periodic job run once per slot."""

    async def claim(self, job: str, slot: datetime, now: datetime, stale_before: datetime) -> bool:
        """Take the slot: True for the one caller that may run it.

        A slot whose run started before ``stale_before`` and never finished (its process died)
        can be taken again.
        """
        ...

    async def finish(self, job: str, slot: datetime, now: datetime, error: str | None) -> None: ...


class JobPublisher(Protocol):
    """Hands outbox messages to the job queue (Dramatiq)."""

    async def publish(self, messages: Sequence[PendingMessage]) -> None: ...
