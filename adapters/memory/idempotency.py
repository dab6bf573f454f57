"""Idempotency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import MemoryState
from application.ports.idempotency import IdempotencyRecord, StoredResponse


@REPOSITORIES.register("idempotency")
class MemoryIdempotencyStore:
    def __init__(self, state: MemoryState):
        self._state = state

    @property
    def _records(self) -> dict[tuple[str, str], IdempotencyRecord]:
        return self._state.idempotency.records

    async def claim(
        self, record: IdempotencyRecord, *, now: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None:
        existing = self._records.get((record.scope, record.key))
        if existing is not None:
            abandoned = existing.response is None and existing.created_at < stale_before
            if existing.expires_at > now and not abandoned:
                return existing
        self._records[(record.scope, record.key)] = record
        return None

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        existing = self._records.get((scope, key))
        if existing is not None:
            self._records[(scope, key)] = _with_response(existing, response)

    async def release(self, scope: str, key: str) -> None:
        existing = self._records.get((scope, key))
        if existing is not None and existing.response is None:
            del self._records[(scope, key)]

    async def purge_expired(self, now: datetime) -> int:
        expired = [k for k, r in self._records.items() if r.expires_at <= now]
        for k in expired:
            del self._records[k]
        return len(expired)


def _with_response(record: IdempotencyRecord, response: StoredResponse) -> IdempotencyRecord:
    values: dict[str, Any] = {**record.__dict__, "response": response}
    return IdempotencyRecord(**values)
