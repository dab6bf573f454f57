"""Errors of the payments context, one class per cause (each keeps a stable API code)."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


class PaymentError(DomainError):
    """Root of the payments context."""


class IllegalTransition(PaymentError, Conflict):
    """The state machine has no edge for this (state, trigger)."""

    code = "CONFLICT"


class AmountMismatch(PaymentError, Conflict):
    """The gateway reports an amount or currency other than the stored order's; nothing is credited."""

    code = "PAYMENT_FAILED"


class RefundExceedsCaptured(PaymentError, ValidationFailed):
    """The refunds of a payment would add up to more than was captured."""


class PlanNotOrderable(PaymentError, ValidationFailed):
    """The plan is inactive or has no fixed price (custom pricing)."""


class PlanNotFound(PaymentError, NotFound):
    pass


class PaymentNotFound(PaymentError, NotFound):
    pass


class InvalidPaymentSignature(PaymentError):
    """The checkout signature does not match (HTTP 400 with code PAYMENT_FAILED)."""

    code = "PAYMENT_FAILED"


class PaymentsDisabled(PaymentError, Forbidden):
    code = "PAYMENTS_DISABLED"
