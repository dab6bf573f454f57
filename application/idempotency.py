"""Idempotency-Key for money-moving POSTs (create-order, claim, admin grant/refund).

Same key + same request within 24 h → the first response, replayed; same key + a different
request, or the first still in flight → DuplicateRequest (409). Each step is its own short
transaction so no lock is held while the request runs (it may call Razorpay).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, overload

from application.ports.clock import Clock
from application.ports.idempotency import IdempotencyRecord, IdempotencyUnitOfWork, StoredResponse
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DuplicateRequest, ValidationFailed

KEY_TTL = timedelta(hours=24)
IN_FLIGHT_LEASE = timedelta(minutes=2)  # longer than any request may run
MAX_KEY_LENGTH = 255


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@overload
def validate_key(key: str | None, *, required: Literal[True] = True) -> str: ...


@overload
def validate_key(key: str | None, *, required: bool) -> str | None: ...


def validate_key(key: str | None, *, required: bool = True) -> str | None:
    """The key as given, or None when it is optional and absent; refuses a missing required key."""
    if key is None or key == "":
        if required:
            raise ValidationFailed(
                "Idempotency-Key header required",
                details=[{"field": "Idempotency-Key", "message": "required"}],
            )
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            "Invalid Idempotency-Key",
            details=[{"field": "Idempotency-Key", "message": "1..255 printable characters"}],
        )
    return key


@dataclass(frozen=True, eq=False)
class IdempotentRequests:
    uow: UnitOfWorkFactory[IdempotencyUnitOfWork]
    clock: Clock

    async def begin(self, *, scope: str, key: str, fingerprint: str) -> StoredResponse | None:
        """None: go ahead (the key is now claimed). A response: replay it."""
        now = self.clock.now()
        record = IdempotencyRecord(scope, key, fingerprint, now, now + KEY_TTL)
        async with self.uow() as uow:
            existing = await uow.idempotency.claim(
                record, now=now, stale_before=now - IN_FLIGHT_LEASE
            )
            await uow.commit()
        if existing is None:
            return None
        if existing.fingerprint != fingerprint:
            raise DuplicateRequest("Idempotency-Key already used with a different request")
        if existing.response is None:
            raise DuplicateRequest("A request with this Idempotency-Key is still in progress")
        return existing.response

    async def finish(self, *, scope: str, key: str, response: StoredResponse) -> None:
        async with self.uow() as uow:
            await uow.idempotency.complete(scope, key, response)
            await uow.commit()

    async def abandon(self, *, scope: str, key: str) -> None:
        async with self.uow() as uow:
            await uow.idempotency.release(scope, key)
            await uow.commit()


@dataclass(frozen=True, eq=False)
class PurgeIdempotencyKeys:
    """Daily job: drop records older than 24 h."""

    uow: UnitOfWorkFactory[IdempotencyUnitOfWork]
    clock: Clock

    async def __call__(self) -> int:
        async with self.uow() as uow:
            removed = await uow.idempotency.purge_expired(self.clock.now())
            await uow.commit()
            return removed
