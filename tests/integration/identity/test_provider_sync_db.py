"""Identity webhooks on real databases: dedupe under concurrency, exactly-once application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.clerk.webhook_events import parse_clerk_webhook
from adapters.memory.cache import InMemoryCache
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.identity import SqlUserRepository
from adapters.sqlalchemy.tables.outbox import outbox
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.identity.provider_sync import (
    ApplyProviderWebhook,
    ReceiveProviderWebhook,
)
from application.identity.resolve_principal import ResolvePrincipal
from application.ports.clock import SystemClock
from application.ports.identity import VerifiedToken
from application.ports.outbox_commands import ApplyIdentityWebhook
from domain.identity.user import AccountDeleted, User
from domain.ids import new_id
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event


@dataclass
class Sync:
    engine: sa.ext.asyncio.AsyncEngine
    uow: SqlAlchemyUnitOfWorkFactory
    receive: ReceiveProviderWebhook
    apply: ApplyProviderWebhook
    resolve: ResolvePrincipal

    async def scalar(self, sql: str, **params: object) -> object:
        async with self.engine.connect() as conn:
            return (await conn.execute(sa.text(sql), params)).scalar_one()

    async def queued(self) -> list[tuple[str, dict[str, object]]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(outbox.c.id, outbox.c.payload)
                .where(outbox.c.topic == ApplyIdentityWebhook.TOPIC)
                .order_by(outbox.c.created_at, outbox.c.id)
            )
            return [(r.id, r.payload) for r in rows]

    async def deliver(self, event_type: str, data: dict[str, object], delivery_id: str) -> bool:
        body = clerk_event(event_type, data).decode()
        return await self.receive(delivery_id=delivery_id, event_type=event_type, body=body)


async def _sync(url: str) -> AsyncIterator[Sync]:
    engine = build_engine(url, pool_size=10, max_overflow=5)
    clock = SystemClock()
    uow = SqlAlchemyUnitOfWorkFactory(engine, clock)
    cache = InMemoryCache()
    try:
        yield Sync(
            engine,
            uow,
            ReceiveProviderWebhook(uow, clock),
            ApplyProviderWebhook(uow, cache, clock, parse_clerk_webhook),
            ResolvePrincipal(uow, cache, clock, admin_subjects=()),
        )
    finally:
        await engine.dispose()


@pytest.fixture
async def sync(database_url: str) -> AsyncIterator[Sync]:
    async for value in _sync(database_url):
        yield value


@pytest.fixture
async def pg_sync(pg_url: str) -> AsyncIterator[Sync]:
    async for value in _sync(pg_url):
        yield value


async def test_create_update_delete_round_trip(sync: Sync) -> None:
    assert await sync.deliver("user.created", clerk_user("user_1"), "m1")
    assert await sync.deliver("user.updated", clerk_user("user_1", first_name="Ann"), "m2")
    assert await sync.deliver("user.deleted", {"id": "user_1", "deleted": True}, "m3")
    assert not await sync.deliver("user.created", clerk_user("user_1"), "m1")  # replay

    for message_id, payload in await sync.queued():
        await sync.apply(message_id, payload)
        await sync.apply(message_id, payload)  # redelivered: no second effect

    async with sync.uow() as uow:
        user = await uow.users.get_by_subject("user_1")
    assert user is not None and user.first_name == "Ann" and user.is_deleted
    assert await sync.scalar("SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL") == 0
    # The welcome, and the deletion's notice with its recovery deadline: once each, redelivered.
    assert await sync.scalar("SELECT count(*) FROM outbox WHERE topic = 'email.send'") == 2
    with pytest.raises(AccountDeleted):
        await sync.resolve(VerifiedToken("user_1", None, None, False))


async def test_concurrent_deliveries_of_one_svix_id_store_one_row(pg_sync: Sync) -> None:
    body = clerk_user("user_c")
    results = await asyncio.gather(
        *(pg_sync.deliver("user.created", body, "same-id") for _ in range(8))
    )

    assert sorted(results) == [False] * 7 + [True]
    assert await pg_sync.scalar("SELECT count(*) FROM webhook_inbox") == 1
    assert len(await pg_sync.queued()) == 1


async def test_first_request_racing_the_created_webhook_gives_one_user(pg_sync: Sync) -> None:
    await pg_sync.deliver("user.created", clerk_user("user_race", email="r@example.com"), "m1")
    [(message_id, payload)] = await pg_sync.queued()
    token = VerifiedToken("user_race", None, None, False)

    await asyncio.gather(pg_sync.apply(message_id, payload), pg_sync.resolve(token))

    assert await pg_sync.scalar("SELECT count(*) FROM users") == 1
    assert await pg_sync.scalar("SELECT email FROM users") == "r@example.com"
    assert await pg_sync.scalar("SELECT count(*) FROM profiles") == 1
    welcome = "SELECT count(*) FROM outbox WHERE topic = 'notification.create'"
    assert await pg_sync.scalar(welcome) == 1


async def test_one_message_applied_twice_at_once_has_one_effect(pg_sync: Sync) -> None:
    await pg_sync.deliver("user.created", clerk_user("user_twice"), "m1")
    [(message_id, payload)] = await pg_sync.queued()

    await asyncio.gather(pg_sync.apply(message_id, payload), pg_sync.apply(message_id, payload))

    assert await pg_sync.scalar("SELECT count(*) FROM users") == 1
    assert await pg_sync.scalar("SELECT count(*) FROM outbox WHERE topic = 'email.send'") == 1


async def _deleted(sync: Sync, subject: str, email: str) -> str:
    await sync.deliver("user.created", clerk_user(subject, email=email), f"c-{subject}")
    await sync.deliver("user.deleted", {"id": subject, "deleted": True}, f"d-{subject}")
    for message_id, payload in await sync.queued():
        await sync.apply(message_id, payload)
    async with sync.uow() as uow:
        user = await uow.users.get_by_subject(subject)
    assert user is not None and user.is_deleted
    return user.id


async def test_get_deleted_by_email_finds_the_latest_deleted_in_any_case(sync: Sync) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def user(subject: str, email: str, deleted_at: datetime | None) -> User:
        return User(new_id(), subject, email, None, None, None, None, t0, t0, deleted_at)

    older = user("user_a", "Mixed@Example.com", t0 + timedelta(days=1))
    newer = user("user_b", "mixed@example.com", t0 + timedelta(days=2))
    active = user("user_c", "MIXED@example.com", None)
    async with sync.uow() as uow:
        for row in (older, newer, active):
            assert await uow.users.add(row)
        await uow.commit()

    async with sync.uow() as uow:
        found = await uow.users.get_deleted_by_email("MIXED@EXAMPLE.COM")
        missing = await uow.users.get_deleted_by_email("nobody@example.com")

    assert found == newer and missing is None


async def test_racing_recoveries_of_one_account_give_one_user(pg_sync: Sync) -> None:
    old_id = await _deleted(pg_sync, "user_old", "race@example.com")
    await pg_sync.deliver("user.created", clerk_user("user_new", email="race@example.com"), "c2")
    message_id, payload = (await pg_sync.queued())[-1]  # the new identity's user.created
    token = VerifiedToken("user_new", "race@example.com", None, False)

    results = await asyncio.gather(pg_sync.apply(message_id, payload), pg_sync.resolve(token))

    assert results[1].user_id == old_id
    live = "SELECT {} FROM users WHERE deleted_at IS NULL"
    assert await pg_sync.scalar(live.format("count(*)")) == 1
    assert await pg_sync.scalar(live.format("subject")) == "user_new"
    # the old identity keeps one tombstone, so a late event for it cannot provision a ghost
    grave = "SELECT count(*) FROM users WHERE subject = 'user_old' AND deleted_at IS NOT NULL"
    assert await pg_sync.scalar(grave) == 1
    recovery_mail = "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'account-recovery-email:%'"
    assert await pg_sync.scalar(recovery_mail) == 1


# --- out-of-order deliveries (issue 7, item 4) -----------------------------------------------

T0 = 1_790_000_000_000


async def _apply_all(sync: Sync) -> None:
    for message_id, payload in await sync.queued():
        await sync.apply(message_id, payload)


async def test_out_of_order_updates_and_a_delete_before_its_create(sync: Sync) -> None:
    await sync.deliver("user.created", clerk_user("user_o", updated_at_ms=T0), "o1")
    await sync.deliver(
        "user.updated", clerk_user("user_o", first_name="New", updated_at_ms=T0 + 2), "o2"
    )
    await sync.deliver(
        "user.updated", clerk_user("user_o", first_name="Old", updated_at_ms=T0 + 1), "o3"
    )
    await sync.deliver("user.deleted", {"id": "user_gone", "deleted": True}, "g1")
    await sync.deliver("user.created", clerk_user("user_gone", email="g@example.com"), "g2")
    await _apply_all(sync)

    async with sync.uow() as uow:
        kept = await uow.users.get_by_subject("user_o")
        grave = await uow.users.get_by_subject("user_gone")
    assert kept is not None and kept.first_name == "New"
    assert kept.provider_updated_at == datetime.fromtimestamp((T0 + 2) / 1000, tz=UTC)
    assert grave is not None and grave.is_deleted and grave.email is None
    assert await sync.scalar("SELECT count(*) FROM users") == 2
    assert await sync.scalar("SELECT count(*) FROM profiles") == 1
    with pytest.raises(AccountDeleted):
        await sync.resolve(VerifiedToken("user_gone", "g@example.com", None, False))


async def test_an_older_update_that_read_first_cannot_overwrite_a_newer_one(
    pg_sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving that loses an update without a row lock: the older event reads the user
    and stalls; the newer one is applied meanwhile; then the older one writes. With the lock the
    newer waits for the older, then finds it older and applies itself on top."""
    await pg_sync.deliver("user.created", clerk_user("user_cc", updated_at_ms=T0), "c1")
    await _apply_all(pg_sync)
    old = clerk_user("user_cc", first_name="Old", updated_at_ms=T0 + 1)
    new = clerk_user("user_cc", first_name="New", updated_at_ms=T0 + 2)
    await pg_sync.deliver("user.updated", old, "u1")
    await pg_sync.deliver("user.updated", new, "u2")
    (_, _), (old_id, old_payload), (new_id, new_payload) = await pg_sync.queued()
    read_it, go_on = asyncio.Event(), asyncio.Event()
    real = SqlUserRepository.get_by_subject

    async def stall_first_reader(self, subject, *, for_update=False):  # type: ignore[no-untyped-def]
        found = await real(self, subject, for_update=for_update)
        if not read_it.is_set():
            read_it.set()
            await go_on.wait()
        return found

    monkeypatch.setattr(SqlUserRepository, "get_by_subject", stall_first_reader)
    older = asyncio.create_task(pg_sync.apply(old_id, old_payload))
    await asyncio.wait_for(read_it.wait(), 5)
    newer = asyncio.create_task(pg_sync.apply(new_id, new_payload))
    await asyncio.wait([newer], timeout=1)  # without a lock it completes here
    go_on.set()
    await asyncio.wait_for(asyncio.gather(older, newer), 10)

    assert await pg_sync.scalar("SELECT first_name FROM users") == "New"


@pytest.mark.parametrize("attempt", range(3))
async def test_a_delete_racing_its_create_ends_deleted(pg_sync: Sync, attempt: int) -> None:
    await pg_sync.deliver("user.created", clerk_user("user_rc", email="rc@example.com"), "c1")
    await pg_sync.deliver("user.deleted", {"id": "user_rc", "deleted": True}, "d1")
    queued = await pg_sync.queued()
    if attempt % 2:
        queued.reverse()

    await asyncio.gather(*(pg_sync.apply(mid, payload) for mid, payload in queued))

    assert await pg_sync.scalar("SELECT count(*) FROM users") == 1
    assert await pg_sync.scalar("SELECT count(*) FROM users WHERE deleted_at IS NOT NULL") == 1
