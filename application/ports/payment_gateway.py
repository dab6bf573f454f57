"""Port to the payment gateway (Razorpay): orders, payments, refunds. I/O only, no rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from domain.errors import Unavailable
from domain.payments.errors import PaymentError


class GatewayUnavailable(PaymentError, Unavailable):
    """The gateway could not be reached or answered 5xx (after the retries allowed for the call)."""


class GatewayRejected(PaymentError, code="PAYMENT_FAILED", status=402):
    """The gateway refused the request (4xx): ``gateway_status`` is its HTTP status,
    ``gateway_code`` its error code."""

    def __init__(self, message: str, *, gateway_status: int, gateway_code: str) -> None:
        super().__init__(message, details={"gatewayCode": gateway_code})
        self.gateway_status = gateway_status
        self.gateway_code = gateway_code


@dataclass(frozen=True)
class GatewayOrder:
    id: str
    amount: int
    currency: str
    receipt: str
    status: str  # created | attempted | paid
    amount_paid: int = 0
    attempts: int = 0
    notes: Mapping[str, str] = field(default_factory=dict)
    created_at: int = 0  # Unix seconds, as the gateway reports it


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    order_id: str | None
    amount: int
    currency: str
    status: str  # created | authorized | captured | refunded | failed
    captured: bool
    method: str | None = None
    amount_refunded: int = 0
    error_code: str | None = None
    error_description: str | None = None
    created_at: int = 0


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    payment_id: str
    amount: int
    currency: str
    status: str  # pending | processed | failed
    notes: Mapping[str, str] = field(default_factory=dict)
    created_at: int = 0


class PaymentGateway(Protocol):
    """A payment gateway account. Never call it inside a database transaction."""

    @property
    def key_id(self) -> str:
        """The public key id handed to the browser checkout."""
        ...

    async def create_order(
        self, *, amount: int, currency: str, receipt: str, notes: Mapping[str, str]
    ) -> GatewayOrder:
        """Create an order (not retried: the gateway does not dedupe orders)."""
        ...

    async def fetch_order(self, order_id: str) -> GatewayOrder: ...

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]:
        """Every payment attempt made against the order."""
        ...

    async def fetch_payment(self, payment_id: str) -> GatewayPayment: ...

    async def fetch_refunds(self, payment_id: str) -> list[GatewayRefund]: ...

    async def refund(
        self, payment_id: str, *, amount: int, idempotency_key: str, notes: Mapping[str, str]
    ) -> GatewayRefund:
        """Refund (part of) a captured payment; the same key never refunds twice."""
        ...
