"""A refund request has one identity (the admin's Idempotency-Key): a lost gateway answer, the
admin's retry and the reconciliation job all resolve that one refund, never send a second one."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.e2e.payments.conftest import Shop

BODY = {"amount": 20_000, "reason": "goodwill"}


async def _paid(shop: Shop, token: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    t = token()
    order = await shop.buy(t)
    paid = shop.razorpay.pay(order["orderId"])
    assert (await shop.verify(t, order["orderId"], paid["id"])).status == 200
    return t, order, paid


async def _refund_with_lost_answer(
    shop: Shop, admin: str, order: dict[str, Any], paid: dict[str, Any], key: str
) -> None:
    """Razorpay carries out the refund, but every answer (first try and the adapter's three
    retries) arrives after the client gave up: the admin sees 503."""
    shop.razorpay.lose_answers(4, path=f"/v1/payments/{paid['id']}/refund", delay=2.0)
    first = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json=BODY,
        headers={**bearer(admin), "Idempotency-Key": key},
    )
    assert first.status == 503, await first.text()
    assert (await first.json())["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert len(shop.razorpay.refunds) == 1  # it did happen at the gateway


async def _assert_one_refund(shop: Shop, payment_id: str) -> None:
    assert [r["amount"] for r in shop.razorpay.refunds.values()] == [20_000]
    assert (
        await shop.scalar(
            "SELECT count(*) FROM payment_refunds WHERE payment_id = :p", p=payment_id
        )
        == 1
    )
    assert (
        await shop.scalar(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'REFUND' AND payment_id = :p",
            p=payment_id,
        )
        == 1
    )
    assert (
        await shop.scalar(
            "SELECT count(*) FROM payment_events WHERE type = 'REFUND_APPLIED' AND payment_id = :p",
            p=payment_id,
        )
        == 1
    )


async def test_a_retried_refund_whose_answer_was_lost_pays_out_once(
    impatient_shop: Shop, token: Any
) -> None:
    shop = impatient_shop
    t, order, paid = await _paid(shop, token)
    admin = token(admin=True)
    await _refund_with_lost_answer(shop, admin, order, paid, "refund-lost-answer-0001")

    retry = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json=BODY,
        headers={**bearer(admin), "Idempotency-Key": "refund-lost-answer-0001"},
    )
    assert retry.status == 200, await retry.text()
    data = (await retry.json())["data"]
    assert data["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert data["refund"]["status"] == "APPLIED" and data["refund"]["amount"] == 20_000
    assert data["refund"]["gatewayRefundId"] == next(iter(shop.razorpay.refunds))
    await _assert_one_refund(shop, order["paymentId"])

    report = await shop.reconcile()
    assert report.refunds_resubmitted == 0 and not report.errors
    await _assert_one_refund(shop, order["paymentId"])
    balance = await (await shop.client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 600 - 240  # 20 000 / 49 900 of 600 credits, once


async def test_reconciliation_resolves_the_lost_refund_and_the_retry_finds_it(
    impatient_shop: Shop, token: Any
) -> None:
    shop = impatient_shop
    _, order, paid = await _paid(shop, token)
    admin = token(admin=True)
    await _refund_with_lost_answer(shop, admin, order, paid, "refund-lost-answer-0002")

    await shop.reconcile()
    await _assert_one_refund(shop, order["paymentId"])
    retry = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json=BODY,
        headers={**bearer(admin), "Idempotency-Key": "refund-lost-answer-0002"},
    )
    assert retry.status == 200, await retry.text()
    assert (await retry.json())["data"]["refund"]["status"] == "APPLIED"
    await _assert_one_refund(shop, order["paymentId"])
    await shop.reconcile()
    await _assert_one_refund(shop, order["paymentId"])


async def test_a_refund_without_an_idempotency_key_is_refused(shop: Shop, token: Any) -> None:
    _, order, _ = await _paid(shop, token)
    r = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json=BODY,
        headers=bearer(token(admin=True)),
    )
    assert r.status == 400
    error = (await r.json())["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == [{"field": "Idempotency-Key", "message": "required"}]
    assert shop.razorpay.refunds == {}
    assert (
        await shop.scalar(
            "SELECT count(*) FROM payment_refunds WHERE payment_id = :p", p=order["paymentId"]
        )
        == 0
    )


async def test_the_same_key_for_another_refund_is_a_duplicate_request(
    impatient_shop: Shop, token: Any
) -> None:
    """After a 503 the key is released, but the refund it names is not forgotten: reusing the key
    for another amount is refused, not turned into a second refund."""
    shop = impatient_shop
    _, order, paid = await _paid(shop, token)
    admin = token(admin=True)
    await _refund_with_lost_answer(shop, admin, order, paid, "refund-lost-answer-0003")
    other = await shop.client.post(
        f"/api/v1/admin/payments/{order['paymentId']}/refund",
        json={"amount": 10_000, "reason": "goodwill"},
        headers={**bearer(admin), "Idempotency-Key": "refund-lost-answer-0003"},
    )
    assert other.status == 409
    assert (await other.json())["error"]["code"] == "DUPLICATE_REQUEST"
    assert len(shop.razorpay.refunds) == 1


async def test_the_openapi_document_says_the_key_is_required(shop: Shop) -> None:
    document = await (await shop.client.get("/openapi.json")).json()
    operation = document["paths"]["/api/v1/admin/payments/{paymentId}/refund"]["post"]
    [key] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is True
    assert {"402", "409", "503"} <= set(operation["responses"])
