"""Payment statuses and the transition table: a pure function of (state, trigger).

Gateway facts (AUTHORIZE, CAPTURE, FAIL) form a join-semilattice
PENDING < FAILED < PROCESSING < COMPLETED, so folding webhook facts in any order and any
multiplicity ends in the same state: a late ``payment.failed`` of an earlier attempt never undoes an
authorization or a capture, and nothing leaves COMPLETED except towards the refund states.
CANCEL, LAPSE and the refund triggers are decisions of ours (reconciliation, admin), not webhook
facts.
"""

from __future__ import annotations

from enum import StrEnum

from domain.payments.errors import IllegalTransition


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"

    @property
    def is_paid(self) -> bool:
        """Money was captured: COMPLETED or one of the refund states."""
        return self in _PAID

    @property
    def is_open(self) -> bool:
        """Still waiting for the customer or the gateway (reconciliation looks at these)."""
        return self in (PaymentStatus.PENDING, PaymentStatus.PROCESSING)


class Trigger(StrEnum):
    AUTHORIZE = "AUTHORIZE"  # an attempt was authorized (not captured yet)
    CAPTURE = "CAPTURE"  # money captured
    FAIL = "FAIL"  # an attempt failed
    LAPSE = "LAPSE"  # reconciliation: no live attempt is left (authorization expired/voided)
    CANCEL = "CANCEL"  # reconciliation: stale order abandoned by the customer
    REFUND_PARTIAL = "REFUND_PARTIAL"
    REFUND_FULL = "REFUND_FULL"


_PAID = frozenset(
    {PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)

S, T = PaymentStatus, Trigger
_TABLE: dict[PaymentStatus, dict[Trigger, PaymentStatus]] = {
    S.PENDING: {
        T.AUTHORIZE: S.PROCESSING,
        T.CAPTURE: S.COMPLETED,
        T.FAIL: S.FAILED,
        T.LAPSE: S.FAILED,
        T.CANCEL: S.CANCELLED,
    },
    S.PROCESSING: {
        T.AUTHORIZE: S.PROCESSING,
        T.CAPTURE: S.COMPLETED,
        T.FAIL: S.PROCESSING,  # a stale failed attempt never beats a live authorization
        T.LAPSE: S.FAILED,
    },
    S.FAILED: {
        T.AUTHORIZE: S.PROCESSING,  # late authorization or a new attempt on the same order
        T.CAPTURE: S.COMPLETED,  # Razorpay can capture after a failure
        T.FAIL: S.FAILED,
        T.LAPSE: S.FAILED,
    },
    S.CANCELLED: {
        T.AUTHORIZE: S.CANCELLED,
        T.CAPTURE: S.COMPLETED,  # captured after cancel: completed (and flagged), never lost
        T.FAIL: S.CANCELLED,
        T.LAPSE: S.CANCELLED,
        T.CANCEL: S.CANCELLED,
    },
    S.COMPLETED: {
        T.AUTHORIZE: S.COMPLETED,
        T.CAPTURE: S.COMPLETED,
        T.FAIL: S.COMPLETED,
        T.LAPSE: S.COMPLETED,
        T.REFUND_PARTIAL: S.PARTIALLY_REFUNDED,
        T.REFUND_FULL: S.REFUNDED,
    },
    S.PARTIALLY_REFUNDED: {
        T.AUTHORIZE: S.PARTIALLY_REFUNDED,
        T.CAPTURE: S.PARTIALLY_REFUNDED,
        T.FAIL: S.PARTIALLY_REFUNDED,
        T.LAPSE: S.PARTIALLY_REFUNDED,
        T.REFUND_PARTIAL: S.PARTIALLY_REFUNDED,
        T.REFUND_FULL: S.REFUNDED,
    },
    S.REFUNDED: {
        T.AUTHORIZE: S.REFUNDED,
        T.CAPTURE: S.REFUNDED,
        T.FAIL: S.REFUNDED,
        T.LAPSE: S.REFUNDED,
    },
}
del S, T


def next_status(state: PaymentStatus, trigger: Trigger) -> PaymentStatus:
    """The state after ``trigger``; equal to ``state`` when the trigger is a no-op there.

    Raises ``IllegalTransition`` when the machine has no edge (e.g. CANCEL of a COMPLETED payment,
    a refund of an unpaid one).
    """
    try:
        return _TABLE[state][trigger]
    except KeyError:
        raise IllegalTransition(
            f"a {state.value} payment cannot take {trigger.value}",
            details={"from": state.value, "trigger": trigger.value},
        ) from None


def can_take(state: PaymentStatus, trigger: Trigger) -> bool:
    return trigger in _TABLE[state]
