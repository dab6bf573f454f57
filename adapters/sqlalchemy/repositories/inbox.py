"""Inbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import insert_ignoring_conflict
from adapters.sqlalchemy.tables.inbox import webhook_inbox
from application.ports.inbox import ReceivedWebhook


@REPOSITORIES.register("inbox")
class SqlWebhookInbox(SqlRepository):
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
