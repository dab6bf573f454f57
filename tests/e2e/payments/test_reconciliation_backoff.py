"""Reconciliation backs off per payment: payments whose gateway lookup always fails (an order the
gateway no longer knows, e.g. after a key rotation) cannot fill every batch and starve newer ones.
Through the real app and the fake Razorpay, on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from application.payments.reconciliation import BATCH
from application.ports.clock import SystemClock
from domain.payments.events import EventContext
from domain.payments.payment import Payment
from domain.request_context import NO_REQUEST
from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


async def _orphans(shop: Shop, user_id: str, count: int) -> list[str]:
    """``count`` PENDING payments, two hours old, on orders the gateway does not know."""
    then = SystemClock().now() - timedelta(hours=2)
    ids = []
    async with shop.container.infrastructure.uow()() as uow:
        plan = await uow.plans.get("plan_pro")
        assert plan is not None
        for i in range(count):
            ctx = EventContext(
                request=NO_REQUEST, actor=user_id, source="test", now=then + timedelta(seconds=i)
            )
            opened = Payment.open(
                payment_id=f"00000000-0000-7000-8000-{i:012d}",
                user_id=user_id,
                plan=plan,
                receipt=f"rcpt_orphan_{i}",
                ctx=ctx,
            )
            attached = opened.payment.attach_order(f"order_Rotated{i:08d}", ctx)
            await uow.payments.add(attached.payment)
            ids.append(attached.payment.id)
        await uow.commit()
    return ids


async def _user_id(shop: Shop, t: str) -> str:
    profile = await (await shop.client.get("/api/v1/profile", headers=bearer(t))).json()
    return str(profile["data"]["userId"])


async def test_payments_that_always_fail_do_not_starve_a_newer_one(shop: Shop, token: Any) -> None:
    t = token()
    orphans = await _orphans(shop, await _user_id(shop, t), BATCH + 1)
    order = await shop.buy(t)
    shop.razorpay.pay(order["orderId"])  # paid, but the browser never called verify

    first = await shop.reconcile(later_by=timedelta(minutes=6))
    assert first.checked == BATCH and len(first.errors) == BATCH  # the oldest, all failing
    lookups = shop.razorpay.calls("GET", "/v1/orders/order_Rotated")

    second = await shop.reconcile(later_by=timedelta(minutes=11))
    assert second.completed == 1, second
    status = await shop.scalar("SELECT status FROM payments WHERE id = :p", p=order["paymentId"])
    assert status == "COMPLETED"
    # the 100 that failed wait their turn: only the one left out of the first batch was asked
    assert shop.razorpay.calls("GET", "/v1/orders/order_Rotated") == lookups + 1
    assert second.errors == [orphans[-1]]


async def test_the_backoff_grows_is_capped_and_resets_when_the_gateway_answers(
    shop: Shop, token: Any
) -> None:
    from application.payments.reconciliation import MAX_BACKOFF

    t = token()
    [orphan] = await _orphans(shop, await _user_id(shop, t), 1)
    later = timedelta(minutes=6)
    waits = []
    for _ in range(12):
        report = await shop.reconcile(later_by=later)
        assert report.errors == [orphan]
        next_at = await shop.scalar(
            "SELECT next_reconcile_at FROM payments WHERE id = :p", p=orphan
        )
        wait = _aware(next_at) - (SystemClock().now() + later)
        waits.append(round(wait.total_seconds() / 60))  # minutes (the test's clock ran on)
        nothing = await shop.reconcile(later_by=later + wait - timedelta(seconds=30))
        assert nothing.checked == 0  # not due before its time
        later += wait + timedelta(seconds=1)
    cap = MAX_BACKOFF // timedelta(minutes=1)
    assert waits == [10, 20, 40, 80, 160, 320] + [cap] * 6 and cap == 360

    # the order turns out to exist after all (the key came back): checked, and the slate is clean
    order = await shop.container.infrastructure.payment_gateway().create_order(
        amount=49_900, currency="INR", receipt="rcpt_back", notes={}
    )
    async with shop.container.infrastructure.uow()() as uow:
        await uow.connection.execute(
            sa.text("UPDATE payments SET gateway_order_id = :o WHERE id = :p"),
            {"o": order.id, "p": orphan},
        )
        await uow.commit()
    report = await shop.reconcile(later_by=later)
    assert report.checked == 1 and report.errors == []
    attempts = await shop.scalar("SELECT reconcile_failures FROM payments WHERE id = :p", p=orphan)
    assert attempts == 0
    assert (
        await shop.scalar("SELECT next_reconcile_at FROM payments WHERE id = :p", p=orphan) is None
    )


def _aware(value: Any) -> Any:
    from datetime import UTC, datetime

    if isinstance(value, str):  # SQLite hands raw text to sa.text() queries
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
