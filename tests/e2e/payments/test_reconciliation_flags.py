"""Anomalies are flagged once: a gateway fact the payment cannot absorb leaves one trace, however
many times reconciliation (or a webhook, or a status refresh) sees it again. On both databases."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop


async def _flags(shop: Shop, payment_id: str) -> list[dict[str, Any]]:
    async with shop.container.infrastructure.uow()() as uow:
        events = await uow.payments.events(payment_id)
    return [dict(e.data) for e in events if e.type.value == "FLAGGED"]


async def test_a_refund_whose_amount_differs_at_the_gateway_is_flagged_once(
    impatient_shop: Shop, token: Any
) -> None:
    shop = impatient_shop
    t, admin = token(), token(admin=True)
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    assert (await shop.verify(t, order["orderId"], paid["id"])).status == 200
    shop.razorpay.lose_answers(4, path=f"/v1/payments/{paid['id']}/refund", delay=2.0)
    url = f"/api/v1/admin/payments/{order['paymentId']}/refund"
    headers = {**bearer(admin), "Idempotency-Key": "refund-amount-differs"}
    body = {"amount": 20_000, "reason": "goodwill"}
    assert (await shop.client.post(url, json=body, headers=headers)).status == 503
    [gateway_refund] = shop.razorpay.refunds.values()
    gateway_refund["amount"] = 19_000  # what the gateway says it refunded is not what we asked

    first = await shop.reconcile()
    second = await shop.reconcile()
    flags = await _flags(shop, order["paymentId"])
    assert [f["flag"] for f in flags] == ["REFUND_AMOUNT_MISMATCH"]
    assert first.refunds_resubmitted == second.refunds_resubmitted == 0  # it exists there
    assert flags[0]["gatewayRefundId"] == gateway_refund["id"]
    assert (flags[0]["amount"], flags[0]["expectedAmount"]) == (19_000, 20_000)

    # a webhook repeating the fact, a refresh and the admin's retry add nothing either
    for hook in [h for h in shop.razorpay.sent_webhooks if h.event.startswith("refund.")]:
        await shop.deliver(hook)
    await shop.run_webhook_jobs()
    retry = await shop.client.post(url, json=body, headers=headers)
    assert retry.status == 200, await retry.text()
    assert (await retry.json())["data"]["refund"]["status"] == "REQUESTED"
    detail = await (
        await shop.client.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(admin))
    ).json()
    assert detail["data"]["flags"] == ["REFUND_AMOUNT_MISMATCH"]
    assert len(await _flags(shop, order["paymentId"])) == 1
    assert len(shop.razorpay.refunds) == 1
    assert (
        await shop.scalar(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'REFUND' AND payment_id = :p",
            p=order["paymentId"],
        )
        == 0
    )  # nothing clawed back on an amount nobody agreed to: a human decides


async def test_a_gateway_fact_the_payment_cannot_take_is_flagged_once(
    shop: Shop, token: Any
) -> None:
    """A capture for another amount leaves the payment unpaid (AMOUNT_MISMATCH); a refund made at
    the dashboard for it cannot be applied. Reconciliation sees that refund on every run."""
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"], amount=100)
    shop.razorpay.refund_at_dashboard(paid["id"], 100)
    for _ in range(3):
        await shop.reconcile()
    flags = await _flags(shop, order["paymentId"])
    assert [f["flag"] for f in flags] == ["GATEWAY_FACT_REJECTED"]
    status = await shop.scalar("SELECT status FROM payments WHERE id = :p", p=order["paymentId"])
    assert status == "PENDING"
