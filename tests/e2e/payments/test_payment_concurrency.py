"""Exactly-once completion under real concurrency (PostgreSQL)."""

from __future__ import annotations

import asyncio

from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


async def test_verify_and_ten_webhooks_at_once_complete_the_payment_once(
    pg_shop: Shop, token
) -> None:  # type: ignore[no-untyped-def]
    shop, fake = pg_shop, pg_shop.razorpay
    t = token()
    order = await shop.buy(t)
    paid = fake.pay(order["orderId"])
    entity, order_entity = fake.payments[paid["id"]], fake.orders[order["orderId"]]
    hooks = [fake.webhook("payment.captured", payment=entity) for _ in range(5)]
    hooks += [fake.webhook("order.paid", payment=entity, order=order_entity) for _ in range(5)]

    # every delivery at once, some twice (Razorpay retries with the same event id), and verify
    answers = await asyncio.gather(
        shop.verify(t, order["orderId"], paid["id"]),
        *(shop.deliver(h) for h in hooks + hooks[:4]),
    )
    assert answers[0].status == 200
    assert all(a.status == 200 for a in answers[1:])
    duplicates = [(await a.json())["data"]["duplicate"] for a in answers[1:]]
    assert sum(duplicates) == 4

    # the stored webhooks' jobs all run at once, racing another verify
    jobs = await shop.webhook_jobs()
    assert len(jobs) == 10
    process = shop.container.payments.process_razorpay_webhook()
    await asyncio.gather(
        shop.verify(t, order["orderId"], paid["id"]),
        *(process(message_id, payload) for message_id, payload in jobs),
    )

    pid = order["paymentId"]
    assert (
        await shop.scalar(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'PURCHASE' AND payment_id = :p",
            p=pid,
        )
        == 1
    )
    assert (
        await shop.scalar(
            "SELECT count(*) FROM payment_events WHERE payment_id = :p "
            "AND to_status = 'COMPLETED' AND from_status <> 'COMPLETED'",
            p=pid,
        )
        == 1
    )
    assert (
        await shop.scalar(
            "SELECT count(*) FROM outbox WHERE topic = 'email.send' AND dedupe_key LIKE :k",
            k=f"payment-success:{pid}%",
        )
        == 1
    )
    assert await shop.scalar("SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL") == 0
    balance = await (await shop.client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 600


async def test_two_customers_racing_many_orders_each_get_exactly_their_credits(
    pg_shop: Shop,
    token,  # type: ignore[no-untyped-def]
) -> None:
    shop, fake = pg_shop, pg_shop.razorpay
    buyers = [token() for _ in range(2)]
    orders = await asyncio.gather(
        *(shop.buy(t, plan) for t in buyers for plan in ("plan_starter", "plan_pro"))
    )
    paid = [fake.pay(o["orderId"]) for o in orders]
    owners = [t for t in buyers for _ in range(2)]
    await asyncio.gather(
        *(
            shop.verify(t, o["orderId"], p["id"])
            for _ in range(3)
            for t, o, p in zip(owners, orders, paid, strict=True)
        )
    )
    for t in buyers:
        balance = await (await shop.client.get("/api/v1/credits/balance", headers=bearer(t))).json()
        assert balance["data"]["balance"] == 700
    assert (
        await shop.scalar("SELECT count(*) FROM ledger_transactions WHERE type = 'PURCHASE'") == 4
    )
