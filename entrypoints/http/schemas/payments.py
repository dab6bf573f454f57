"""Request and response models of plans and payments (API.md "Plans and payments")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.refund import Refund
from domain.payments.status import PaymentStatus
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime, shown

GatewayId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")
]


class PlanOut(ApiOutput):
    id: str
    plan_id: str
    name: str
    amount: int = Field(description="Price in paise")
    currency: str
    credits: int
    description: str
    features: list[str]
    is_active: bool
    is_popular: bool


def plan_out(plan: Plan) -> PlanOut:
    return shown(PlanOut, plan, id=plan.plan_id, features=list(plan.features))


class CreateOrderIn(ApiInput):
    plan_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class OrderOut(ApiOutput):
    payment_id: str
    order_id: str
    amount: int
    currency: str
    key_id: str
    receipt: str
    reused: bool
    plan: PlanOut


class VerifyIn(ApiInput):
    # Razorpay Checkout's handler hands these names to the browser: keep them as they are
    model_config = ConfigDict(alias_generator=None, extra="forbid", str_strip_whitespace=True)

    razorpay_order_id: GatewayId
    razorpay_payment_id: GatewayId
    razorpay_signature: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class VerifyOut(ApiOutput):
    status: PaymentStatus
    payment_id: str
    credits_added: int | None = None
    balance: int | None = None


class RefundOut(ApiOutput):
    id: str
    amount: int
    status: str
    gateway_refund_id: str | None
    gateway_status: str | None
    credits_clawed: int
    credits_shortfall: int
    reason: str
    created_at: UtcTime


def refund_out(refund: Refund) -> RefundOut:
    return shown(RefundOut, refund, status=refund.status.value)


class PaymentOut(ApiOutput):
    id: str
    status: PaymentStatus
    plan_id: str
    plan_name: str
    amount: int
    currency: str
    credits: int
    order_id: str | None
    gateway_payment_id: str | None
    method: str | None
    failure_reason: str | None
    captured_amount: int
    refunded_amount: int
    flags: list[str]
    refunds: list[RefundOut]
    created_at: UtcTime
    updated_at: UtcTime
    processing_at: UtcTime | None
    completed_at: UtcTime | None
    failed_at: UtcTime | None
    cancelled_at: UtcTime | None
    partially_refunded_at: UtcTime | None
    refunded_at: UtcTime | None


def payment_out(p: Payment) -> PaymentOut:
    return shown(
        PaymentOut,
        p,
        order_id=p.gateway_order_id,
        flags=list(p.flags),
        refunds=[refund_out(r) for r in p.refunds],
    )


class PaymentEventOut(ApiOutput):
    id: str
    type: str
    from_status: PaymentStatus | None
    to_status: PaymentStatus
    actor: str
    source: str
    data: dict[str, Any]
    created_at: UtcTime


def event_out(e: PaymentEvent) -> PaymentEventOut:
    # the caller sees what happened and when; IP and user agent stay in the audit trail
    return shown(PaymentEventOut, e, type=e.type.value, data=dict(e.data))


class PaymentDetailOut(PaymentOut):
    events: list[PaymentEventOut]


class PaymentHistoryQuery(PageQuery):
    status: PaymentStatus | None = None


class RefundIn(ApiInput):
    amount: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000_000,
        strict=True,
        description="Paise; omit for the whole refundable amount",
    )
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class RefundResultOut(ApiOutput):
    payment_id: str
    payment_status: PaymentStatus
    refund: RefundOut


class PaymentWebhookAckOut(ApiOutput):
    received: bool
    duplicate: bool
