"""Plans, payments and the Razorpay webhook (API.md "Plans and payments", "Webhooks")."""

from __future__ import annotations

from application.pagination import Page
from application.payments.create_order import CreateOrder
from application.payments.plans import GetPlan, ListPlans
from application.payments.queries import GetPayment, PaymentHistory
from application.payments.refunds import RefundPayment
from application.payments.verify import VerifyPayment
from application.payments.webhooks import ReceiveRazorpayWebhook
from domain.payments.payment import Payment
from domain.payments.status import PaymentStatus
from entrypoints.http.idempotency import idempotent, required_idempotency_key
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery, Reply
from entrypoints.http.schemas.base import shown
from entrypoints.http.schemas.payments import (
    CreateOrderIn,
    OrderOut,
    PaymentDetailOut,
    PaymentHistoryQuery,
    PaymentOut,
    PaymentWebhookAckOut,
    PlanOut,
    RefundIn,
    RefundResultOut,
    VerifyIn,
    VerifyOut,
    event_out,
    payment_out,
    plan_out,
    refund_out,
)

routes = ApiRoutes(tag="payments")


@routes.get("/api/v1/plans", auth=Auth.NONE, summary="Active plans, cheapest first")
async def list_plans(call: Call[NoBody, NoQuery], list_plans: ListPlans) -> list[PlanOut]:
    return [plan_out(p) for p in await list_plans()]


@routes.get("/api/v1/plans/{planId}", auth=Auth.NONE, summary="One active plan")
async def get_plan(call: Call[NoBody, NoQuery], get_plan: GetPlan) -> PlanOut:
    return plan_out(await get_plan(call.path["planId"]))


@routes.post(
    "/api/v1/payments/create-order",
    status=201,
    rate_limit="10/minute",
    summary="Open a Razorpay order for a plan (reuses my open order < 15 min old)",
)
@idempotent(status=201, required=False)
async def create_order(call: Call[CreateOrderIn, NoQuery], create_order: CreateOrder) -> OrderOut:
    result = await create_order(call.user, call.body.plan_id, call.context)
    p = result.payment
    return shown(
        OrderOut,
        p,
        payment_id=p.id,
        order_id=result.order_id,
        key_id=result.key_id,
        reused=result.reused,
        plan=plan_out(result.plan),
    )


@routes.post(
    "/api/v1/payments/verify",
    response=VerifyOut,
    rate_limit="30/minute",
    responses={202: "Authorized, not captured yet: status PROCESSING"},
    summary="Confirm a checkout: completes the payment and adds the credits, once",
)
async def verify(call: Call[VerifyIn, NoQuery], verify_payment: VerifyPayment) -> Reply:
    b = call.body
    result = await verify_payment(
        call.user,
        order_id=b.razorpay_order_id,
        gateway_payment_id=b.razorpay_payment_id,
        signature=b.razorpay_signature,
        meta=call.context,
    )
    if result.status.is_paid:
        return Reply(shown(VerifyOut, result, payment_id=result.payment.id))
    return Reply(
        VerifyOut(status=PaymentStatus.PROCESSING, payment_id=result.payment.id), status=202
    )


@routes.page(
    "/api/v1/payments/history", PaymentOut, show=payment_out, summary="My payments, newest first"
)
async def history(
    call: Call[NoBody, PaymentHistoryQuery], payment_history: PaymentHistory
) -> Page[Payment]:
    return await payment_history(call.user, call.query.paging, call.query.status)


@routes.get(
    "/api/v1/payments/{paymentId}",
    summary="One of my payments with its event trail (refreshed if still open)",
)
async def get_payment(call: Call[NoBody, NoQuery], get_payment: GetPayment) -> PaymentDetailOut:
    details = await get_payment(call.user, call.path["paymentId"], call.context)
    base = payment_out(details.payment).model_dump()
    return PaymentDetailOut(**base, events=[event_out(e) for e in details.events])


@routes.post(
    "/api/v1/admin/payments/{paymentId}/refund",
    auth=Auth.ADMIN,
    summary="Refund (part of) a payment once per Idempotency-Key (required); credits clawed back",
    responses={
        402: "PAYMENT_FAILED: Razorpay refused (or later failed) the refund this key names",
        409: "DUPLICATE_REQUEST: the key names a refund asked with another amount or reason",
        503: "SERVICE_UNAVAILABLE: Razorpay's answer was lost; retry with the same key",
    },
)
@idempotent(status=200, required=True)
async def refund(call: Call[RefundIn, NoQuery], refund_payment: RefundPayment) -> RefundResultOut:
    # The key names the refund itself (not only this HTTP answer): a retry after a 503 resolves
    # the refund it reserved instead of sending a second one (docs/payments.md "Refunds").
    key = required_idempotency_key(call)
    outcome = await refund_payment(
        call.user,
        call.path["paymentId"],
        amount=call.body.amount,
        reason=call.body.reason,
        request_key=key,
        meta=call.context,
    )
    return RefundResultOut(
        payment_id=outcome.payment.id,
        payment_status=outcome.payment.status,
        refund=refund_out(outcome.refund),
    )


async def _razorpay_webhook(
    call: Call[NoBody, NoQuery], receive: ReceiveRazorpayWebhook
) -> PaymentWebhookAckOut:
    stored = await receive(
        call.raw_body,
        signature=call.header("X-Razorpay-Signature"),
        event_id=call.header("X-Razorpay-Event-Id"),
        meta=call.context,
    )
    return PaymentWebhookAckOut(received=True, duplicate=not stored)


for _path in ("/webhooks/v1/razorpay", "/api/v1/payments/webhook"):
    routes.post(
        _path,
        auth=Auth.NONE,
        raw=True,
        response=PaymentWebhookAckOut,
        rate_limit="600/minute",
        responses={403: "INVALID_SIGNATURE: nothing stored"},
        summary="Razorpay webhook: verified on the raw body, stored once, processed later",
    )(_razorpay_webhook)
