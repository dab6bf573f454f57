"""Foundation repositories on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.notifications.ports import NotificationFilter
from application.pagination import PageRequest, decode_cursor
from application.ports.audit import AuditEntry
from application.ports.clock import SystemClock
from application.ports.inbox import ReceivedWebhook
from domain.identity.user import User
from domain.ids import new_id
from domain.notifications.notification import Notification, NotificationType
from tests.unit.jobs.fakes import Probe

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def uow(database_url):
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    await engine.dispose()


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


async def test_user_subject_is_unique_and_times_are_utc(uow):
    user = _user()
    async with uow() as u:
        assert await u.users.add(user)
        assert not await u.users.add(_user())  # same subject
        await u.commit()
    async with uow() as u:
        loaded = await u.users.get_by_subject("s")
    assert loaded == user and loaded.created_at.tzinfo is not None


async def test_uncommitted_work_is_rolled_back(uow):
    async with uow() as u:
        await u.users.add(_user("gone"))
    async with uow() as u:
        assert await u.users.get_by_subject("gone") is None


async def test_notifications_filters_and_keyset_pages(uow):
    user = _user()
    async with uow() as u:
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
    async with uow() as u:
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


async def test_outbox_dedupes_and_claims_in_order(uow):
    async with uow() as u:
        assert await u.outbox.add(Probe(n=1, dedupe_key="k")) is not None
        assert await u.outbox.add(Probe(n=2, dedupe_key="k")) is None
        await u.outbox.add(Probe(n=3))
        await u.commit()
    async with uow() as u:
        claimed = await u.outbox.claim_pending(10, NOW)
        assert [m.payload["n"] for m in claimed] == [1, 3]
        await u.outbox.mark_dispatched([m.id for m in claimed], NOW)
        await u.commit()
    async with uow() as u:
        assert await u.outbox.claim_pending(10, NOW) == []
        assert await u.outbox.oldest_pending_at() is None


async def test_inbox_refuses_replays(uow):
    hook = ReceivedWebhook(new_id(), "clerk", "msg_1", "user.created", "{}", NOW)
    async with uow() as u:
        assert await u.inbox.store(hook)
        assert not await u.inbox.store(ReceivedWebhook(new_id(), "clerk", "msg_1", "x", "{}", NOW))
        await u.commit()


async def test_audit_log_is_append_only_on_postgres(pg_url):
    engine = build_engine(pg_url)
    factory = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    try:
        async with factory() as u:
            await u.audit.append(
                AuditEntry(
                    "organization",
                    "o1",
                    "a1",
                    "org.created",
                    "organization",
                    "o1",
                    NOW,
                    after={"name": "x"},
                )
            )
            await u.commit()
        for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
            async with engine.connect() as conn:
                with pytest.raises(DBAPIError, match="append-only"):
                    await conn.execute(sa.text(statement))
        async with factory() as u:
            page = await u.audit.list_for_scope("organization", ["o1"], PageRequest())
        assert [e.action for e in page.items] == ["org.created"]
    finally:
        await engine.dispose()
