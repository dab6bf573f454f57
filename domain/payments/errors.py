"""Errors of the payments context, one class per cause (each keeps a stable API code)."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


class PaymentError(DomainError):
    """Root of the payments context."""


class IllegalTransition(PaymentError, Conflict, code="CONFLICT"):
    """The state machine has no edge for this (state, trigger)."""


class AmountMismatch(PaymentError, Conflict, code="PAYMENT_FAILED", status=400):
    """The gateway reports another amount or currency than the stored order; nothing is credited."""


class RefundExceedsCaptured(PaymentError, ValidationFailed):
    """The refunds of a payment would add up to more than was captured."""


class PlanNotOrderable(PaymentError, ValidationFailed):
    """The plan is inactive or has no fixed price (custom pricing)."""


class PlanNotFound(PaymentError, NotFound):
    pass


class PaymentNotFound(PaymentError, NotFound):
    pass


class InvalidPaymentSignature(PaymentError, code="PAYMENT_FAILED", status=400):
    """The checkout signature does not match."""


class PaymentsDisabled(PaymentError, Forbidden, code="PAYMENTS_DISABLED"):
    pass


class RefundFailed(PaymentError, code="PAYMENT_FAILED", status=402):
    """The refund this request names was refused or failed at the gateway."""


class PaymentDeclined(PaymentError, code="PAYMENT_FAILED", status=402):
    """The gateway reports the payment failed."""


class InvalidWebhookSignature(PaymentError, code="INVALID_SIGNATURE", status=403):
    """A webhook whose signature is missing or wrong; nothing is stored."""
