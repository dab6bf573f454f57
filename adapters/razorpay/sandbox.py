"""An in-process stand-in for Razorpay used when no keys are configured (development only).

It keeps orders, payments and refunds in memory and lets the dev checkout page play the customer:
``complete_checkout`` makes a payment attempt and returns the signature Razorpay Checkout would hand
to the browser. Never wired in production mode (the composition root refuses it).
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import replace

from application.payments.signatures import checkout_signature
from application.ports.payment_gateway import (
    GatewayOrder,
    GatewayPayment,
    GatewayRefund,
    GatewayRejected,
)

SANDBOX_KEY_ID = "rzp_test_sandbox"
_ALPHABET = string.ascii_letters + string.digits


def _id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(14))


def _missing() -> GatewayRejected:
    return GatewayRejected(
        "The id provided does not exist", status=400, gateway_code="BAD_REQUEST_ERROR"
    )


class SandboxGateway:
    def __init__(self, *, key_secret: str | None = None) -> None:
        self.key_secret = key_secret or secrets.token_hex(16)
        self._orders: dict[str, GatewayOrder] = {}
        self._payments: dict[str, GatewayPayment] = {}
        self._refunds: dict[str, GatewayRefund] = {}
        self._idempotency: dict[str, str] = {}

    @property
    def key_id(self) -> str:
        return SANDBOX_KEY_ID

    async def create_order(
        self, *, amount: int, currency: str, receipt: str, notes: Mapping[str, str]
    ) -> GatewayOrder:
        order = GatewayOrder(
            id=_id("order_"),
            amount=amount,
            currency=currency,
            receipt=receipt,
            status="created",
            notes=dict(notes),
            created_at=int(time.time()),
        )
        self._orders[order.id] = order
        return order

    async def fetch_order(self, order_id: str) -> GatewayOrder:
        if order_id not in self._orders:
            raise _missing()
        return self._orders[order_id]

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]:
        await self.fetch_order(order_id)
        return [p for p in self._payments.values() if p.order_id == order_id]

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        if payment_id not in self._payments:
            raise _missing()
        return self._payments[payment_id]

    async def fetch_refunds(self, payment_id: str) -> list[GatewayRefund]:
        await self.fetch_payment(payment_id)
        return [r for r in self._refunds.values() if r.payment_id == payment_id]

    async def refund(
        self, payment_id: str, *, amount: int, idempotency_key: str, notes: Mapping[str, str]
    ) -> GatewayRefund:
        if idempotency_key in self._idempotency:
            return self._refunds[self._idempotency[idempotency_key]]
        payment = await self.fetch_payment(payment_id)
        if not payment.captured or amount <= 0 or amount > payment.amount - payment.amount_refunded:
            raise GatewayRejected(
                "The refund amount provided is greater than amount captured",
                status=400,
                gateway_code="BAD_REQUEST_ERROR",
            )
        refund = GatewayRefund(
            id=_id("rfnd_"),
            payment_id=payment_id,
            amount=amount,
            currency=payment.currency,
            status="processed",
            notes=dict(notes),
            created_at=int(time.time()),
        )
        self._refunds[refund.id] = refund
        self._idempotency[idempotency_key] = refund.id
        refunded = payment.amount_refunded + amount
        self._payments[payment_id] = replace(
            payment,
            amount_refunded=refunded,
            status="refunded" if refunded == payment.amount else payment.status,
        )
        return refund

    def complete_checkout(self, order_id: str, *, succeed: bool = True) -> tuple[str, str]:
        """Play the customer: one attempt, captured or failed; returns (payment id, signature)."""
        order = self._orders.get(order_id)
        if order is None:
            raise _missing()
        payment = GatewayPayment(
            id=_id("pay_"),
            order_id=order_id,
            amount=order.amount,
            currency=order.currency,
            status="captured" if succeed else "failed",
            captured=succeed,
            method="sandbox",
            error_description=None if succeed else "Declined in the sandbox checkout",
            created_at=int(time.time()),
        )
        self._payments[payment.id] = payment
        self._orders[order_id] = replace(
            order,
            attempts=order.attempts + 1,
            status="paid" if succeed else "attempted",
            amount_paid=order.amount if succeed else order.amount_paid,
        )
        signature = checkout_signature(
            order_id=order_id, payment_id=payment.id, key_secret=self.key_secret
        )
        return payment.id, signature
