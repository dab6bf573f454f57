"""Webhooks, refunds and reconciliation on memory adapters and the sandbox gateway."""

from __future__ import annotations

import json
from typing import Any

import pytest

from application.payments.signatures import hmac_sha256_hex
from application.ports.outbox_commands import SettleFromRazorpayWebhook
from application.ports.payment_gateway import GatewayRejected
from domain.errors import Forbidden
from domain.payments.errors import InvalidWebhookSignature, RefundExceedsCaptured
from domain.payments.payment import FLAG_CAPTURED_AFTER_CANCEL
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus
from tests.unit.payments.conftest import WEBHOOK_SECRET, PaymentsWorld


def _event(order_id: str, payment_id: str, event: str = "payment.captured") -> bytes:
    body = {
        "entity": "event",
        "event": event,
        "contains": ["payment"],
        "payload": {"payment": {"entity": {"id": payment_id, "order_id": order_id}}},
    }
    return json.dumps(body).encode()


async def _paid(world: PaymentsWorld, who: str = "mira") -> tuple[Any, Any]:
    user = await world.user(who)
    created = await world.uc("create_order")(user, "plan_pro", world.meta)
    order_id = created.payment.gateway_order_id
    pay_id, sig = world.gateway.complete_checkout(order_id)
    await world.uc("verify_payment")(
        user, order_id=order_id, gateway_payment_id=pay_id, signature=sig, meta=world.meta
    )
    return user, created.payment


async def _run_webhook_jobs(world: PaymentsWorld) -> int:
    process = world.uc("process_razorpay_webhook")
    jobs = [m for m in world.outbox() if m["topic"] == SettleFromRazorpayWebhook.TOPIC]
    for job in jobs:
        await process(job["id"], job["payload"])
    return len(jobs)


async def test_webhooks_are_verified_stored_once_and_settle_the_payment(
    world: PaymentsWorld,
) -> None:
    user = await world.user("kai")
    created = await world.uc("create_order")(user, "plan_starter", world.meta)
    order_id = created.payment.gateway_order_id
    pay_id, _ = world.gateway.complete_checkout(order_id)
    receive = world.uc("receive_razorpay_webhook")
    body = _event(order_id, pay_id)
    with pytest.raises(InvalidWebhookSignature):
        await receive(body, signature="bad", event_id="evt_1", meta=world.meta)
    with pytest.raises(InvalidWebhookSignature):
        await receive(body, signature=None, event_id="evt_1", meta=world.meta)
    assert world.outbox() == []
    good = hmac_sha256_hex(WEBHOOK_SECRET, body)
    assert await receive(body, signature=good, event_id="evt_1", meta=world.meta) is True
    assert await receive(body, signature=good, event_id="evt_1", meta=world.meta) is False
    assert await _run_webhook_jobs(world) == 1
    assert world.ledger.purchases == {created.payment.id: (user.user_id, 100)}
    assert await _run_webhook_jobs(world) == 1  # a redelivered job finds the webhook processed
    assert world.ledger.balances[user.user_id] == 100


async def test_a_webhook_for_an_unknown_order_is_stored_and_ignored(world: PaymentsWorld) -> None:
    body = _event("order_NotOurs0000000", "pay_X", "payment.failed")
    await world.uc("receive_razorpay_webhook")(
        body, signature=hmac_sha256_hex(WEBHOOK_SECRET, body), event_id=None, meta=world.meta
    )
    assert await _run_webhook_jobs(world) == 1
    assert world.ledger.purchases == {}


