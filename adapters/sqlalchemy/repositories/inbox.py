"""Inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import (
    entity_of,
    entity_row,
    first_entity,
    insert_ignoring_conflict,
)
from adapters.sqlalchemy.tables.inbox import webhook_inbox
from application.ports.inbox import ReceivedWebhook


@REPOSITORIES.register("inbox")
class SqlWebhookInbox(SqlRepository):
    async def store(self, webhook: ReceivedWebhook) -> bool:
        return await insert_ignoring_conflict(self._conn, webhook_inbox, entity_row(webhook))

    async def get(self, webhook_id: str) -> ReceivedWebhook | None:
        stmt = sa.select(webhook_inbox).where(webhook_inbox.c.id == webhook_id)
        return await first_entity(self._conn, stmt, _webhook)

    async def mark_processed(self, webhook_id: str, now: datetime) -> None:
        await self._conn.execute(
            sa.update(webhook_inbox)
            .where(webhook_inbox.c.id == webhook_id)
            .values(processed_at=now)
        )


def _webhook(r: Any) -> ReceivedWebhook:
    return entity_of(ReceivedWebhook, r)
