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


class RefundFailed(PaymentError):
    """The refund this request names was refused or failed at the gateway (HTTP 402)."""

    code = "PAYMENT_FAILED"


class PaymentDeclined(PaymentError):
    """The gateway reports the payment failed (HTTP 402)."""

    code = "PAYMENT_FAILED"


class InvalidWebhookSignature(PaymentError):
    """A webhook whose signature is missing or wrong (HTTP 403); nothing is stored."""

    code = "INVALID_SIGNATURE"
