from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, insert_ignoring_conflict
from adapters.sqlalchemy.tables.notifications import notifications
from application.notifications.ports import NotificationFilter
from application.pagination import Page, PageRequest
from domain.notifications.notification import Notification, NotificationType

n = notifications.c


@REPOSITORIES.register("notifications")
class SqlNotificationRepository(SqlRepository):
    async def add(self, notification: Notification) -> None:
        # Idempotent on id: a redelivered outbox message does not notify twice.
        row = entity_row(
            notification, type=notification.type.value, metadata=dict(notification.metadata)
        )
        await insert_ignoring_conflict(self._conn, notifications, row)

    async def list(
        self, user_id: str, flt: NotificationFilter, page: PageRequest
    ) -> Page[Notification]:
        stmt = sa.select(notifications).where(n.user_id == user_id)
        if flt.read is not None:
            stmt = stmt.where(n.read_at.is_not(None) if flt.read else n.read_at.is_(None))
        if flt.type is not None:
            stmt = stmt.where(n.type == flt.type.value)
        return await read_page(self._conn, stmt, page, _to_notification, by=n.created_at, id=n.id)

    async def unread_count(self, user_id: str) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(notifications)
            .where(n.user_id == user_id, n.read_at.is_(None))
        )
        return int((await self._conn.execute(stmt)).scalar_one())

    async def set_read(
        self, user_id: str, ids: builtins.list[str] | None, read: bool, now: datetime
    ) -> int:
        stmt = sa.update(notifications).where(n.user_id == user_id)
        if ids is not None:
            stmt = stmt.where(n.id.in_(ids))
        stmt = (
            stmt.where(n.read_at.is_(None)).values(read_at=now)
            if read
            else stmt.where(n.read_at.is_not(None)).values(read_at=None)
        )
        return int((await self._conn.execute(stmt)).rowcount)

    async def delete(self, user_id: str, notification_id: str) -> bool:
        stmt = sa.delete(notifications).where(n.user_id == user_id, n.id == notification_id)
        return (await self._conn.execute(stmt)).rowcount == 1

    async def delete_read(self, user_id: str) -> int:
        stmt = sa.delete(notifications).where(n.user_id == user_id, n.read_at.is_not(None))
        return int((await self._conn.execute(stmt)).rowcount)

    async def delete_older_than(self, cutoff: datetime) -> int:
        stmt = sa.delete(notifications).where(n.created_at < cutoff)
        return int((await self._conn.execute(stmt)).rowcount)


def _to_notification(row: Any) -> Notification:
    return entity_of(
        Notification, row, type=NotificationType(row.type), metadata=row.metadata or {}
    )
