"""Gateway outages, dashboard refunds and racing refunds (through the real app)."""

from __future__ import annotations

import asyncio

from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


async def test_gateway_down_at_order_time_fails_the_payment_cleanly(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    shop.razorpay.fail_next(1, status=503, path="/v1/orders")
    r = await shop.client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
    )
    assert r.status == 503 and (await r.json())["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert shop.razorpay.calls("POST", "/v1/orders") == 1  # never retried: no duplicate order
    history = await (await shop.client.get("/api/v1/payments/history", headers=bearer(t))).json()
    assert [p["status"] for p in history["data"]] == ["FAILED"]
    again = await shop.buy(t)  # the failed attempt is not reused
    assert again["paymentId"] != history["data"][0]["id"]


async def test_gateway_down_at_verify_time_is_caught_up_by_reconciliation(
    shop: Shop, token
) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    shop.razorpay.fail_next(4, status=502)  # the first try and every retry
    r = await shop.verify(t, order["orderId"], paid["id"])
    assert r.status == 503
    from datetime import timedelta

    from application.payments.reconciliation import ReconcilePayments
    from application.ports.clock import SystemClock

    class Later(SystemClock):
        def now(self):  # type: ignore[no-untyped-def]
            return super().now() + timedelta(minutes=6)

    uc = shop.container.payments
    report = await ReconcilePayments(
        shop.container.infrastructure.uow(), uc.payment_settlement(), uc.refund_payment(), Later()
    )()
    assert report.completed == 1
    balance = await (await shop.client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 600


async def test_a_refund_made_at_the_dashboard_arrives_by_webhook(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    await shop.verify(t, order["orderId"], paid["id"])
    shop.razorpay.refund_at_dashboard(paid["id"], 49_900)
    for hook in [h for h in shop.razorpay.sent_webhooks if h.event.startswith("refund.")]:
        await shop.deliver(hook)
    await shop.run_webhook_jobs()
    detail = await (
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    ).json()
    assert detail["data"]["status"] == "REFUNDED"
    assert detail["data"]["refunds"][0]["creditsClawed"] == 600
    balance = await (await shop.client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 0
    refund_emails = await shop.scalar(
        "SELECT count(*) FROM outbox WHERE dedupe_key LIKE :k", k="refund-initiated:%:email"
    )
    assert refund_emails == 1


async def test_racing_admin_refunds_never_exceed_the_capture(pg_shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    shop = pg_shop
    t, admin = token(), token(admin=True)
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    await shop.verify(t, order["orderId"], paid["id"])
    url = f"/api/v1/admin/payments/{order['paymentId']}/refund"
    answers = await asyncio.gather(
        *(
            shop.client.post(
                url,
                json={"amount": 20_000, "reason": f"r{i}"},
                headers={**bearer(admin), "Idempotency-Key": f"racing-refund-{i}"},
            )
            for i in range(5)
        )
    )
    statuses = sorted(a.status for a in answers)
    assert statuses == [200, 200, 400, 400, 400]
    assert sum(r["amount"] for r in shop.razorpay.refunds.values()) == 40_000
    detail = await (
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(admin))
    ).json()
    assert detail["data"]["status"] == "PARTIALLY_REFUNDED"
    assert detail["data"]["refundedAmount"] == 40_000


async def test_a_dashboard_refund_quoting_another_payments_refund_id_is_its_own(
    shop: Shop, token
) -> None:  # type: ignore[no-untyped-def]
    """The refund notes are free text in the dashboard: an id there that is not a refund of this
    payment must not be taken as ours (it would name another payment's refund)."""
    t, admin = token(), token(admin=True)
    first, second = await shop.buy(t), await shop.buy(t, plan="plan_starter")
    paid = [shop.razorpay.pay(o["orderId"]) for o in (first, second)]
    for order, p in zip((first, second), paid, strict=True):
        assert (await shop.verify(t, order["orderId"], p["id"])).status == 200
    r = await shop.client.post(
        f"/api/v1/admin/payments/{first['paymentId']}/refund",
        json={"amount": 10_000, "reason": "goodwill"},
        headers={**bearer(admin), "Idempotency-Key": "refund-first-payment"},
    )
    assert r.status == 200, await r.text()
    ours = (await r.json())["data"]["refund"]
    shop.razorpay.refund_at_dashboard(paid[1]["id"], 9_900, notes={"refund_id": ours["id"]})
    for hook in [h for h in shop.razorpay.sent_webhooks if h.event.startswith("refund.")]:
        await shop.deliver(hook)
    await shop.run_webhook_jobs()
    for order, refunded in ((first, 10_000), (second, 9_900)):
        detail = await (
            await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
        ).json()
        assert [x["amount"] for x in detail["data"]["refunds"]] == [refunded]
    detail = await (
        await shop.client.get(f"/api/v1/payments/{first['paymentId']}", headers=bearer(t))
    ).json()
    assert detail["data"]["refunds"][0]["gatewayRefundId"] == ours["gatewayRefundId"]
