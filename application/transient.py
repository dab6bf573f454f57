"""Transient storage conflicts (deadlock, serialization failure, a lost key race) and their retry.

Adapters raise ``TransientConflict`` for conditions that a fresh attempt resolves; use cases retry
the whole unit of work a few times. A transient conflict is never reported as a business answer
(e.g. never as "insufficient credits").
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import ClassVar, TypeVar

from domain.errors import Unavailable

T = TypeVar("T")

MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 0.002


class TransientConflict(Exception):
    """The storage refused this attempt for a reason another attempt will not meet."""


class StorageBusy(Unavailable):
    """Every attempt met a transient conflict; the client may retry."""


class StorageUnavailable(Unavailable):
    """The database could not be reached, dropped the connection, or cancelled a statement that
    outran ``DB_STATEMENT_TIMEOUT_MS``. Storage adapters raise it at their boundary (never a
    route); what was in flight was rolled back, so the client may retry with the same
    idempotency key. Jobs retry it with backoff (``application/jobs/dispatch.py``)."""

    retry_after_seconds: ClassVar[int] = 2  # a restart or fail-over takes seconds, not minutes

    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


async def retry_transient(attempt: Callable[[], Awaitable[T]], attempts: int = MAX_ATTEMPTS) -> T:
    """Run ``attempt`` until it does not raise TransientConflict (jittered backoff)."""
    for n in range(attempts):
        try:
            return await attempt()
        except TransientConflict:
            pause = random.uniform(0, BASE_DELAY_SECONDS * 2**n)  # noqa: S311 (jitter)
            await asyncio.sleep(pause)
    raise StorageBusy("The service is busy; retry the request")
