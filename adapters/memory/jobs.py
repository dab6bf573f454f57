"""In-memory repositories of the jobs context, kept in ``MemoryState.jobs``."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import JobRun, MemoryState, ProcessedMessage


@REPOSITORIES.register("processed_messages")
class MemoryProcessedMessages:
    def __init__(self, state: MemoryState):
        self._state = state

    async def contains(self, message_id: str) -> bool:
        return message_id in self._state.jobs.processed

    async def add(
        self, message_id: str, topic: str, now: datetime, error: str | None = None
    ) -> bool:
        rows = self._state.jobs.processed
        if message_id in rows:
            return False
        rows[message_id] = ProcessedMessage(topic, now, error)
        return True


@REPOSITORIES.register("job_runs")
class MemoryJobRuns:
    def __init__(self, state: MemoryState):
        self._state = state

    async def claim(self, job: str, slot: datetime, now: datetime, stale_before: datetime) -> bool:
        runs = self._state.jobs.runs
        run = runs.get((job, slot))
        if run is None:
            runs[(job, slot)] = JobRun(started_at=now, finished_at=None, attempts=1, error=None)
            return True
        if run.finished_at is None and run.started_at < stale_before:
            run.started_at = now
            run.attempts += 1
            return True
        return False

    async def finish(self, job: str, slot: datetime, now: datetime, error: str | None) -> None:
        run = self._state.jobs.runs.get((job, slot))
        if run is not None:
            run.finished_at = now
            run.error = error
