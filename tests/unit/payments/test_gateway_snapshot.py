from __future__ import annotations

from application.payments.gateway_snapshot import facts_from_payments, has_live_attempt
from application.ports.payment_gateway import GatewayPayment, GatewayRefund
from domain.payments.gateway_facts import absorb
from domain.payments.status import PaymentStatus
from tests.unit.payments.builders import ctx, pending


def _payment(pid: str, status: str, *, amount: int = 49_900) -> GatewayPayment:
    return GatewayPayment(
        id=pid,
        order_id="order_ABC",
        amount=amount,
        currency="INR",
        status=status,
        captured=status in ("captured", "refunded"),
    )


def _fold(
    payments: list[GatewayPayment], refunds: list[GatewayRefund] | None = None
) -> PaymentStatus:
    payment = pending()
    for fact in facts_from_payments(payments, refunds or []):
        payment = absorb(payment, fact, ctx(1)).payment
    return payment.status


def test_a_failed_attempt_and_a_captured_one_complete() -> None:
    assert (
        _fold([_payment("pay_2", "captured"), _payment("pay_1", "failed")])
        is PaymentStatus.COMPLETED
    )


def test_only_failed_attempts_fail() -> None:
    payments = [_payment("pay_1", "failed")]
    assert _fold(payments) is PaymentStatus.FAILED
    assert not has_live_attempt(payments)


def test_authorized_attempt_is_processing_and_live() -> None:
    payments = [_payment("pay_1", "failed"), _payment("pay_2", "authorized")]
    assert _fold(payments) is PaymentStatus.PROCESSING
    assert has_live_attempt(payments)


def test_refunds_of_the_captured_payment_are_applied_and_ours_are_matched() -> None:
    refunds = [
        GatewayRefund(
            id="rfnd_1",
            payment_id="pay_2",
            amount=9_900,
            currency="INR",
            status="processed",
            notes={"refund_id": "ours"},
        ),
        GatewayRefund(
            id="rfnd_2", payment_id="pay_2", amount=40_000, currency="INR", status="pending"
        ),
    ]
    assert _fold([_payment("pay_2", "refunded")], refunds) is PaymentStatus.REFUNDED
    assert _fold([_payment("pay_2", "captured")], refunds[:1]) is PaymentStatus.PARTIALLY_REFUNDED
