"""Outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, ClockedSqlRepository
from adapters.sqlalchemy.statements import for_update, insert_ignoring_conflict
from adapters.sqlalchemy.tables.jobs import processed_messages
from adapters.sqlalchemy.tables.outbox import outbox
from adapters.tracing.context import current_traceparent
from application.ports.outbox import PendingMessage
from application.ports.outbox_commands import OutboxCommand
from domain.ids import new_id


def outbox_row(command: OutboxCommand, message_id: str, now: datetime) -> dict[str, Any]:
    """The ``outbox`` row of ``command`` (also written by the ledger's one-statement path)."""
    return {
        "id": message_id,
        "topic": command.TOPIC,
        "payload": command.to_payload(),
        "dedupe_key": command.dedupe_key,
        "created_at": now,
        "attempts": 0,
        "traceparent": current_traceparent(),  # the request's trace, continued by the job
    }


@REPOSITORIES.register("outbox", clocked=True)
class SqlOutbox(ClockedSqlRepository):
    async def add(self, command: OutboxCommand) -> str | None:
        # A dedupe_key seen before means the side effect is already recorded: keep the first.
        message_id = new_id()
        stored = await insert_ignoring_conflict(
            self._conn, outbox, outbox_row(command, message_id, self._now())
        )
        return message_id if stored else None

    async def claim_pending(self, limit: int, now: datetime) -> list[PendingMessage]:
        stmt = (
            sa.select(outbox)
            .where(outbox.c.dispatched_at.is_(None))
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        return await self._claim(stmt)

    async def claim_unprocessed(
        self, dispatched_before: datetime, limit: int, max_attempts: int
    ) -> list[PendingMessage]:
        done = sa.select(processed_messages.c.message_id).where(
            processed_messages.c.message_id == outbox.c.id
        )
        stmt = (
            sa.select(outbox)
            .where(
                outbox.c.dispatched_at <= dispatched_before,
                outbox.c.attempts < max_attempts,
                ~done.exists(),
            )
            .order_by(outbox.c.dispatched_at, outbox.c.id)
            .limit(limit)
        )
        return await self._claim(stmt)

    async def _claim(self, stmt: sa.Select[Any]) -> list[PendingMessage]:
        """Lock the selected rows (skipping locked ones) and count this attempt on them."""
        rows = (await self._conn.execute(for_update(stmt, self._conn, skip_locked=True))).all()
        if rows:
            await self._conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_([r.id for r in rows]))
                .values(attempts=outbox.c.attempts + 1)
            )
        return [
            PendingMessage(r.id, r.topic, r.payload, r.created_at, r.attempts + 1, r.traceparent)
            for r in rows
        ]

    async def mark_dispatched(self, ids: list[str], now: datetime) -> None:
        if ids:
            await self._conn.execute(
                sa.update(outbox).where(outbox.c.id.in_(ids)).values(dispatched_at=now)
            )

    async def oldest_pending_at(self) -> datetime | None:
        stmt = sa.select(sa.func.min(outbox.c.created_at)).where(outbox.c.dispatched_at.is_(None))
        value: datetime | None = (await self._conn.execute(stmt)).scalar_one_or_none()
        return value
