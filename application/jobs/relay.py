"""The outbox relay: publishes committed outbox rows to the job queue, at least once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta

from application.jobs.ports import JobPublisher
from application.jobs.unit_of_work import JobsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory

#: Rows claimed per transaction.
RELAY_BATCH_SIZE = 100
#: Pause between polls when the outbox is empty (seconds).
RELAY_IDLE_SECONDS = 0.5
#: A dispatched message with no processed record after this long is published again. It outlasts
#: the actor's own retry schedule (adapters/dramatiq/actors.py, ~1.6 h) so chains don't overlap.
REDELIVER_AFTER = timedelta(hours=2)
#: How many times one row is published in all before the relay leaves it to an operator.
MAX_DISPATCHES = 3

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class OutboxRelay:
    """Claims unsent rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so relays can run side by
    side), publishes them, marks them dispatched, commits. A crash after publishing and before
    the commit publishes them again: handlers are idempotent per outbox id."""

    uow: UnitOfWorkFactory[JobsUnitOfWork]
    publisher: JobPublisher
    clock: Clock
    _: KW_ONLY
    batch_size: int = RELAY_BATCH_SIZE
    redeliver_after: timedelta = REDELIVER_AFTER
    max_dispatches: int = MAX_DISPATCHES

    async def relay_once(self, *, redeliver_after: timedelta | None = None) -> int:
        """Publish one batch; returns how many messages were published."""
        wait = self.redeliver_after if redeliver_after is None else redeliver_after
        async with self.uow() as uow:
            now = self.clock.now()
            messages = await uow.outbox.claim_pending(self.batch_size, now)
            room = self.batch_size - len(messages)
            if room > 0:
                messages += await uow.outbox.claim_unprocessed(
                    now - wait, room, self.max_dispatches
                )
            if not messages:
                return 0
            await self.publisher.publish(messages)
            await uow.outbox.mark_dispatched([m.id for m in messages], now)
            await uow.commit()
        return len(messages)

    async def recover(self) -> int:
        """Publish again every dispatched-but-unprocessed row, however recent.

        For the in-memory broker at start-up: whatever it held died with the previous process.
        """
        total = 0
        while (published := await self.relay_once(redeliver_after=timedelta(0))) > 0:
            total += published
            if published < self.batch_size:
                break
        return total

    async def run(self, stop: asyncio.Event, *, idle_seconds: float = RELAY_IDLE_SECONDS) -> None:
        """Relay until ``stop`` is set; errors are logged and retried after a pause."""
        while not stop.is_set():
            try:
                published = await self.relay_once()
            except Exception:
                log.exception("outbox relay failed; retrying")
                published = 0
            if published < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)
