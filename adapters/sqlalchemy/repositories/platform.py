"""Outbox, webhook inbox and audit log on SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import for_update, insert_ignoring_conflict
from adapters.sqlalchemy.tables.jobs import processed_messages
from adapters.sqlalchemy.tables.platform import audit_log, outbox, webhook_inbox
from application.pagination import Page, PageRequest, encode_cursor
from application.ports.audit import AuditEntry, RequestContext
from application.ports.inbox import ReceivedWebhook
from application.ports.outbox import OutboxMessage, PendingMessage


class SqlOutbox:
    def __init__(self, conn: AsyncConnection, now: Any):
        self._conn = conn
        self._now = now

    async def add(self, message: OutboxMessage) -> None:
        # A dedupe_key seen before means the side effect is already recorded: keep the first.
        await insert_ignoring_conflict(
            self._conn,
            outbox,
            {
                "id": message.id,
                "topic": message.topic,
                "payload": dict(message.payload),
                "dedupe_key": message.dedupe_key,
                "created_at": self._now(),
                "attempts": 0,
            },
        )

    async def claim_pending(self, limit: int, now: datetime) -> list[PendingMessage]:
        stmt = (
            sa.select(outbox)
            .where(outbox.c.dispatched_at.is_(None))
            .order_by(outbox.c.created_at, outbox.c.id)
            .limit(limit)
        )
        rows = (await self._conn.execute(for_update(stmt, self._conn, skip_locked=True))).all()
        if rows:
            await self._conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_([r.id for r in rows]))
                .values(attempts=outbox.c.attempts + 1)
            )
        return [
            PendingMessage(r.id, r.topic, r.payload, r.created_at, r.attempts + 1) for r in rows
        ]

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
        rows = (await self._conn.execute(for_update(stmt, self._conn, skip_locked=True))).all()
        if rows:
            await self._conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_([r.id for r in rows]))
                .values(attempts=outbox.c.attempts + 1)
            )
        return [
            PendingMessage(r.id, r.topic, r.payload, r.created_at, r.attempts + 1) for r in rows
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


class SqlWebhookInbox:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

    async def store(self, webhook: ReceivedWebhook) -> bool:
        return await insert_ignoring_conflict(
            self._conn,
            webhook_inbox,
            {
                "id": webhook.id,
                "source": webhook.source,
                "event_id": webhook.event_id,
                "event_type": webhook.event_type,
                "body": webhook.body,
                "received_at": webhook.received_at,
                "processed_at": webhook.processed_at,
            },
        )

    async def get(self, webhook_id: str) -> ReceivedWebhook | None:
        stmt = sa.select(webhook_inbox).where(webhook_inbox.c.id == webhook_id)
        r = (await self._conn.execute(stmt)).first()
        if r is None:
            return None
        return ReceivedWebhook(
            r.id, r.source, r.event_id, r.event_type, r.body, r.received_at, r.processed_at
        )

    async def mark_processed(self, webhook_id: str, now: datetime) -> None:
        await self._conn.execute(
            sa.update(webhook_inbox)
            .where(webhook_inbox.c.id == webhook_id)
            .values(processed_at=now)
        )


class SqlAuditLog:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn

    async def append(self, entry: AuditEntry) -> None:
        await self._conn.execute(
            sa.insert(audit_log).values(
                id=entry.id,
                scope_type=entry.scope_type,
                scope_id=entry.scope_id,
                actor_id=entry.actor_id,
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id,
                before=dict(entry.before) if entry.before is not None else None,
                after=dict(entry.after) if entry.after is not None else None,
                request_id=entry.context.request_id,
                ip=entry.context.ip,
                user_agent=entry.context.user_agent,
                created_at=entry.created_at,
            )
        )

    async def list_for_scope(
        self, scope_type: str, scope_ids: list[str], page: PageRequest
    ) -> Page[AuditEntry]:
        a = audit_log.c
        stmt = sa.select(audit_log).where(a.scope_type == scope_type, a.scope_id.in_(scope_ids))
        if page.after:
            stmt = stmt.where(a.id < page.after[1])
        rows = (await self._conn.execute(stmt.order_by(a.id.desc()).limit(page.limit + 1))).all()
        items = [
            AuditEntry(
                scope_type=r.scope_type,
                scope_id=r.scope_id,
                actor_id=r.actor_id,
                action=r.action,
                target_type=r.target_type,
                target_id=r.target_id,
                created_at=r.created_at,
                before=r.before,
                after=r.after,
                context=RequestContext(r.request_id, r.ip, r.user_agent),
                id=r.id,
            )
            for r in rows[: page.limit]
        ]
        cursor = encode_cursor("", items[-1].id) if len(rows) > page.limit else None
        return Page(items, cursor)
