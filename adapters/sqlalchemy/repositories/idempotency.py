"""Idempotency-Key records on SQLAlchemy (table ``idempotency_keys``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import for_update, insert_ignoring_conflict
from adapters.sqlalchemy.tables.credits import idempotency_keys as keys
from application.ports.idempotency import IdempotencyRecord, StoredResponse


@REPOSITORIES.register("idempotency")
class SqlIdempotencyStore(SqlRepository):
    async def claim(
        self, record: IdempotencyRecord, *, now: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None:
        values = {
            "scope": record.scope,
            "key": record.key,
            "fingerprint": record.fingerprint,
            "created_at": record.created_at,
            "expires_at": record.expires_at,
        }
        if await insert_ignoring_conflict(self._conn, keys, values):
            return None
        where = (keys.c.scope == record.scope) & (keys.c.key == record.key)
        row = (
            await self._conn.execute(for_update(sa.select(keys).where(where), self._conn))
        ).first()
        if row is None:  # purged in between
            return None if await insert_ignoring_conflict(self._conn, keys, values) else record
        abandoned = row.status is None and row.created_at < stale_before
        if row.expires_at <= now or abandoned:
            await self._conn.execute(
                sa.update(keys)
                .where(where)
                .values(**values, status=None, body=None, content_type=None)
            )
            return None
        response = (
            StoredResponse(row.status, row.body, row.content_type)
            if row.status is not None
            else None
        )
        return IdempotencyRecord(
            row.scope, row.key, row.fingerprint, row.created_at, row.expires_at, response
        )

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        await self._conn.execute(
            sa.update(keys)
            .where((keys.c.scope == scope) & (keys.c.key == key))
            .values(status=response.status, body=response.body, content_type=response.content_type)
        )

    async def release(self, scope: str, key: str) -> None:
        await self._conn.execute(
            sa.delete(keys).where(
                (keys.c.scope == scope) & (keys.c.key == key) & keys.c.status.is_(None)
            )
        )

    async def purge_expired(self, now: datetime) -> int:
        result = await self._conn.execute(sa.delete(keys).where(keys.c.expires_at <= now))
        return int(result.rowcount or 0)
