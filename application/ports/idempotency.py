"""Storage of Idempotency-Key records (API.md Conventions): ``uow.idempotency``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a keyed request, replayed byte for byte."""

    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True)
class IdempotencyRecord:
    scope: str  # the caller (platform user id); keys never collide across callers
    key: str
    fingerprint: str  # SHA-256 of method, path and body
    created_at: datetime
    expires_at: datetime
    response: StoredResponse | None = None  # None while the first request is in flight


class IdempotencyStore(Protocol):
    async def claim(
        self, record: IdempotencyRecord, *, now: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None:
        """Insert ``record`` (in flight) and return None, or return the live record holding the key.

        An expired record, or an in-flight one created before ``stale_before`` (its process died),
        is replaced by ``record``.
        """
        ...

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None: ...

    async def release(self, scope: str, key: str) -> None:
        """Forget an in-flight claim whose request failed unexpectedly (the client may retry)."""
        ...

    async def purge_expired(self, now: datetime) -> int: ...


class IdempotencyUnitOfWork(UnitOfWork, Protocol):
    idempotency: IdempotencyStore
