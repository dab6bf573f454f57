"""Turn what the gateway says about an order into domain facts (the one normalizer).

The webhook is only a hint: before acting, the job re-fetches the order's payments (and a captured
payment's refunds) and feeds the facts below to the aggregate, in a fixed order (failures, then
authorizations, then captures, then refunds) so the result does not depend on delivery order.
"""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.payment_gateway import GatewayPayment, GatewayRefund
from domain.payments.gateway_facts import (
    Authorized,
    Captured,
    Failed,
    GatewayFact,
    RefundAccepted,
    RefundRejected,
)

REFUND_NOTE_KEY = "refund_id"  # our refund id, echoed back by the gateway in the refund's notes


def facts_from_payments(
    payments: Sequence[GatewayPayment],
    refunds: Sequence[GatewayRefund] = (),
) -> list[GatewayFact]:
    failed: list[GatewayFact] = []
    authorized: list[GatewayFact] = []
    captured: list[GatewayFact] = []
    refunded: list[GatewayFact] = []
    capture_by_payment: dict[str, Captured] = {}
    for p in payments:
        if p.captured:
            fact = Captured(p.id, p.amount, p.currency, p.method)
            capture_by_payment[p.id] = fact
            captured.append(fact)
        elif p.status == "authorized":
            authorized.append(Authorized(p.id))
        elif p.status == "failed":
            failed.append(Failed(p.id, p.error_description or p.error_code or "payment failed"))
    for r in refunds:
        capture = capture_by_payment.get(r.payment_id)
        ours = r.notes.get(REFUND_NOTE_KEY)
        if r.status == "failed":
            if ours:
                refunded.append(RefundRejected(ours, "refund failed at the gateway"))
        elif capture is not None:
            refunded.append(RefundAccepted(capture, r.id, r.amount, r.status, ours))
    return failed + authorized + captured + refunded


def has_live_attempt(payments: Sequence[GatewayPayment]) -> bool:
    """An attempt that may still complete: authorized or captured."""
    return any(p.captured or p.status == "authorized" for p in payments)
