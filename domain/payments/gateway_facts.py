"""Normalized facts reported by a payment gateway, and how a payment absorbs them.

Webhooks and polling both reduce to these facts; ``absorb`` is the one place that applies them, so
the checkout verify call, the webhook job and reconciliation cannot disagree. A refund fact implies
its payment was captured (a gateway only refunds captured money), so it carries the capture and is
applied after it: that is what makes any delivery order converge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.payments.events import EventContext
from domain.payments.payment import Change, Payment


@dataclass(frozen=True)
class Authorized:
    gateway_payment_id: str


@dataclass(frozen=True)
class Failed:
    gateway_payment_id: str | None
    reason: str


@dataclass(frozen=True)
class Captured:
    gateway_payment_id: str
    amount: int
    currency: str
    method: str | None = None


@dataclass(frozen=True)
class RefundAccepted:
    capture: Captured
    gateway_refund_id: str
    amount: int
    gateway_status: str  # pending | processed
    refund_id: str | None = None  # ours, echoed back in the refund notes when we initiated it


@dataclass(frozen=True)
class RefundRejected:
    refund_id: str
    reason: str


GatewayFact = Authorized | Failed | Captured | RefundAccepted | RefundRejected


def absorb(
    payment: Payment, fact: GatewayFact, ctx: EventContext, *, new_refund_id: str | None = None
) -> Change:
    """Apply one fact; repeated or stale facts are no-ops. Returns the combined change."""
    if isinstance(fact, Authorized):
        return payment.authorize(fact.gateway_payment_id, ctx)
    if isinstance(fact, Failed):
        return payment.fail(fact.gateway_payment_id, fact.reason, ctx)
    if isinstance(fact, Captured):
        return payment.capture(
            gateway_payment_id=fact.gateway_payment_id,
            amount=fact.amount,
            currency=fact.currency,
            method=fact.method,
            ctx=ctx,
        )
    if isinstance(fact, RefundRejected):
        return payment.fail_refund(refund_id=fact.refund_id, reason=fact.reason, ctx=ctx)
    captured = absorb(payment, fact.capture, ctx)
    refunded = captured.payment.apply_refund(
        gateway_refund_id=fact.gateway_refund_id,
        amount=fact.amount,
        gateway_status=fact.gateway_status,
        ctx=ctx,
        refund_id=fact.refund_id,
        new_refund_id=new_refund_id,
    )
    return replace(
        refunded,
        events=captured.events + refunded.events,
        completed=captured.completed or refunded.completed,
    )
