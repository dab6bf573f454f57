"""The activity log, step-up codes and exports on SQL."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, first_entity, upsert
from adapters.sqlalchemy.tables.account import (
    account_activity,
    account_exports,
    account_step_up_codes,
)
from application.pagination import Page, PageRequest, encode_cursor
from domain.account.activity import ActivityEntry, ActivityLevel
from domain.account.exports import DataExport, ExportStatus
from domain.account.step_up import StepUpCode
from domain.request_context import RequestContext


@REPOSITORIES.register("activity")
class SqlActivityLog(SqlRepository):
    async def append(self, entry: ActivityEntry) -> None:
        ctx = entry.context
        await self._conn.execute(
            sa.insert(account_activity).values(
                entity_row(
                    entry,
                    omit=("context",),
                    level=entry.level.value,
                    metadata=dict(entry.metadata),
                    request_id=ctx.request_id,
                    ip=ctx.ip,
                    user_agent=ctx.user_agent,
                )
            )
        )

    async def list_for_user(self, user_id: str, page: PageRequest) -> Page[ActivityEntry]:
        a = account_activity.c
        stmt = sa.select(account_activity).where(a.user_id == user_id)
        after = page.after_time()
        if after is not None:
            at, last_id = after
            stmt = stmt.where(sa.tuple_(a.created_at, a.id) < sa.tuple_(at, last_id))
        rows = (
            await self._conn.execute(
                stmt.order_by(a.created_at.desc(), a.id.desc()).limit(page.limit + 1)
            )
        ).all()
        items = [_entry(r) for r in rows[: page.limit]]
        more = len(rows) > page.limit
        return Page(items, encode_cursor(items[-1].created_at, items[-1].id) if more else None)

    async def has_entry(self, user_id: str, action: str, since: datetime) -> bool:
        a = account_activity.c
        stmt = sa.select(sa.literal(1)).where(
            a.user_id == user_id, a.action == action, a.created_at >= since
        )
        return (await self._conn.execute(stmt.limit(1))).first() is not None

    async def purge_before(self, cutoff: datetime) -> int:
        result = await self._conn.execute(
            sa.delete(account_activity).where(account_activity.c.created_at < cutoff)
        )
        return int(result.rowcount or 0)


def _entry(r: Any) -> ActivityEntry:
    return entity_of(
        ActivityEntry,
        r,
        level=ActivityLevel(r.level),
        metadata=dict(r.metadata or {}),
        context=RequestContext(r.request_id, r.ip, r.user_agent),
    )


@REPOSITORIES.register("step_up_codes")
class SqlStepUpCodes(SqlRepository):
    async def put(self, code: StepUpCode) -> None:
        await upsert(
            self._conn,
            account_step_up_codes,
            entity_row(code),
            keys=("user_id",),
            update=("code_hash", "created_at", "expires_at"),
        )

    async def get(self, user_id: str) -> StepUpCode | None:
        t = account_step_up_codes
        stmt = sa.select(t).where(t.c.user_id == user_id)
        return await first_entity(self._conn, stmt, functools.partial(entity_of, StepUpCode))

    async def delete(self, user_id: str) -> None:
        t = account_step_up_codes
        await self._conn.execute(sa.delete(t).where(t.c.user_id == user_id))

    async def purge_expired(self, now: datetime) -> int:
        t = account_step_up_codes
        result = await self._conn.execute(sa.delete(t).where(t.c.expires_at <= now))
        return int(result.rowcount or 0)


@REPOSITORIES.register("exports")
class SqlExportRepository(SqlRepository):
    async def add(self, export: DataExport) -> None:
        await self._conn.execute(
            sa.insert(account_exports).values(entity_row(export, status=export.status.value))
        )

    async def save(self, export: DataExport) -> None:
        t = account_exports
        values = entity_row(export, omit=("id", "user_id"), status=export.status.value)
        await self._conn.execute(sa.update(t).where(t.c.id == export.id).values(values))

    async def get(self, export_id: str) -> DataExport | None:
        t = account_exports
        return await first_entity(self._conn, sa.select(t).where(t.c.id == export_id), _export)

    async def latest_for_user(self, user_id: str) -> DataExport | None:
        t = account_exports
        stmt = (
            sa.select(t)
            .where(t.c.user_id == user_id)
            .order_by(t.c.requested_at.desc(), t.c.id.desc())
            .limit(1)
        )
        return await first_entity(self._conn, stmt, _export)

    async def ready_before(self, completed_before: datetime) -> list[DataExport]:
        t = account_exports
        stmt = sa.select(t).where(
            t.c.status == ExportStatus.READY.value, t.c.completed_at < completed_before
        )
        return [_export(r) for r in (await self._conn.execute(stmt)).all()]


def _export(r: Any) -> DataExport:
    return entity_of(DataExport, r, status=ExportStatus(r.status))
