"""Request and response models of plans and payments (API.md "Plans and payments")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.refund import Refund
from domain.payments.status import PaymentStatus
from entrypoints.http.schemas.base import ApiInput, ApiOutput, PageQuery, UtcTime

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
    return PlanOut(
        id=plan.plan_id,
        plan_id=plan.plan_id,
        name=plan.name,
        amount=plan.amount,
        currency=plan.currency,
        credits=plan.credits,
        description=plan.description,
        features=list(plan.features),
        is_active=plan.is_active,
        is_popular=plan.is_popular,
    )


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
    return RefundOut(
        id=refund.id,
        amount=refund.amount,
        status=refund.status.value,
        gateway_refund_id=refund.gateway_refund_id,
        gateway_status=refund.gateway_status,
        credits_clawed=refund.credits_clawed,
        credits_shortfall=refund.credits_shortfall,
        reason=refund.reason,
        created_at=refund.created_at,
    )


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
    return PaymentOut(
        id=p.id,
        status=p.status,
        plan_id=p.plan_id,
        plan_name=p.plan_name,
        amount=p.amount,
        currency=p.currency,
        credits=p.credits,
        order_id=p.gateway_order_id,
        gateway_payment_id=p.gateway_payment_id,
        method=p.method,
        failure_reason=p.failure_reason,
        captured_amount=p.captured_amount,
        refunded_amount=p.refunded_amount,
        flags=list(p.flags),
        refunds=[refund_out(r) for r in p.refunds],
        created_at=p.created_at,
        updated_at=p.updated_at,
        processing_at=p.processing_at,
        completed_at=p.completed_at,
        failed_at=p.failed_at,
        cancelled_at=p.cancelled_at,
        partially_refunded_at=p.partially_refunded_at,
        refunded_at=p.refunded_at,
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
    return PaymentEventOut(
        id=e.id,
        type=e.type.value,
        from_status=e.from_status,
        to_status=e.to_status,
        actor=e.actor,
        source=e.source,
        data=dict(e.data),
        created_at=e.created_at,
    )


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
