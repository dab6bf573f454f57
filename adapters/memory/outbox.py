"""Outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import MemoryState
from application.ports.outbox import PendingMessage
from application.ports.outbox_commands import OutboxCommand
from domain.ids import new_id


@REPOSITORIES.register("outbox", clocked=True)
class MemoryOutbox:
    def __init__(self, state: MemoryState, now: Any):
        self._s = state
        self._now = now

    async def add(self, command: OutboxCommand) -> str | None:
        if command.dedupe_key and any(
            r["dedupe_key"] == command.dedupe_key for r in self._s.outbox.values()
        ):
            return None
        message_id = new_id()
        self._s.outbox[message_id] = {
            "id": message_id,
            "topic": command.TOPIC,
            "payload": command.to_payload(),
            "dedupe_key": command.dedupe_key,
            "created_at": self._now(),
            "dispatched_at": None,
            "attempts": 0,
        }
        return message_id

    async def claim_pending(self, limit: int, now: datetime) -> list[PendingMessage]:
        rows = sorted(
            (r for r in self._s.outbox.values() if r["dispatched_at"] is None),
            key=lambda r: (r["created_at"], r["id"]),
        )[:limit]
        return _claimed(rows)

    async def claim_unprocessed(
        self, dispatched_before: datetime, limit: int, max_attempts: int
    ) -> list[PendingMessage]:
        done = self._s.jobs.processed
        rows = sorted(
            (
                r
                for r in self._s.outbox.values()
                if r["dispatched_at"] is not None
                and r["dispatched_at"] <= dispatched_before
                and r["attempts"] < max_attempts
                and r["id"] not in done
            ),
            key=lambda r: (r["dispatched_at"], r["id"]),
        )[:limit]
        return _claimed(rows)

    async def mark_dispatched(self, ids: list[str], now: datetime) -> None:
        for i in ids:
            self._s.outbox[i]["dispatched_at"] = now

    async def oldest_pending_at(self) -> datetime | None:
        pending = [r["created_at"] for r in self._s.outbox.values() if r["dispatched_at"] is None]
        return min(pending, default=None)


def _claimed(rows: list[dict[str, Any]]) -> list[PendingMessage]:
    """Count this attempt on each claimed message (the SQL twin's ``_claim``)."""
    for r in rows:
        r["attempts"] += 1
    return [
        PendingMessage(r["id"], r["topic"], r["payload"], r["created_at"], r["attempts"])
        for r in rows
    ]
