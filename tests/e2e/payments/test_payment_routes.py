"""Plans and payments through the real app and the fake Razorpay (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import timedelta

from application.payments.reconciliation import ReconcilePayments
from application.ports.clock import SystemClock
from domain.request_context import NO_REQUEST
from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


class Later(SystemClock):
    def __init__(self, hours: float) -> None:
        self.delta = timedelta(hours=hours)

    def now(self):  # type: ignore[no-untyped-def]
        return super().now() + self.delta


async def _json(response):  # type: ignore[no-untyped-def]
    return await response.json()


async def test_plans_are_public_and_priced_by_the_server(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    plans = (await _json(await shop.client.get("/api/v1/plans")))["data"]
    assert [(p["id"], p["amount"], p["credits"]) for p in plans] == [
        ("plan_starter", 9_900, 100),
        ("plan_pro", 49_900, 600),
        ("plan_enterprise", 199_900, 3_000),
    ]
    one = await shop.client.get("/api/v1/plans/plan_pro")
    assert (await one.json())["data"]["name"] == "Pro"
    missing = await shop.client.get("/api/v1/plans/plan_nope")
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "NOT_FOUND"
    t = token()
    sneaky = await shop.client.post(
        "/api/v1/payments/create-order",
        headers=bearer(t),
        json={"planId": "plan_pro", "amount": 100},
    )
    assert sneaky.status == 400 and (await sneaky.json())["error"]["code"] == "VALIDATION_ERROR"
    anonymous = await shop.client.post("/api/v1/payments/create-order", json={"planId": "plan_pro"})
    assert anonymous.status == 401


async def test_buy_a_plan_end_to_end(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    assert order["keyId"] == shop.razorpay.key_id and order["amount"] == 49_900
    assert shop.razorpay.orders[order["orderId"]]["receipt"] == order["receipt"]
    paid = shop.razorpay.pay(order["orderId"])
    r = await shop.verify(t, order["orderId"], paid["id"])
    assert r.status == 200, await r.text()
    assert (await r.json())["data"] == {
        "status": "COMPLETED",
        "paymentId": order["paymentId"],
        "creditsAdded": 600,
        "balance": 600,
    }
    balance = await _json(await shop.client.get("/api/v1/credits/balance", headers=bearer(t)))
    assert balance["data"]["balance"] == 600
    history = await _json(await shop.client.get("/api/v1/payments/history", headers=bearer(t)))
    assert [p["status"] for p in history["data"]] == ["COMPLETED"]
    detail = await _json(
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    )
    assert [e["type"] for e in detail["data"]["events"]] == ["CREATED", "ORDER_CREATED", "CAPTURED"]
    again = await shop.verify(t, order["orderId"], paid["id"])
    assert (await again.json())["data"]["balance"] == 600
    assert (
        await shop.scalar("SELECT count(*) FROM ledger_transactions WHERE type = 'PURCHASE'") == 1
    )


async def test_bad_signature_other_users_order_and_mismatch(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    owner, thief = token(), token()
    order = await shop.buy(owner)
    paid = shop.razorpay.pay(order["orderId"])
    forged = await shop.verify(owner, order["orderId"], paid["id"], signature="ab" * 32)
    assert forged.status == 400 and (await forged.json())["error"]["code"] == "PAYMENT_FAILED"
    stolen = await shop.verify(thief, order["orderId"], paid["id"])
    assert stolen.status == 404
    peek = await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(thief))
    assert peek.status == 404
    assert await shop.scalar("SELECT count(*) FROM ledger_transactions") == 0
    # a second order paid with a different amount: nothing credited, flagged
    other = await shop.buy(owner, "plan_starter")
    short = shop.razorpay.pay(other["orderId"], amount=100)
    r = await shop.verify(owner, other["orderId"], short["id"])
    assert r.status == 400 and (await r.json())["error"]["code"] == "PAYMENT_FAILED"
    detail = await _json(
        await shop.client.get(f"/api/v1/payments/{other['paymentId']}", headers=bearer(owner))
    )
    assert detail["data"]["status"] != "COMPLETED"
    assert "AMOUNT_MISMATCH" in detail["data"]["flags"]
    assert "AMOUNT_MISMATCH" in [e["type"] for e in detail["data"]["events"]]
    assert (
        await shop.scalar(
            "SELECT count(*) FROM ledger_transactions WHERE payment_id = :p", p=other["paymentId"]
        )
        == 0
    )


async def test_authorized_but_not_captured_is_processing(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"], outcome="authorized")
    r = await shop.verify(t, order["orderId"], paid["id"])
    assert r.status == 202 and (await r.json())["data"]["status"] == "PROCESSING"
    shop.razorpay.capture(paid["id"])
    detail = await _json(
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    )
    assert detail["data"]["status"] == "COMPLETED"  # refreshed from the gateway on read


async def test_webhooks_signatures_replays_and_the_alias(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    captured = next(h for h in shop.razorpay.sent_webhooks if h.event == "payment.captured")
    tampered = captured.__class__(
        captured.event, captured.event_id, captured.body + b" ", captured.headers
    )
    r = await shop.deliver(tampered)
    assert r.status == 403 and (await r.json())["error"]["code"] == "INVALID_SIGNATURE"
    unsigned = {k: v for k, v in captured.headers.items() if k != "X-Razorpay-Signature"}
    r = await shop.client.post("/webhooks/v1/razorpay", data=captured.body, headers=unsigned)
    assert r.status == 403
    assert await shop.scalar("SELECT count(*) FROM webhook_inbox") == 0
    first = await shop.deliver(captured)
    assert (await first.json())["data"] == {"received": True, "duplicate": False}
    replay = await shop.deliver(captured, path="/api/v1/payments/webhook")
    assert (await replay.json())["data"] == {"received": True, "duplicate": True}
    assert await shop.run_webhook_jobs() == 1
    history = await _json(await shop.client.get("/api/v1/payments/history", headers=bearer(t)))
    assert history["data"][0]["status"] == "COMPLETED"
    assert history["data"][0]["gatewayPaymentId"] == paid["id"]


async def test_failed_then_captured_completes(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    declined = shop.razorpay.pay(order["orderId"], outcome="failed")
    await shop.deliver(next(h for h in shop.razorpay.sent_webhooks if h.event == "payment.failed"))
    await shop.run_webhook_jobs()
    status = await _json(
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    )
    assert status["data"]["status"] == "FAILED" and declined["id"]
    shop.razorpay.pay(order["orderId"])  # the customer retries on the same order
    for hook in shop.razorpay.sent_webhooks:
        await shop.deliver(hook)
    await shop.run_webhook_jobs()
    status = await _json(
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    )
    assert status["data"]["status"] == "COMPLETED"
    templates = await shop.scalar(
        "SELECT count(*) FROM outbox WHERE topic = 'email.send' AND dedupe_key LIKE 'payment-%'"
    )
    assert templates == 2  # one failure e-mail, one success e-mail


async def test_captured_after_cancel_is_completed_and_flagged(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    order = await shop.buy(t)
    uc = shop.container.payments
    late = ReconcilePayments(
        shop.container.infrastructure.uow(),
        uc.payment_settlement(),
        uc.refund_payment(),
        Later(hours=25),
    )
    report = await late()
    assert report.cancelled == 1
    shop.razorpay.pay(order["orderId"])
    report = await late()
    assert report.completed == 1
    detail = await _json(
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    )
    assert detail["data"]["status"] == "COMPLETED"
    assert "CAPTURED_AFTER_CANCEL" in detail["data"]["flags"]
    assert detail["data"]["cancelledAt"] and detail["data"]["completedAt"]
    assert NO_REQUEST.ip is None


async def test_admin_refund_claws_back_proportionally(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t, admin = token(), token(admin=True)
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    await shop.verify(t, order["orderId"], paid["id"])
    url = f"/api/v1/admin/payments/{order['paymentId']}/refund"
    denied = await shop.client.post(url, json={"reason": "x"}, headers=bearer(t))
    assert denied.status == 403
    r = await shop.client.post(
        url,
        json={"amount": 24_950, "reason": "half"},
        headers={**bearer(admin), "Idempotency-Key": "refund-1"},
    )
    assert r.status == 200, await r.text()
    data = (await r.json())["data"]
    assert data["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert data["refund"]["creditsClawed"] == 300 and data["refund"]["status"] == "APPLIED"
    replay = await shop.client.post(
        url,
        json={"amount": 24_950, "reason": "half"},
        headers={**bearer(admin), "Idempotency-Key": "refund-1"},
    )
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert len(shop.razorpay.refunds) == 1
    too_much = await shop.client.post(
        url,
        json={"amount": 30_000, "reason": "more"},
        headers={**bearer(admin), "Idempotency-Key": "refund-2"},
    )
    assert too_much.status == 400
    balance = await _json(await shop.client.get("/api/v1/credits/balance", headers=bearer(t)))
    assert balance["data"]["balance"] == 300
    rest = await shop.client.post(
        url, json={"reason": "rest"}, headers={**bearer(admin), "Idempotency-Key": "refund-3"}
    )
    assert (await rest.json())["data"]["paymentStatus"] == "REFUNDED"
    balance = await _json(await shop.client.get("/api/v1/credits/balance", headers=bearer(t)))
    assert balance["data"]["balance"] == 0


async def test_create_order_reuses_only_an_order_razorpay_still_knows(shop: Shop, token) -> None:  # type: ignore[no-untyped-def]
    t = token()
    first = await shop.buy(t)
    again = await shop.buy(t)
    assert again["reused"] and again["orderId"] == first["orderId"]
    assert shop.razorpay.calls("GET", f"/v1/orders/{first['orderId']}") == 1  # asked first
    del shop.razorpay.orders[first["orderId"]]  # e.g. the keys now point at another account
    fresh = await shop.buy(t)
    assert not fresh["reused"] and fresh["orderId"] != first["orderId"]
    assert fresh["orderId"] in shop.razorpay.orders
    lost = await shop.client.get(f"/api/v1/payments/{first['paymentId']}", headers=bearer(t))
    assert lost.status == 200
    assert (await lost.json())["data"]["status"] == "CANCELLED"
    # a paid order is not handed out again either (verify or reconciliation settles it)
    shop.razorpay.pay(fresh["orderId"])
    newest = await shop.buy(t)
    assert not newest["reused"] and newest["orderId"] != fresh["orderId"]
