"""Notifications on every adapter: filters, keyset pages, read marks, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.notifications.ports import NotificationFilter
from application.pagination import PageRequest, decode_cursor
from domain.identity.user import User
from domain.ids import new_id
from domain.notifications.notification import Notification, NotificationType

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _user(subject="s"):
    return User(
        id=new_id(),
        subject=subject,
        email=f"{subject}@example.com",
        first_name="F",
        last_name=None,
        image_url=None,
        username=None,
        created_at=NOW,
        updated_at=NOW,
    )


async def test_notifications_filters_and_keyset_pages(contract_uow):
    user = _user()
    async with contract_uow() as u:
        await u.users.add(user)
        for i in range(5):
            await u.notifications.add(
                Notification(
                    id=new_id(),
                    user_id=user.id,
                    type=NotificationType.MESSAGE,
                    title=str(i),
                    message="m",
                    created_at=NOW + timedelta(seconds=i),
                )
            )
        await u.commit()
    async with contract_uow() as u:
        first = await u.notifications.list(user.id, NotificationFilter(), PageRequest(limit=3))
        assert [n.title for n in first.items] == ["4", "3", "2"]
        rest = await u.notifications.list(
            user.id,
            NotificationFilter(),
            PageRequest(limit=3, after=decode_cursor(first.next_cursor)),
        )
        assert [n.title for n in rest.items] == ["1", "0"] and rest.next_cursor is None
        changed = await u.notifications.set_read(user.id, [first.items[0].id], True, NOW)
        assert changed == 1
        unread = await u.notifications.list(user.id, NotificationFilter(read=False), PageRequest())
        assert len(unread.items) == 4
        assert await u.notifications.delete_older_than(NOW + timedelta(seconds=2)) == 2
        await u.commit()
