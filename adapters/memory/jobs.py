"""In-memory repositories of the jobs context, kept in ``MemoryState.extra``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryState


class MemoryProcessedMessages:
    def __init__(self, state: MemoryState):
        self._rows: dict[str, dict[str, Any]] = state.extra.setdefault("processed_messages", {})

    async def contains(self, message_id: str) -> bool:
        return message_id in self._rows

    async def add(
        self, message_id: str, topic: str, now: datetime, error: str | None = None
    ) -> bool:
        if message_id in self._rows:
            return False
        self._rows[message_id] = {"topic": topic, "processed_at": now, "error": error}
        return True


class MemoryJobRuns:
    def __init__(self, state: MemoryState):
        self._rows: dict[tuple[str, datetime], dict[str, Any]] = state.extra.setdefault(
            "job_runs", {}
        )

    async def claim(self, job: str, slot: datetime, now: datetime, stale_before: datetime) -> bool:
        row = self._rows.get((job, slot))
        if row is None:
            self._rows[(job, slot)] = {
                "started_at": now,
                "finished_at": None,
                "attempts": 1,
                "error": None,
            }
            return True
        if row["finished_at"] is None and row["started_at"] < stale_before:
            row.update(started_at=now, attempts=row["attempts"] + 1)
            return True
        return False

    async def finish(self, job: str, slot: datetime, now: datetime, error: str | None) -> None:
        row = self._rows.get((job, slot))
        if row is not None:
            row.update(finished_at=now, error=error)