async def test_partial_then_full_refund_claws_back_all_credits(world: PaymentsWorld) -> None:
    admin = await world.user("root", admin=True)
    user, payment = await _paid(world)
    refund = world.uc("refund_payment")
    first = await refund(
        admin, payment.id, amount=24_950, reason="half", request_key="k1", meta=world.meta
    )
    assert first.payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert first.refund.status is RefundStatus.APPLIED and first.refund.credits_clawed == 300
    world.ledger.spend(user.user_id, 250)  # the customer spent some: only 50 left
    rest = await refund(
        admin, payment.id, amount=None, reason="rest", request_key="k2", meta=world.meta
    )
    assert rest.payment.status is PaymentStatus.REFUNDED
    assert (rest.refund.credits_clawed, rest.refund.credits_shortfall) == (50, 250)
    assert world.ledger.balances[user.user_id] == 0
    with pytest.raises(RefundExceedsCaptured):
        await refund(admin, payment.id, amount=1, reason="more", request_key="k3", meta=world.meta)
    templates = [m["payload"].get("template") for m in world.outbox()]
    assert templates.count("refund-initiated") == 2


async def test_refunds_are_for_admins_and_never_above_the_capture(world: PaymentsWorld) -> None:
    user, payment = await _paid(world)
    with pytest.raises(Forbidden):
        await world.uc("refund_payment")(
            user, payment.id, amount=None, reason="x", request_key="k", meta=world.meta
        )
    admin = await world.user("root", admin=True)
    with pytest.raises(RefundExceedsCaptured):
        await world.uc("refund_payment")(
            admin, payment.id, amount=49_901, reason="x", request_key="k", meta=world.meta
        )


async def test_a_refused_refund_is_recorded_and_releases_the_amount(
    world: PaymentsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await world.user("root", admin=True)
    _, payment = await _paid(world)

    async def refuse(*args: object, **kwargs: object) -> None:
        raise GatewayRejected(
            "refund not allowed", gateway_status=400, gateway_code="BAD_REQUEST_ERROR"
        )

    monkeypatch.setattr(world.gateway, "refund", refuse)
    with pytest.raises(GatewayRejected):
        await world.uc("refund_payment")(
            admin, payment.id, amount=100, reason="x", request_key="k", meta=world.meta
        )
    async with world.container.infrastructure.uow()() as uow:
        stored = await uow.payments.get(payment.id)
    assert stored is not None and stored.status is PaymentStatus.COMPLETED
    assert [r.status for r in stored.refunds] == [RefundStatus.FAILED]
    assert stored.refundable_amount == 49_900


async def test_reconciliation_cancels_stale_orders_and_a_late_capture_still_completes(
    world: PaymentsWorld,
) -> None:
    user = await world.user("lee")
    created = await world.uc("create_order")(user, "plan_pro", world.meta)
    reconcile = world.uc("reconcile_payments")
    world.clock.advance(minutes=6)
    report = await reconcile()
    assert (report.checked, report.cancelled) == (1, 0)
    world.clock.advance(hours=24)
    report = await reconcile()
    assert report.cancelled == 1
    async with world.container.infrastructure.uow()() as uow:
        cancelled = await uow.payments.get(created.payment.id)
    assert cancelled is not None and cancelled.status is PaymentStatus.CANCELLED
    # the customer had the checkout open all along and pays now
    order_id = created.payment.gateway_order_id
    pay_id, sig = world.gateway.complete_checkout(order_id)
    done = await world.uc("verify_payment")(
        user, order_id=order_id, gateway_payment_id=pay_id, signature=sig, meta=world.meta
    )
    assert done.status is PaymentStatus.COMPLETED
    assert FLAG_CAPTURED_AFTER_CANCEL in done.payment.flags
    assert world.ledger.balances[user.user_id] == 600


async def test_reconciliation_completes_a_payment_nobody_verified(world: PaymentsWorld) -> None:
    user = await world.user("zoe")
    created = await world.uc("create_order")(user, "plan_enterprise", world.meta)
    world.gateway.complete_checkout(created.payment.gateway_order_id)  # browser closed: no verify
    world.clock.advance(minutes=5)
    report = await world.uc("reconcile_payments")()
    assert report.completed == 1
    assert world.ledger.balances[user.user_id] == 3_000
    assert (await world.uc("reconcile_payments")()).checked == 0
