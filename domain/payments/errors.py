"""Errors of the payments context, one class per cause (each keeps a stable API code)."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


class PaymentError(DomainError):
    """Root of the payments context."""


class IllegalTransition(PaymentError, Conflict):
    """The state machine has no edge for this (state, trigger)."""

    code = "CONFLICT"


class AmountMismatch(PaymentError, Conflict):
    """The gateway reports another amount or currency than the stored order; nothing is credited."""

    code = "PAYMENT_FAILED"
    status = 400


class RefundExceedsCaptured(PaymentError, ValidationFailed):
    """The refunds of a payment would add up to more than was captured."""


class PlanNotOrderable(PaymentError, ValidationFailed):
    """The plan is inactive or has no fixed price (custom pricing)."""


class PlanNotFound(PaymentError, NotFound):
    pass


class PaymentNotFound(PaymentError, NotFound):
    pass


class InvalidPaymentSignature(PaymentError):
    """The checkout signature does not match."""

    code = "PAYMENT_FAILED"
    status = 400  # API.md: a bad checkout signature is a 400, not a 402


class PaymentsDisabled(PaymentError, Forbidden):
    code = "PAYMENTS_DISABLED"


class RefundFailed(PaymentError):
    """The refund this request names was refused or failed at the gateway."""

    code = "PAYMENT_FAILED"
    status = 402


class PaymentDeclined(PaymentError):
    """The gateway reports the payment failed."""

    code = "PAYMENT_FAILED"
    status = 402


class InvalidWebhookSignature(PaymentError):
    """A webhook whose signature is missing or wrong; nothing is stored."""

    code = "INVALID_SIGNATURE"
    status = 403
