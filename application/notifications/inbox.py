"""A user's notifications: list, count, mark, delete."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.principal import Principal
from application.notifications.ports import NotificationFilter
from application.notifications.unit_of_work import NotificationsUnitOfWork
from application.pagination import Page, PageRequest
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.outbox_commands import PublishRealtime
from application.ports.unit_of_work import UnitOfWorkFactory
from application.versioned_cache import VersionedCache
from domain.errors import NotFound
from domain.notifications.notification import Notification
from domain.realtime.events import NOTIFICATION_DELETED, NOTIFICATION_READ

UNREAD_TTL_SECONDS = 30


def unread_cache_key(user_id: str) -> str:
    """Generation-checked (``VersionedCache``): a count read before a new notification or a
    mark-as-read cannot be written back after that write's invalidation."""
    return f"notifications:unread:{user_id}"


@dataclass(frozen=True, eq=False)
class ListNotifications:
    uow: UnitOfWorkFactory[NotificationsUnitOfWork]

    async def __call__(
        self, principal: Principal, flt: NotificationFilter, page: PageRequest
    ) -> tuple[Page[Notification], int]:
        async with self.uow() as uow:
            result = await uow.notifications.list(principal.user_id, flt, page)
            unread = await uow.notifications.unread_count(principal.user_id)
        return result, unread


class CountUnread:
    def __init__(self, uow: UnitOfWorkFactory[NotificationsUnitOfWork], cache: Cache):
        self._uow = uow
        self._cache = VersionedCache(cache)

    async def __call__(self, principal: Principal) -> int:
        key = unread_cache_key(principal.user_id)
        cached = await self._cache.read(key)
        if cached.value is not None:
            return int(cached.value)
        async with self._uow() as uow:
            count = await uow.notifications.unread_count(principal.user_id)
        await self._cache.fill(key, cached, str(count).encode(), UNREAD_TTL_SECONDS)
        return count


class MarkNotifications:
    """Mark some (or all) of the caller's notifications read or unread; returns rows changed."""

    def __init__(self, uow: UnitOfWorkFactory[NotificationsUnitOfWork], cache: Cache, clock: Clock):
        self._uow = uow
        self._cache = VersionedCache(cache)
        self._clock = clock

    async def __call__(self, principal: Principal, ids: list[str] | None, read: bool) -> int:
        async with self._uow() as uow:
            changed = await uow.notifications.set_read(
                principal.user_id, ids, read, self._clock.now()
            )
            if changed:
                await _announce(uow, principal.user_id, NOTIFICATION_READ, ids, read=read)
            await uow.commit()
        await self._cache.invalidate(unread_cache_key(principal.user_id))
        return changed


class DeleteNotification:
    def __init__(self, uow: UnitOfWorkFactory[NotificationsUnitOfWork], cache: Cache):
        self._uow = uow
        self._cache = VersionedCache(cache)

    async def __call__(self, principal: Principal, notification_id: str) -> None:
        async with self._uow() as uow:
            if not await uow.notifications.delete(principal.user_id, notification_id):
                raise NotFound("Notification not found")
            await _announce(uow, principal.user_id, NOTIFICATION_DELETED, [notification_id])
            await uow.commit()
        await self._cache.invalidate(unread_cache_key(principal.user_id))


@dataclass(frozen=True, eq=False)
class DeleteReadNotifications:
    uow: UnitOfWorkFactory[NotificationsUnitOfWork]

    async def __call__(self, principal: Principal) -> int:
        async with self.uow() as uow:
            deleted = await uow.notifications.delete_read(principal.user_id)
            if deleted:
                await _announce(uow, principal.user_id, NOTIFICATION_DELETED, None)
            await uow.commit()
        return deleted


async def _announce(
    uow: NotificationsUnitOfWork,
    user_id: str,
    type_: str,
    ids: list[str] | None,
    **extra: object,
) -> None:
    """The realtime event for a change, with the unread count as of this transaction."""
    unread = await uow.notifications.unread_count(user_id)
    data = {"ids": ids, "unreadCount": unread, **extra}  # ids None: all of them
    await uow.outbox.add(PublishRealtime(user_id, type_, data))
