"""Proportional credit claw-back for refunds.

Credits to take back are computed on the *cumulative* refunded amount and differenced, so any series
of partial refunds that adds up to the captured amount claws back exactly the purchased credits
(the original floored each partial refund on its own and could never reach the total).
"""

from __future__ import annotations

from domain.errors import ValidationFailed
from domain.payments.errors import RefundExceedsCaptured


def credits_for_refund(
    *, credits: int, captured: int, refunded_before: int, refund_amount: int
) -> int:
    """Credits to claw back for a refund of ``refund_amount`` paise (round half up, cumulative)."""
    if captured <= 0 or credits < 0:
        raise ValidationFailed("captured amount must be positive and credits non-negative")
    if refund_amount <= 0 or refunded_before < 0:
        raise ValidationFailed("refund amount must be positive")
    if refunded_before + refund_amount > captured:
        raise RefundExceedsCaptured(
            "refunds would exceed the captured amount",
            details={
                "captured": captured,
                "alreadyRefunded": refunded_before,
                "requested": refund_amount,
            },
        )
    return _proportional(credits, refunded_before + refund_amount, captured) - _proportional(
        credits, refunded_before, captured
    )


def _proportional(credits: int, part: int, whole: int) -> int:
    # round(credits * part / whole) with halves rounded up, in integers only
    return (2 * credits * part + whole) // (2 * whole)
