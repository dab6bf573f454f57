from __future__ import annotations

import pytest

from domain.payments.errors import IllegalTransition, PlanNotOrderable, RefundExceedsCaptured
from domain.payments.events import PaymentEventType
from domain.payments.payment import (
    FLAG_AMOUNT_MISMATCH,
    FLAG_CAPTURED_AFTER_CANCEL,
    FLAG_REFUND_AMOUNT_MISMATCH,
    FLAG_REFUND_FAILED_AFTER_APPLY,
    Payment,
)
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus

from .builders import T0, ctx, pending, plan


def captured(payment: Payment | None = None) -> Payment:
    payment = payment or pending()
    return payment.capture(
        gateway_payment_id="pay_X", amount=49_900, currency="INR", method="upi", ctx=ctx(2)
    ).payment


def test_open_records_the_created_event_with_who_and_where() -> None:
    change = Payment.open(payment_id="p1", user_id="u1", plan=plan(), receipt="r1", ctx=ctx())
    assert change.payment.status is PaymentStatus.PENDING
    (event,) = change.events
    assert event.type is PaymentEventType.CREATED
    assert (event.from_status, event.to_status) == (None, PaymentStatus.PENDING)
    assert (event.ip, event.user_agent, event.created_at) == ("203.0.113.7", "pytest", T0)
    assert event.data["amount"] == 49_900


@pytest.mark.parametrize("overrides", [{"amount": 0}, {"is_active": False}, {"credits": 0}])
def test_inactive_or_custom_priced_plans_cannot_be_ordered(overrides: dict[str, object]) -> None:
    with pytest.raises(PlanNotOrderable):
        Payment.open(payment_id="p1", user_id="u1", plan=plan(**overrides), receipt="r1", ctx=ctx())


def test_capture_completes_once_and_stamps_the_time() -> None:
    first = pending().capture(
        gateway_payment_id="pay_X", amount=49_900, currency="INR", method="card", ctx=ctx(3)
    )
    assert first.completed and first.payment.status is PaymentStatus.COMPLETED
    assert first.payment.completed_at == ctx(3).now
    assert first.payment.captured_amount == 49_900
    again = first.payment.capture(
        gateway_payment_id="pay_X", amount=49_900, currency="INR", method="card", ctx=ctx(4)
    )
    assert not again.completed and not again.changed


@pytest.mark.parametrize(("amount", "currency"), [(100, "INR"), (49_900, "USD")])
def test_amount_or_currency_mismatch_credits_nothing_and_flags(amount: int, currency: str) -> None:
    change = pending().capture(
        gateway_payment_id="pay_X", amount=amount, currency=currency, method=None, ctx=ctx(1)
    )
    assert not change.completed
    assert change.payment.status is PaymentStatus.PENDING
    assert FLAG_AMOUNT_MISMATCH in change.payment.flags
    assert [e.type for e in change.events] == [PaymentEventType.AMOUNT_MISMATCH]
    assert not change.payment.capture(
        gateway_payment_id="pay_X", amount=amount, currency=currency, method=None, ctx=ctx(2)
    ).changed


def test_failed_then_captured_completes() -> None:
    failed = pending().fail("pay_1", "card declined", ctx(1)).payment
    assert failed.status is PaymentStatus.FAILED and failed.failure_reason == "card declined"
    done = failed.capture(
        gateway_payment_id="pay_2", amount=49_900, currency="INR", method="upi", ctx=ctx(2)
    )
    assert done.completed and done.payment.status is PaymentStatus.COMPLETED
    assert done.payment.failure_reason is None
    assert done.payment.gateway_payment_id == "pay_2"


def test_captured_after_cancel_completes_and_is_flagged() -> None:
    cancelled = pending().cancel("inactive for 24h", ctx(1)).payment
    assert cancelled.status is PaymentStatus.CANCELLED and cancelled.cancelled_at == ctx(1).now
    done = cancelled.capture(
        gateway_payment_id="pay_X", amount=49_900, currency="INR", method=None, ctx=ctx(2)
    )
    assert done.completed and done.payment.status is PaymentStatus.COMPLETED
    assert FLAG_CAPTURED_AFTER_CANCEL in done.payment.flags
    assert [e.type for e in done.events] == [PaymentEventType.CAPTURED, PaymentEventType.FLAGGED]


def test_cancel_of_a_completed_payment_is_illegal() -> None:
    with pytest.raises(IllegalTransition):
        captured().cancel("stale", ctx(5))


def test_lapse_only_moves_processing() -> None:
    processing = pending().authorize("pay_1", ctx(1)).payment
    assert processing.status is PaymentStatus.PROCESSING
    assert processing.lapse("authorization expired", ctx(2)).payment.status is PaymentStatus.FAILED
    assert not captured().lapse("x", ctx(3)).changed


