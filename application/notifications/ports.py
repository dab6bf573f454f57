"""Persistence of notifications."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from domain.notifications.notification import Notification, NotificationType


@dataclass(frozen=True)
class NotificationFilter:
    read: bool | None = None
    type: NotificationType | None = None


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> None: ...

    async def list(
        self, user_id: str, flt: NotificationFilter, page: PageRequest
    ) -> Page[Notification]: ...

    async def unread_count(self, user_id: str) -> int: ...

    async def set_read(
        self, user_id: str, ids: builtins.list[str] | None, read: bool, now: datetime
    ) -> int:
        """Mark the caller's rows (all of them when ``ids`` is None); returns rows changed."""
        ...

    async def delete(self, user_id: str, notification_id: str) -> bool: ...

    async def delete_read(self, user_id: str) -> int: ...

    async def delete_older_than(self, cutoff: datetime) -> int: ...
