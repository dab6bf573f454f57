"""Plan and payment repositories: a contract on memory, PostgreSQL and SQLite; what only the
database enforces (check constraints, the append-only trail) on SQL alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.pagination import PageRequest, decode_cursor
from application.ports.clock import SystemClock
from application.ports.storage_errors import DuplicateKey
from domain.identity.user import User
from domain.ids import new_id
from domain.payments.events import EventContext
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.status import PaymentStatus
from domain.request_context import RequestContext

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def ctx(minutes: int = 0) -> EventContext:
    return EventContext(
        actor="u",
        source="test",
        now=NOW + timedelta(minutes=minutes),
        request=RequestContext(ip="2001:db8::1", user_agent="it"),
    )


@pytest.fixture
def uow(contract_uow):
    """Every test that takes ``uow`` is a contract: memory, PostgreSQL and SQLite."""
    return contract_uow


@pytest.fixture
async def sql_uow(database_url):
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    await engine.dispose()


async def _user(uow) -> str:
    user_id = new_id()
    async with uow() as u:
        await u.users.add(
            User(
                id=user_id,
                subject=user_id,
                email="p@example.com",
                first_name="P",
                last_name=None,
                image_url=None,
                username=None,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        await u.commit()
    return user_id


async def _payment(uow, user_id: str, minutes: int = 0) -> Payment:
    async with uow() as u:
        plan = await u.plans.get("plan_pro")
        payment_id = new_id()
        opened = Payment.open(
            payment_id=payment_id,
            user_id=user_id,
            plan=plan,
            receipt="rcpt_" + payment_id.replace("-", ""),
            ctx=ctx(minutes),
        )
        await u.payments.add(opened.payment)
        await u.payments.append_events(opened.events)
        attached = opened.payment.attach_order("order_" + payment_id[-12:], ctx(minutes))
        await u.payments.save(attached.payment)
        await u.payments.append_events(attached.events)
        await u.commit()
    return attached.payment


async def test_seeded_plans_and_plan_admin(uow):
    async with uow() as u:
        plans = await u.plans.list()
        assert [(p.plan_id, p.amount, p.credits) for p in plans] == [
            ("plan_starter", 9_900, 100),
            ("plan_pro", 49_900, 600),
            ("plan_enterprise", 199_900, 3_000),
        ]
        extra = Plan(
            plan_id="plan_x",
            name="X",
            amount=100,
            currency="INR",
            credits=1,
            description="",
            features=("a",),
            is_active=True,
            created_at=NOW,
            updated_at=NOW,
        )
        assert await u.plans.add(extra)
        assert not await u.plans.add(extra)
        await u.plans.save(extra.deactivate(NOW))
        await u.commit()
    async with uow() as u:
        assert [p.plan_id for p in await u.plans.list()] == [
            "plan_starter",
            "plan_pro",
            "plan_enterprise",
        ]
        stored = await u.plans.get("plan_x")
        assert stored is not None and not stored.is_active and stored.features == ("a",)


async def test_a_payment_round_trips_with_refunds_and_events(uow):
    user_id = await _user(uow)
    payment = await _payment(uow, user_id)
    done = payment.capture(
        gateway_payment_id="pay_A", amount=49_900, currency="INR", method="upi", ctx=ctx(1)
    )
    asked = done.payment.request_refund(refund_id=new_id(), amount=1_000, reason="x", ctx=ctx(2))
    async with uow() as u:
        locked = await u.payments.get(payment.id, for_update=True)
        assert locked == payment
        await u.payments.save(asked.payment)
        await u.payments.append_events(done.events + asked.events)
        await u.commit()
    async with uow() as u:
        loaded = await u.payments.get_by_order(payment.gateway_order_id)
        events = await u.payments.events(payment.id)
    assert loaded == asked.payment
    assert loaded.completed_at == NOW + timedelta(minutes=1)
    assert [e.type.value for e in events] == [
        "CREATED",
        "ORDER_CREATED",
        "CAPTURED",
        "REFUND_REQUESTED",
    ]
    assert events[0].ip == "2001:db8::1" and events[2].data["method"] == "upi"


async def test_history_pages_newest_first_and_filters(uow):
    user_id = await _user(uow)
    first = await _payment(uow, user_id, 0)
    second = await _payment(uow, user_id, 1)
    async with uow() as u:
        page = await u.payments.list_for_user(user_id, PageRequest(limit=1))
        assert [p.id for p in page.items] == [second.id]
        rest = await u.payments.list_for_user(
            user_id, PageRequest(limit=1, after=decode_cursor(page.next_cursor))
        )
        assert [p.id for p in rest.items] == [first.id] and rest.next_cursor is None
        none = await u.payments.list_for_user(user_id, PageRequest(), PaymentStatus.COMPLETED)
        assert none.items == []
        assert (await u.payments.find_reusable(user_id, "plan_pro", NOW)).id == second.id
        assert await u.payments.find_reusable(user_id, "plan_pro", NOW + timedelta(hours=1)) is None
        due = await _due(u, NOW + timedelta(minutes=5), NOW)
        assert due == [(first.id, 0), (second.id, 0)]
        await u.payments.save(first.cancel("stale", ctx(60)).payment)
        assert await _due(u, NOW, NOW) == [(first.id, 0)]
        assert await _due(u, NOW, NOW + timedelta(hours=2)) == []


async def _due(u, created_before, cancelled_after, now=NOW):  # type: ignore[no-untyped-def]
    checks = await u.payments.due_for_reconciliation(created_before, cancelled_after, 10, now=now)
    return [(c.payment_id, c.failed_checks) for c in checks]


async def test_deferred_payments_wait_and_the_failing_ones_come_last(uow):
    user_id = await _user(uow)
    first, second, third = [await _payment(uow, user_id, m) for m in (0, 1, 2)]
    later = NOW + timedelta(minutes=10)
    async with uow() as u:
        await u.payments.defer_reconciliation(
            first.id, failed_checks=1, until=NOW + timedelta(minutes=5)
        )
        await u.payments.defer_reconciliation(
            second.id, failed_checks=3, until=NOW + timedelta(minutes=30)
        )
        await u.commit()
    async with uow() as u:
        assert await _due(u, later, NOW, now=NOW) == [(third.id, 0)]
        # due again once its time came, but after the payments that never failed
        assert await _due(u, later, NOW, now=NOW + timedelta(minutes=5)) == [
            (third.id, 0),
            (first.id, 1),
        ]
        assert await _due(u, later, NOW, now=NOW + timedelta(minutes=30)) == [
            (third.id, 0),
            (first.id, 1),
            (second.id, 3),
        ]
        await u.payments.defer_reconciliation(first.id, failed_checks=0, until=None)
        await u.commit()
    async with uow() as u:
        assert await _due(u, later, NOW, now=NOW) == [(first.id, 0), (third.id, 0)]
        reloaded = await u.payments.get(first.id)
    assert reloaded == first  # the backoff is not part of the aggregate


async def test_unique_order_payment_and_receipt(uow):
    user_id = await _user(uow)
    a = await _payment(uow, user_id)
    b = await _payment(uow, user_id)
    captured = a.capture(
        gateway_payment_id="pay_A", amount=49_900, currency="INR", method="upi", ctx=ctx(1)
    ).payment
    async with uow() as u:
        await u.payments.save(captured)
        await u.commit()
    for clash in (
        replace(b, gateway_order_id=a.gateway_order_id),
        replace(b, gateway_payment_id="pay_A"),
    ):
        with pytest.raises(DuplicateKey):
            async with uow() as u:
                await u.payments.save(clash)
                await u.commit()
    for twin in (replace(b, id=new_id(), gateway_order_id=None), replace(a, receipt="other")):
        with pytest.raises(DuplicateKey):  # the same receipt; the same id
            async with uow() as u:
                await u.payments.add(twin)
                await u.commit()
    async with uow() as u:  # nothing of the refused writes stayed
        assert await u.payments.get(b.id) == b
        assert await u.payments.get_by_order(a.gateway_order_id) == captured


async def test_refunds_above_the_capture_are_refused_by_the_database(sql_uow):
    uow = sql_uow
    user_id = await _user(uow)
    payment = await _payment(uow, user_id)
    async with uow() as u:
        with pytest.raises(IntegrityError):
            await u.connection.execute(
                sa.text("UPDATE payments SET refunded_amount = 1 WHERE id = :id"),
                {"id": payment.id},
            )


@pytest.fixture
async def pg_uow(pg_url):
    engine = build_engine(pg_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    await engine.dispose()


async def test_payment_events_are_append_only_on_postgresql(pg_uow):
    uow = pg_uow
    user_id = await _user(uow)
    payment = await _payment(uow, user_id)
    for statement in (
        "UPDATE payment_events SET actor = 'x'",
        "DELETE FROM payment_events",
        f"DELETE FROM payments WHERE id = '{payment.id}'",
    ):
        async with uow() as u:
            with pytest.raises(DBAPIError, match="not allowed"):
                await u.connection.execute(sa.text(statement))