def test_partial_then_full_refund_claws_back_exactly_the_credits() -> None:
    paid = captured()
    first = paid.request_refund(refund_id="r1", amount=10_000, reason="partial", ctx=ctx(5))
    applied = first.payment.apply_refund(
        gateway_refund_id="rfnd_1",
        amount=10_000,
        gateway_status="processed",
        refund_id="r1",
        ctx=ctx(6),
    )
    assert applied.payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert applied.payment.partially_refunded_at == ctx(6).now
    rest = applied.payment.apply_refund(
        gateway_refund_id="rfnd_2",
        amount=39_900,
        gateway_status="pending",
        new_refund_id="r2",
        ctx=ctx(7),
    )
    assert rest.payment.status is PaymentStatus.REFUNDED
    assert applied.claw_back_credits + rest.claw_back_credits == 600
    assert rest.payment.refunded_amount == 49_900
    again = rest.payment.apply_refund(
        gateway_refund_id="rfnd_2", amount=39_900, gateway_status="processed", ctx=ctx(8)
    )
    assert not again.changed and again.claw_back_credits == 0


def test_refunds_never_exceed_the_captured_amount() -> None:
    reserved = captured().request_refund(refund_id="r1", amount=40_000, reason="x", ctx=ctx(5))
    with pytest.raises(RefundExceedsCaptured):
        reserved.payment.request_refund(refund_id="r2", amount=10_000, reason="y", ctx=ctx(5))
    with pytest.raises(RefundExceedsCaptured):
        reserved.payment.apply_refund(
            gateway_refund_id="rfnd_9", amount=10_000, gateway_status="processed", ctx=ctx(6)
        )


def test_refund_of_an_unpaid_payment_is_illegal() -> None:
    with pytest.raises(IllegalTransition):
        pending().request_refund(refund_id="r1", amount=None, reason="x", ctx=ctx())


def test_a_refused_refund_releases_its_reservation() -> None:
    reserved = captured().request_refund(refund_id="r1", amount=None, reason="x", ctx=ctx(5))
    assert reserved.payment.refundable_amount == 0
    failed = reserved.payment.fail_refund(refund_id="r1", reason="BAD_REQUEST", ctx=ctx(6))
    assert failed.payment.refundable_amount == 49_900
    assert failed.payment.status is PaymentStatus.COMPLETED
    refund = failed.payment.refund("r1")
    assert refund is not None and refund.status is RefundStatus.FAILED


def test_a_refund_failing_after_it_was_applied_is_flagged_for_a_human() -> None:
    paid = captured().request_refund(refund_id="r1", amount=None, reason="x", ctx=ctx(5)).payment
    applied = paid.apply_refund(
        gateway_refund_id="rfnd_1",
        amount=49_900,
        gateway_status="pending",
        refund_id="r1",
        ctx=ctx(6),
    ).payment
    failed = applied.fail_refund(refund_id="r1", reason="bank rejected", ctx=ctx(7)).payment
    assert failed.status is PaymentStatus.REFUNDED
    assert FLAG_REFUND_FAILED_AFTER_APPLY in failed.flags


def test_a_refund_the_gateway_made_for_another_amount_is_flagged_once_not_applied() -> None:
    paid = captured().request_refund(refund_id="r1", amount=20_000, reason="x", ctx=ctx(5)).payment
    seen = paid.apply_refund(
        gateway_refund_id="rfnd_1",
        amount=19_000,
        gateway_status="processed",
        refund_id="r1",
        ctx=ctx(6),
    )
    (event,) = seen.events
    assert event.type is PaymentEventType.FLAGGED and event.data["flag"] == "REFUND_AMOUNT_MISMATCH"
    assert seen.payment.flags == (FLAG_REFUND_AMOUNT_MISMATCH,)
    assert seen.applied_refund is None and seen.payment.status is PaymentStatus.COMPLETED
    refund = seen.payment.refund("r1")
    assert refund is not None and refund.status is RefundStatus.REQUESTED
    assert refund.gateway_refund_id == "rfnd_1"
    again = seen.payment.apply_refund(
        gateway_refund_id="rfnd_1",
        amount=19_000,
        gateway_status="processed",
        refund_id="r1",
        ctx=ctx(7),
    )
    assert again.events == () and again.payment == seen.payment


def test_the_same_refund_id_cannot_be_reserved_twice() -> None:
    paid = captured().request_refund(refund_id="r1", amount=100, reason="x", ctx=ctx(5)).payment
    with pytest.raises(IllegalTransition):
        paid.request_refund(refund_id="r1", amount=100, reason="x", ctx=ctx(6))


def test_events_are_immutable() -> None:
    (event,) = pending().authorize("pay_1", ctx(1)).events
    with pytest.raises(AttributeError):
        event.to_status = PaymentStatus.COMPLETED  # type: ignore[misc]
    with pytest.raises(TypeError):
        event.data["x"] = 1  # type: ignore[index]
