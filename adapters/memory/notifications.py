"""Notifications."""

from __future__ import annotations

import builtins
from datetime import datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from application.notifications.ports import NotificationFilter
from application.pagination import Page, PageRequest
from domain.notifications.notification import Notification


@REPOSITORIES.register("notifications")
class MemoryNotificationRepository(MemoryRepository):
    async def add(self, notification: Notification) -> None:
        self._s.notifications.by_id.setdefault(notification.id, notification)

    async def list(
        self, user_id: str, flt: NotificationFilter, page: PageRequest
    ) -> Page[Notification]:
        items = [
            n
            for n in self._s.notifications.by_id.values()
            if n.user_id == user_id
            and (flt.read is None or n.is_read == flt.read)
            and (flt.type is None or n.type == flt.type)
        ]
        items.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return newest_first(items, page, lambda n: (n.created_at, n.id))

    async def unread_count(self, user_id: str) -> int:
        rows = self._s.notifications.by_id.values()
        return sum(1 for n in rows if n.user_id == user_id and not n.is_read)

    async def set_read(
        self, user_id: str, ids: builtins.list[str] | None, read: bool, now: datetime
    ) -> int:
        changed = 0
        for n in list(self._s.notifications.by_id.values()):
            if n.user_id != user_id or (ids is not None and n.id not in ids) or n.is_read == read:
                continue
            self._s.notifications.by_id[n.id] = n.mark_read(now) if read else n.mark_unread()
            changed += 1
        return changed

    async def delete(self, user_id: str, notification_id: str) -> bool:
        n = self._s.notifications.by_id.get(notification_id)
        if n is None or n.user_id != user_id:
            return False
        del self._s.notifications.by_id[notification_id]
        return True

    async def delete_read(self, user_id: str) -> int:
        doomed = [
            n.id for n in self._s.notifications.by_id.values() if n.user_id == user_id and n.is_read
        ]
        for nid in doomed:
            del self._s.notifications.by_id[nid]
        return len(doomed)

    async def delete_older_than(self, cutoff: datetime) -> int:
        doomed = [n.id for n in self._s.notifications.by_id.values() if n.created_at < cutoff]
        for nid in doomed:
            del self._s.notifications.by_id[nid]
        return len(doomed)
