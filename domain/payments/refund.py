"""A refund of (part of) a captured payment.

Two-phase: REQUESTED is written before the gateway is called (it already counts against the captured
amount, so concurrent refunds cannot overshoot); APPLIED once the gateway accepted it (the payment
moves to a refund state and credits are clawed back); FAILED if the gateway refused it.

An admin's refund has one identity for its whole life: its id is derived from the admin's
Idempotency-Key, and the gateway gets ``refund-<id>`` as its idempotency key, so retrying (after a
lost answer, by the admin or by reconciliation) resolves that refund instead of sending another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class RefundStatus(StrEnum):
    REQUESTED = "REQUESTED"
    APPLIED = "APPLIED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Refund:
    id: str  # ours; sent to the gateway in the refund notes and as the idempotency key
    payment_id: str
    amount: int  # paise
    status: RefundStatus
    reason: str
    requested_by: str
    created_at: datetime
    # set with APPLIED; on a REQUESTED one: the gateway reports it for another amount (flagged)
    gateway_refund_id: str | None = None
    gateway_status: str | None = None  # Razorpay: pending | processed | failed
    credits_clawed: int = 0
    credits_shortfall: int = 0  # credits we could not take back (already spent)
    applied_at: datetime | None = None
    failed_at: datetime | None = None
    failure_reason: str | None = None
    request_fingerprint: str | None = None  # what the admin asked (amount, reason); None: dashboard

    @property
    def counts_against_capture(self) -> bool:
        return self.status is not RefundStatus.FAILED

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.id}"

    def applied(self, *, gateway_refund_id: str, gateway_status: str, now: datetime) -> Refund:
        return replace(
            self,
            status=RefundStatus.APPLIED,
            gateway_refund_id=gateway_refund_id,
            gateway_status=gateway_status,
            applied_at=now,
        )

    def failed(self, *, reason: str, now: datetime) -> Refund:
        return replace(self, status=RefundStatus.FAILED, failure_reason=reason, failed_at=now)

    def with_claw_back(self, *, clawed: int, shortfall: int) -> Refund:
        return replace(self, credits_clawed=clawed, credits_shortfall=shortfall)
