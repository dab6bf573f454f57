"""SQL repositories of the jobs context (run inside the Unit of Work's transaction)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import insert_ignoring_conflict
from adapters.sqlalchemy.tables.jobs import job_runs, processed_messages
from domain.ids import new_id


@REPOSITORIES.register("processed_messages")
class SqlProcessedMessages(SqlRepository):
    async def contains(self, message_id: str) -> bool:
        stmt = sa.select(sa.literal(1)).where(processed_messages.c.message_id == message_id)
        return (await self._conn.execute(stmt)).first() is not None

    async def add(
        self, message_id: str, topic: str, now: datetime, error: str | None = None
    ) -> bool:
        return await insert_ignoring_conflict(
            self._conn,
            processed_messages,
            {
                "message_id": message_id,
                "topic": topic,
                "processed_at": now,
                "error": error,
            },
        )


@REPOSITORIES.register("job_runs")
class SqlJobRuns(SqlRepository):
    async def claim(self, job: str, slot: datetime, now: datetime, stale_before: datetime) -> bool:
        # The unique (job, slot) decides between racing schedulers: on PostgreSQL the loser's
        # INSERT waits for the winner's commit, then does nothing.
        if await insert_ignoring_conflict(
            self._conn,
            job_runs,
            {"id": new_id(), "job": job, "slot": slot, "started_at": now, "attempts": 1},
        ):
            return True
        # Taken before: only a run that started long ago and never finished may be taken over.
        result = await self._conn.execute(
            sa.update(job_runs)
            .where(
                job_runs.c.job == job,
                job_runs.c.slot == slot,
                job_runs.c.finished_at.is_(None),
                job_runs.c.started_at < stale_before,
            )
            .values(started_at=now, attempts=job_runs.c.attempts + 1)
        )
        return bool(result.rowcount == 1)

    async def finish(self, job: str, slot: datetime, now: datetime, error: str | None) -> None:
        await self._conn.execute(
            sa.update(job_runs)
            .where(job_runs.c.job == job, job_runs.c.slot == slot)
            .values(finished_at=now, error=error)
        )
