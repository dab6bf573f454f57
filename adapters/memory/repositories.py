"""In-memory repositories for unit tests (same behaviour as the SQL ones, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryState
from application.notifications.ports import NotificationFilter
from application.pagination import Page, PageRequest, encode_cursor
from application.ports.audit import AuditEntry
from application.ports.inbox import ReceivedWebhook
from application.ports.outbox import OutboxMessage, PendingMessage
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.profiles.profile import Profile, ProfileView


def _page(items: list[Any], page: PageRequest, key: Any) -> Page[Any]:
    if page.after:
        items = [i for i in items if key(i) < page.after]
    chunk = items[: page.limit]
    cursor = encode_cursor(*key(chunk[-1])) if len(items) > page.limit else None
    return Page(chunk, cursor)


class MemoryUserRepository:
    def __init__(self, state: MemoryState):
        self._s = state

    async def get(self, user_id: str) -> User | None:
        return self._s.users.get(user_id)

    async def get_by_subject(self, subject: str, *, for_update: bool = False) -> User | None:
        return next((u for u in self._s.users.values() if u.subject == subject), None)

    async def add(self, user: User) -> bool:
        if await self.get_by_subject(user.subject) is not None:
            return False
        self._s.users[user.id] = user
        return True

    async def save(self, user: User) -> None:
        self._s.users[user.id] = user

    async def live_by_email(self, email: str) -> list[User]:
        wanted = email.lower()
        live = [
            u
            for u in self._s.users.values()
            if u.deleted_at is None and u.email is not None and u.email.lower() == wanted
        ]
        return sorted(live, key=lambda u: (u.created_at, u.id))

    async def get_deleted_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        deleted = [
            u
            for u in self._s.users.values()
            if u.deleted_at is not None and u.email is not None and u.email.lower() == wanted
        ]
        return max(deleted, key=lambda u: (u.deleted_at, u.id), default=None)


class MemoryProfileRepository:
    def __init__(self, state: MemoryState):
        self._s = state

    async def get(self, user_id: str) -> Profile | None:
        return self._s.profiles.get(user_id)

    async def add(self, profile: Profile) -> bool:
        if profile.user_id in self._s.profiles:
            return False
        self._s.profiles[profile.user_id] = profile
        return True

    async def save(self, profile: Profile) -> None:
        self._s.profiles[profile.user_id] = profile

    async def record_view(self, profile_user_id: str, viewer_id: str, now: datetime) -> None:
        self._s.profile_views[(profile_user_id, viewer_id)] = now

    async def list_views(self, profile_user_id: str, page: PageRequest) -> Page[ProfileView]:
        views = []
        for (owner, viewer_id), at in self._s.profile_views.items():
            if owner == profile_user_id:
                viewer = self._s.users.get(viewer_id)
                views.append(
                    ProfileView(
                        viewer_id,
                        viewer.display_name if viewer else None,
                        viewer.image_url if viewer else None,
                        at,
                    )
                )
        views.sort(key=lambda v: (v.viewed_at, v.viewer_id), reverse=True)
        return _page(views, page, lambda v: (v.viewed_at.isoformat(), v.viewer_id))

    async def has_viewed(self, profile_user_id: str, viewer_id: str) -> bool:
        return (profile_user_id, viewer_id) in self._s.profile_views

    async def star_count(self, profile_user_id: str) -> int:
        return sum(1 for owner, _ in self._s.profile_stars if owner == profile_user_id)

    async def has_starred(self, profile_user_id: str, user_id: str) -> bool:
        return (profile_user_id, user_id) in self._s.profile_stars


class MemorySettingsRepository:
    def __init__(self, state: MemoryState):
        self._s = state

    async def get(self, user_id: str) -> dict[str, bool] | None:
        return self._s.settings.get(user_id)

    async def put(self, user_id: str, settings: Any, now: datetime) -> None:
        self._s.settings[user_id] = dict(settings)


class MemoryNotificationRepository:
    def __init__(self, state: MemoryState):
        self._s = state

    async def add(self, notification: Notification) -> None:
        self._s.notifications.setdefault(notification.id, notification)

    async def list(
        self, user_id: str, flt: NotificationFilter, page: PageRequest
    ) -> Page[Notification]:
        items = [
            n
            for n in self._s.notifications.values()
            if n.user_id == user_id
            and (flt.read is None or n.is_read == flt.read)
            and (flt.type is None or n.type == flt.type)
        ]
        items.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return _page(items, page, lambda n: (n.created_at.isoformat(), n.id))

    async def unread_count(self, user_id: str) -> int:
        return sum(
            1 for n in self._s.notifications.values() if n.user_id == user_id and not n.is_read
        )

    async def set_read(self, user_id: str, ids: list[str] | None, read: bool, now: datetime) -> int:
        changed = 0
        for n in list(self._s.notifications.values()):
            if n.user_id != user_id or (ids is not None and n.id not in ids) or n.is_read == read:
                continue
            self._s.notifications[n.id] = n.mark_read(now) if read else n.mark_unread()
            changed += 1
        return changed

    async def delete(self, user_id: str, notification_id: str) -> bool:
        n = self._s.notifications.get(notification_id)
        if n is None or n.user_id != user_id:
            return False
        del self._s.notifications[notification_id]
        return True

    async def delete_read(self, user_id: str) -> int:
        doomed = [
            n.id for n in self._s.notifications.values() if n.user_id == user_id and n.is_read
        ]
        for nid in doomed:
            del self._s.notifications[nid]
        return len(doomed)

    async def delete_older_than(self, cutoff: datetime) -> int:
        doomed = [n.id for n in self._s.notifications.values() if n.created_at < cutoff]
        for nid in doomed:
            del self._s.notifications[nid]
        return len(doomed)


class MemoryOutbox:
    def __init__(self, state: MemoryState, now: Any):
        self._s = state
        self._now = now

    async def add(self, message: OutboxMessage) -> None:
        if message.dedupe_key and any(
            r["dedupe_key"] == message.dedupe_key for r in self._s.outbox.values()
        ):
            return
        self._s.outbox[message.id] = {
            "id": message.id,
            "topic": message.topic,
            "payload": dict(message.payload),
            "dedupe_key": message.dedupe_key,
            "created_at": self._now(),
            "dispatched_at": None,
            "attempts": 0,
        }

    async def claim_pending(self, limit: int, now: datetime) -> list[PendingMessage]:
        rows = sorted(
            (r for r in self._s.outbox.values() if r["dispatched_at"] is None),
            key=lambda r: (r["created_at"], r["id"]),
        )[:limit]
        for r in rows:
            r["attempts"] += 1
        return [
            PendingMessage(r["id"], r["topic"], r["payload"], r["created_at"], r["attempts"])
            for r in rows
        ]

    async def claim_unprocessed(
        self, dispatched_before: datetime, limit: int, max_attempts: int
    ) -> list[PendingMessage]:
        done = self._s.extra.get("processed_messages", {})
        rows = sorted(
            (
                r
                for r in self._s.outbox.values()
                if r["dispatched_at"] is not None
                and r["dispatched_at"] <= dispatched_before
                and r["attempts"] < max_attempts
                and r["id"] not in done
            ),
            key=lambda r: (r["dispatched_at"], r["id"]),
        )[:limit]
        for r in rows:
            r["attempts"] += 1
        return [
            PendingMessage(r["id"], r["topic"], r["payload"], r["created_at"], r["attempts"])
            for r in rows
        ]

    async def mark_dispatched(self, ids: list[str], now: datetime) -> None:
        for i in ids:
            self._s.outbox[i]["dispatched_at"] = now

    async def oldest_pending_at(self) -> datetime | None:
        pending = [r["created_at"] for r in self._s.outbox.values() if r["dispatched_at"] is None]
        return min(pending, default=None)


class MemoryWebhookInbox:
    def __init__(self, state: MemoryState):
        self._s = state

    async def store(self, webhook: ReceivedWebhook) -> bool:
        if any(
            w.source == webhook.source and w.event_id == webhook.event_id
            for w in self._s.inbox.values()
        ):
            return False
        self._s.inbox[webhook.id] = webhook
        return True

    async def get(self, webhook_id: str) -> ReceivedWebhook | None:
        return self._s.inbox.get(webhook_id)

    async def mark_processed(self, webhook_id: str, now: datetime) -> None:
        self._s.inbox[webhook_id] = replace(self._s.inbox[webhook_id], processed_at=now)


class MemoryAuditLog:
    def __init__(self, state: MemoryState):
        self._s = state

    async def append(self, entry: AuditEntry) -> None:
        self._s.audit.append(entry)

    async def list_for_scope(
        self, scope_type: str, scope_ids: list[str], page: PageRequest
    ) -> Page[AuditEntry]:
        items = [
            e
            for e in reversed(self._s.audit)
            if e.scope_type == scope_type and e.scope_id in scope_ids
        ]
        return _page(items, page, lambda e: ("", e.id))
