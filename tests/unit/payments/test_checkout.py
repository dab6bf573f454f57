"""create-order → checkout → verify on memory adapters and the sandbox gateway."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from domain.payments.errors import (
    InvalidPaymentSignature,
    PaymentDeclined,
    PaymentNotFound,
    PaymentsDisabled,
    PlanNotFound,
    PlanNotOrderable,
)
from domain.payments.events import PaymentEventType
from domain.payments.status import PaymentStatus
from tests.unit.payments.conftest import PaymentsWorld


async def _order(world: PaymentsWorld, who: str = "asha", plan: str = "plan_pro"):  # type: ignore[no-untyped-def]
    user = await world.user(who)
    return user, await world.uc("create_order")(user, plan, world.meta)


async def test_create_order_writes_the_payment_then_opens_the_gateway_order(
    world: PaymentsWorld,
) -> None:
    user, created = await _order(world)
    payment = created.payment
    assert payment.status is PaymentStatus.PENDING and payment.gateway_order_id
    assert (payment.amount, payment.credits, payment.currency) == (49_900, 600, "INR")
    order = await world.gateway.fetch_order(payment.gateway_order_id)
    assert order.amount == 49_900 and order.receipt == payment.receipt
    assert order.notes["paymentId"] == payment.id
    details = await world.uc("get_payment")(user, payment.id, world.meta)
    assert [e.type for e in details.events] == [
        PaymentEventType.CREATED,
        PaymentEventType.ORDER_CREATED,
    ]
    assert details.events[0].ip == "198.51.100.4"


async def test_an_open_order_is_reused_for_15_minutes(world: PaymentsWorld) -> None:
    user, first = await _order(world)
    world.clock.advance(minutes=14)
    again = await world.uc("create_order")(user, "plan_pro", world.meta)
    assert again.reused and again.payment.id == first.payment.id
    world.clock.advance(minutes=2)
    fresh = await world.uc("create_order")(user, "plan_pro", world.meta)
    assert not fresh.reused and fresh.payment.id != first.payment.id


async def test_unknown_inactive_and_disabled(world: PaymentsWorld, test_settings) -> None:  # type: ignore[no-untyped-def]
    user = await world.user("ravi")
    with pytest.raises(PlanNotFound):
        await world.uc("create_order")(user, "plan_nope", world.meta)
    await world.uc("deactivate_plan")("plan_starter")
    with pytest.raises(PlanNotOrderable):
        await world.uc("create_order")(user, "plan_starter", world.meta)
    with pytest.raises(NotFound):
        await world.uc("get_plan")("plan_starter")
    assert [p.plan_id for p in await world.uc("list_plans")()] == ["plan_pro", "plan_enterprise"]
    from application.payments.create_order import CreateOrder

    disabled = CreateOrder(
        world.container.infrastructure.uow(), world.gateway, world.clock, payments_enabled=False
    )
    with pytest.raises(PaymentsDisabled):
        await disabled(user, "plan_pro", world.meta)


async def test_verify_completes_and_credits_exactly_once(world: PaymentsWorld) -> None:
    user, created = await _order(world)
    order_id = created.payment.gateway_order_id
    pay_id, signature = world.gateway.complete_checkout(order_id)
    verify = world.uc("verify_payment")
    first = await verify(
        user, order_id=order_id, gateway_payment_id=pay_id, signature=signature, meta=world.meta
    )
    assert first.status is PaymentStatus.COMPLETED
    assert (first.credits_added, first.balance) == (600, 600)
    again = await verify(
        user, order_id=order_id, gateway_payment_id=pay_id, signature=signature, meta=world.meta
    )
    assert again.status is PaymentStatus.COMPLETED and again.balance == 600
    assert world.ledger.purchases == {created.payment.id: (user.user_id, 600)}
    topics = sorted(m["topic"] for m in world.outbox())
    assert topics == ["email.send", "notification.create", "realtime.publish"]
    (announced,) = [m["payload"] for m in world.outbox() if m["topic"] == "realtime.publish"]
    assert announced == {
        "userId": user.user_id,
        "type": "payment.status_changed",
        "data": {
            "paymentId": created.payment.id,
            "status": "COMPLETED",
            "previousStatus": "PENDING",
        },
    }
    email = next(m for m in world.outbox() if m["topic"] == "email.send")
    assert email["payload"]["template"] == "payment-success"
    assert email["payload"]["context"]["balance"] == 600


async def test_a_bad_signature_is_logged_and_changes_nothing(world: PaymentsWorld) -> None:
    user, created = await _order(world)
    order_id = created.payment.gateway_order_id
    pay_id, _signature = world.gateway.complete_checkout(order_id)
    with pytest.raises(InvalidPaymentSignature):
        await world.uc("verify_payment")(
            user, order_id=order_id, gateway_payment_id=pay_id, signature="0" * 64, meta=world.meta
        )
    assert world.ledger.purchases == {}
    # the money was really captured: the next status check learns it from the gateway itself
    details = await world.uc("get_payment")(user, created.payment.id, world.meta)
    types = [e.type for e in details.events]
    assert types.index(PaymentEventType.SIGNATURE_INVALID) < types.index(PaymentEventType.CAPTURED)
    assert details.payment.status is PaymentStatus.COMPLETED
    assert world.ledger.purchases == {created.payment.id: (user.user_id, 600)}


async def test_another_users_order_is_not_found(world: PaymentsWorld) -> None:
    _, created = await _order(world, "owner")
    thief = await world.user("thief")
    order_id = created.payment.gateway_order_id
    pay_id, signature = world.gateway.complete_checkout(order_id)
    with pytest.raises(PaymentNotFound):
        await world.uc("verify_payment")(
            thief,
            order_id=order_id,
            gateway_payment_id=pay_id,
            signature=signature,
            meta=world.meta,
        )
    with pytest.raises(PaymentNotFound):
        await world.uc("get_payment")(thief, created.payment.id, world.meta)
    assert world.ledger.purchases == {}


async def test_a_declined_card_fails_the_payment_and_says_so(world: PaymentsWorld) -> None:
    user, created = await _order(world)
    order_id = created.payment.gateway_order_id
    pay_id, signature = world.gateway.complete_checkout(order_id, succeed=False)
    with pytest.raises(PaymentDeclined):
        await world.uc("verify_payment")(
            user, order_id=order_id, gateway_payment_id=pay_id, signature=signature, meta=world.meta
        )
    templates = [m["payload"].get("template") for m in world.outbox()]
    assert "payment-failed" in templates
    # the customer retries on the same order and it goes through: FAILED → COMPLETED
    pay2, sig2 = world.gateway.complete_checkout(order_id)
    done = await world.uc("verify_payment")(
        user, order_id=order_id, gateway_payment_id=pay2, signature=sig2, meta=world.meta
    )
    assert done.status is PaymentStatus.COMPLETED and world.ledger.balances[user.user_id] == 600


async def test_history_lists_my_payments_newest_first(world: PaymentsWorld) -> None:
    from application.pagination import PageRequest

    user, first = await _order(world, plan="plan_starter")
    world.clock.advance(minutes=1)
    second = await world.uc("create_order")(user, "plan_pro", world.meta)
    page = await world.uc("payment_history")(user, PageRequest(limit=1), None)
    assert [p.id for p in page.items] == [second.payment.id] and page.next_cursor
    pending = await world.uc("payment_history")(user, PageRequest(), PaymentStatus.COMPLETED)
    assert pending.items == []
    assert first.payment.id != second.payment.id
