"""Creating notifications (an outbox handler) and purging old ones (a scheduled job)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.notifications.inbox import unread_cache_key
from application.notifications.unit_of_work import NotificationsUnitOfWork
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification, PublishRealtime
from application.ports.unit_of_work import UnitOfWorkFactory
from application.versioned_cache import VersionedCache
from domain.notifications.notification import Notification, retention_cutoff
from domain.realtime.events import NOTIFICATION_CREATED


class CreateNotificationHandler:
    """Runs ``CreateNotification`` commands; the notification id is the message id, so a
    redelivered message does not notify twice."""

    def __init__(self, uow: UnitOfWorkFactory[NotificationsUnitOfWork], cache: Cache, clock: Clock):
        self._uow = uow
        self._cache = VersionedCache(cache)
        self._clock = clock

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        await self.handle(message_id, CreateNotification.from_payload(payload))

    async def handle(self, message_id: str, command: CreateNotification) -> None:
        notification = Notification(
            id=message_id,
            user_id=command.user_id,
            type=command.type,
            title=command.title,
            message=command.message,
            description=command.description,
            action_url=command.action_url,
            action_label=command.action_label,
            metadata=dict(command.metadata),
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            await uow.notifications.add(notification)
            unread = await uow.notifications.unread_count(notification.user_id)
            event = {"notification": notification_item(notification), "unreadCount": unread}
            # A redelivered notification.create announces the notification once.
            announce = PublishRealtime(
                notification.user_id,
                NOTIFICATION_CREATED,
                event,
                dedupe_key=f"realtime:{notification.id}",
            )
            await uow.outbox.add(announce)
            await uow.commit()
        await self._cache.invalidate(unread_cache_key(notification.user_id))


@dataclass(frozen=True, eq=False)
class PurgeOldNotifications:
    """Delete notifications older than the 30-day retention (idempotent)."""

    uow: UnitOfWorkFactory[NotificationsUnitOfWork]
    clock: Clock

    async def __call__(self) -> int:
        async with self.uow() as uow:
            deleted = await uow.notifications.delete_older_than(retention_cutoff(self.clock.now()))
            await uow.commit()
        return deleted


def notification_item(n: Notification) -> dict[str, Any]:
    """The list item shape of ``GET /notifications`` (API.md), for the realtime event."""
    return {
        "id": n.id,
        "type": n.type.value,
        "title": n.title,
        "message": n.message,
        "description": n.description,
        "actionUrl": n.action_url,
        "actionLabel": n.action_label,
        "metadata": dict(n.metadata),
        "read": n.is_read,
        "readAt": n.read_at.isoformat() if n.read_at else None,
        "createdAt": n.created_at.isoformat(),
    }
