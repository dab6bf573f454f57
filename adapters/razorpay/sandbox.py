"""An in-process stand-in for Razorpay used when no keys are configured (development only).

It keeps orders, payments and refunds and lets the dev checkout page play the customer:
``complete_checkout`` makes a payment attempt and returns the signature Razorpay Checkout would hand
to the browser. Never wired in production mode (the composition root refuses it).

With a ``state_file`` (``VAR_DIR/sandbox_gateway.json`` in the app) its state and checkout secret
survive a restart, like a real gateway's account: an order opened before ``make run`` was
restarted can still be paid, and its PENDING payment still settles. The file is read and written
under an exclusive lock around every call, so the API and a worker process share one account.
Without one (unit tests) it lives in memory.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import string
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

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
        "The id provided does not exist", gateway_status=400, gateway_code="BAD_REQUEST_ERROR"
    )


class SandboxGateway:
    def __init__(self, *, key_secret: str | None = None, state_file: Path | None = None) -> None:
        self.key_secret = key_secret or secrets.token_hex(16)
        self._orders: dict[str, GatewayOrder] = {}
        self._payments: dict[str, GatewayPayment] = {}
        self._refunds: dict[str, GatewayRefund] = {}
        self._idempotency: dict[str, str] = {}
        self._file = state_file
        with self._state(write=True):
            pass  # adopts the stored checkout secret, or stores this one

    @contextmanager
    def _state(self, *, write: bool = False) -> Iterator[None]:
        """The current state for one call (re-read from the file), written back if ``write``."""
        file = self._file
        if file is None:
            yield
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        with open(file.with_name(file.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._load(file)
                yield
                if write:
                    self._save(file)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self, file: Path) -> None:
        if not file.exists():
            return
        data = json.loads(file.read_text())
        self.key_secret = data["keySecret"]
        self._orders = {k: GatewayOrder(**v) for k, v in data["orders"].items()}
        self._payments = {k: GatewayPayment(**v) for k, v in data["payments"].items()}
        self._refunds = {k: GatewayRefund(**v) for k, v in data["refunds"].items()}
        self._idempotency = dict(data["idempotency"])

    def _save(self, file: Path) -> None:
        data: dict[str, Any] = {
            "keySecret": self.key_secret,
            "orders": {k: asdict(v) for k, v in self._orders.items()},
            "payments": {k: asdict(v) for k, v in self._payments.items()},
            "refunds": {k: asdict(v) for k, v in self._refunds.items()},
            "idempotency": self._idempotency,
        }
        partial = file.with_name(file.name + ".tmp")
        partial.write_text(json.dumps(data, indent=1))
        partial.chmod(0o600)  # holds the checkout secret
        os.replace(partial, file)  # atomic: a crash never leaves half a file

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
        with self._state(write=True):
            self._orders[order.id] = order
        return order

    async def fetch_order(self, order_id: str) -> GatewayOrder:
        with self._state():
            return self._order(order_id)

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]:
        with self._state():
            self._order(order_id)
            return [p for p in self._payments.values() if p.order_id == order_id]

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        with self._state():
            return self._payment(payment_id)

    async def fetch_refunds(self, payment_id: str) -> list[GatewayRefund]:
        with self._state():
            self._payment(payment_id)
            return [r for r in self._refunds.values() if r.payment_id == payment_id]

    async def refund(
        self, payment_id: str, *, amount: int, idempotency_key: str, notes: Mapping[str, str]
    ) -> GatewayRefund:
        with self._state(write=True):
            if idempotency_key in self._idempotency:
                return self._refunds[self._idempotency[idempotency_key]]
            payment = self._payment(payment_id)
            if (
                not payment.captured
                or amount <= 0
                or amount > payment.amount - payment.amount_refunded
            ):
                raise GatewayRejected(
                    "The refund amount provided is greater than amount captured",
                    gateway_status=400,
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
        """Play the customer: one attempt, captured or failed; returns (payment id, signature).

        A paid order is not paid again (Razorpay Checkout refuses it too): a second successful
        checkout hands back the capture it already has, so a retried page never captures twice.
        """
        with self._state(write=True):
            order = self._order(order_id)
            if order.status == "paid":
                if not succeed:
                    raise GatewayRejected(
                        "Order is already paid",
                        gateway_status=400,
                        gateway_code="BAD_REQUEST_ERROR",
                    )
                captured = next(
                    p for p in self._payments.values() if p.order_id == order_id and p.captured
                )
                return captured.id, self._signature(order_id, captured.id)
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
            return payment.id, self._signature(order_id, payment.id)

    def _signature(self, order_id: str, payment_id: str) -> str:
        return checkout_signature(
            order_id=order_id, payment_id=payment_id, key_secret=self.key_secret
        )

    def _order(self, order_id: str) -> GatewayOrder:
        if order_id not in self._orders:
            raise _missing()
        return self._orders[order_id]

    def _payment(self, payment_id: str) -> GatewayPayment:
        if payment_id not in self._payments:
            raise _missing()
        return self._payments[payment_id]
