"""Any order and multiplicity of a consistent gateway history's facts ends in one final state."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.payments.claw_back import credits_for_refund
from domain.payments.gateway_facts import (
    Authorized,
    Captured,
    Failed,
    GatewayFact,
    RefundAccepted,
    absorb,
)
from domain.payments.payment import Payment
from domain.payments.status import PaymentStatus

from .builders import ctx, pending

AMOUNT = 49_900


@dataclass(frozen=True)
class History:
    failed: int  # attempts that failed
    authorized_only: int  # attempts authorized, not captured (yet)
    captured: bool
    refunds: tuple[int, ...]  # amounts of refunds of the captured attempt

    def facts(self) -> list[GatewayFact]:
        facts: list[GatewayFact] = [Failed(f"pay_f{i}", "declined") for i in range(self.failed)]
        facts += [Authorized(f"pay_a{i}") for i in range(self.authorized_only)]
        if self.captured:
            capture = Captured("pay_ok", AMOUNT, "INR", "upi")
            facts += [Authorized("pay_ok"), capture, capture]  # payment.captured + order.paid
            for i, amount in enumerate(self.refunds):
                for status in ("pending", "processed"):  # refund.created, refund.processed
                    facts.append(RefundAccepted(capture, f"rfnd_{i}", amount, status))
        return facts

    def expected(self) -> PaymentStatus:
        if self.captured:
            refunded = sum(self.refunds)
            if refunded == AMOUNT:
                return PaymentStatus.REFUNDED
            return PaymentStatus.PARTIALLY_REFUNDED if refunded else PaymentStatus.COMPLETED
        if self.authorized_only:
            return PaymentStatus.PROCESSING
        return PaymentStatus.FAILED if self.failed else PaymentStatus.PENDING


@st.composite
def histories(draw: st.DrawFn) -> History:
    captured = draw(st.booleans())
    refunds: list[int] = []
    if captured:
        left = AMOUNT
        for _ in range(draw(st.integers(0, 3))):
            if left == 0:
                break
            amount = draw(st.sampled_from([left, max(1, left // 2), 1]))
            refunds.append(amount)
            left -= amount
    return History(draw(st.integers(0, 3)), draw(st.integers(0, 2)), captured, tuple(refunds))


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[History, list[GatewayFact]]:
    history = draw(histories())
    facts = history.facts()
    repeats = draw(st.lists(st.sampled_from(facts), max_size=10)) if facts else []
    return history, draw(st.permutations(facts + repeats))


@settings(max_examples=300)
@given(deliveries())
def test_any_delivery_order_and_multiplicity_converges(
    case: tuple[History, list[GatewayFact]],
) -> None:
    history, delivered = case
    payment: Payment = pending()
    completions = 0
    clawed = 0
    into_completed = 0
    for n, fact in enumerate(delivered):
        change = absorb(payment, fact, ctx(n), new_refund_id=f"local-{n}")
        completions += change.completed
        clawed += change.claw_back_credits
        into_completed += sum(
            e.is_transition and e.to_status is PaymentStatus.COMPLETED for e in change.events
        )
        payment = change.payment
    assert payment.status is history.expected()
    assert completions == into_completed == (1 if history.captured else 0)
    assert payment.refunded_amount == sum(history.refunds)
    if history.captured and history.refunds:
        assert clawed == credits_for_refund(
            credits=600, captured=AMOUNT, refunded_before=0, refund_amount=sum(history.refunds)
        )


OPS = st.sampled_from(
    [
        "authorize",
        "fail",
        "capture",
        "bad_capture",
        "lapse",
        "cancel",
        "request_refund",
        "apply_refund",
        "fail_refund",
    ]
)


@settings(max_examples=300)
@given(st.lists(st.tuples(OPS, st.integers(1, AMOUNT)), max_size=25))
def test_random_operations_keep_the_invariants(ops: list[tuple[str, int]]) -> None:
    payment = pending()
    completions = 0
    for n, (op, amount) in enumerate(ops):
        before = payment.status
        c = ctx(n)
        try:
            if op == "authorize":
                change = payment.authorize(f"pay_{n}", c)
            elif op == "fail":
                change = payment.fail(f"pay_{n}", "declined", c)
            elif op == "capture":
                change = payment.capture(
                    gateway_payment_id="pay_ok", amount=AMOUNT, currency="INR", method=None, ctx=c
                )
            elif op == "bad_capture":
                change = payment.capture(
                    gateway_payment_id="pay_ok",
                    amount=amount - 1,
                    currency="INR",
                    method=None,
                    ctx=c,
                )
            elif op == "lapse":
                change = payment.lapse("expired", c)
            elif op == "cancel":
                change = payment.cancel("stale", c)
            elif op == "request_refund":
                change = payment.request_refund(refund_id=f"r{n}", amount=amount, reason="x", ctx=c)
            elif op == "apply_refund":
                change = payment.apply_refund(
                    gateway_refund_id=f"rfnd_{n}",
                    amount=amount,
                    gateway_status="processed",
                    new_refund_id=f"r{n}",
                    ctx=c,
                )
            else:
                open_ = [r.id for r in payment.refunds]
                change = payment.fail_refund(
                    refund_id=open_[0] if open_ else "none", reason="x", ctx=c
                )
        except DomainError:
            continue
        completions += change.completed
        payment = change.payment
        if before.is_paid:
            assert payment.status.is_paid
        assert payment.committed_refund_amount <= payment.captured_amount
        assert payment.refunded_amount <= payment.committed_refund_amount
        for event in change.events:
            assert event.payment_id == payment.id and event.created_at == c.now
    assert completions <= 1
    if payment.status.is_paid:
        assert payment.captured_amount == AMOUNT
