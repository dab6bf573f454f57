"""Razorpay JSON entities → the port's dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.ports.payment_gateway import GatewayOrder, GatewayPayment, GatewayRefund


def _notes(value: object) -> dict[str, str]:
    # Razorpay returns ``[]`` for empty notes
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def order_from(body: Mapping[str, Any]) -> GatewayOrder:
    return GatewayOrder(
        id=str(body["id"]),
        amount=int(body["amount"]),
        currency=str(body["currency"]),
        receipt=str(body.get("receipt") or ""),
        status=str(body["status"]),
        amount_paid=int(body.get("amount_paid") or 0),
        attempts=int(body.get("attempts") or 0),
        notes=_notes(body.get("notes")),
        created_at=int(body.get("created_at") or 0),
    )


def payment_from(body: Mapping[str, Any]) -> GatewayPayment:
    return GatewayPayment(
        id=str(body["id"]),
        order_id=body.get("order_id"),
        amount=int(body["amount"]),
        currency=str(body["currency"]),
        status=str(body["status"]),
        captured=bool(body.get("captured")),
        method=body.get("method"),
        amount_refunded=int(body.get("amount_refunded") or 0),
        error_code=body.get("error_code"),
        error_description=body.get("error_description"),
        created_at=int(body.get("created_at") or 0),
    )


def refund_from(body: Mapping[str, Any]) -> GatewayRefund:
    return GatewayRefund(
        id=str(body["id"]),
        payment_id=str(body["payment_id"]),
        amount=int(body["amount"]),
        currency=str(body.get("currency") or "INR"),
        status=str(body["status"]),
        notes=_notes(body.get("notes")),
        created_at=int(body.get("created_at") or 0),
    )
