"""POST /payments/create-order: a PENDING payment, then a gateway order, in that order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta

from application.identity.principal import Principal
from application.payments.announce import announce_status
from application.payments.lookups import get_payment
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayRejected, PaymentGateway
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DomainError
from domain.ids import new_id
from domain.payments.errors import PaymentsDisabled, PlanNotFound
from domain.payments.events import EventContext
from domain.payments.payment import Change, Payment
from domain.payments.plan import Plan
from domain.payments.status import PaymentStatus
from domain.request_context import RequestContext

REUSE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class OrderCreated:
    payment: Payment
    plan: Plan
    key_id: str
    reused: bool
    order_id: str  # the gateway's order the client pays


def receipt_for(payment_id: str) -> str:
    """Unique per payment and within Razorpay's 40 characters."""
    return "rcpt_" + payment_id.replace("-", "")


@dataclass(frozen=True, eq=False)
class CreateOrder:
    """Price from the plan (never the client); the payment row and its first event are committed
    before the gateway is called, and the gateway is never called inside a transaction."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    gateway: PaymentGateway
    clock: Clock
    _: KW_ONLY
    payments_enabled: bool

    async def __call__(
        self, principal: Principal, plan_id: str, meta: RequestContext
    ) -> OrderCreated:
        if not self.payments_enabled:
            raise PaymentsDisabled("Payments are currently disabled. Please try again later.")
        now = self.clock.now()
        ctx = EventContext(request=meta, actor=principal.user_id, source="checkout", now=now)
        async with self.uow() as uow:
            plan = await uow.plans.get(plan_id)
            if plan is None:
                raise PlanNotFound("plan not found", details={"planId": plan_id})
            reusable = await uow.payments.find_reusable(
                principal.user_id, plan.plan_id, now - REUSE_WINDOW
            )
        reused_order = reusable.gateway_order_id if reusable is not None else None
        if (
            reusable is not None
            and reused_order is not None
            and plan.is_active
            and await self._still_payable(reusable, reused_order, ctx)
        ):
            return OrderCreated(
                reusable, plan, self.gateway.key_id, reused=True, order_id=reused_order
            )
        async with self.uow() as uow:
            payment_id = new_id()
            opened = Payment.open(
                payment_id=payment_id,
                user_id=principal.user_id,
                plan=plan,
                receipt=receipt_for(payment_id),
                ctx=ctx,
            )
            await uow.payments.add(opened.payment)
            await uow.payments.append_events(opened.events)
            await uow.commit()
        payment = opened.payment
        try:
            order = await self.gateway.create_order(
                amount=payment.amount,
                currency=payment.currency,
                receipt=payment.receipt,
                notes={
                    "paymentId": payment.id,
                    "userId": principal.user_id,
                    "planId": plan.plan_id,
                    "credits": str(payment.credits),
                },
            )
        except DomainError as exc:
            reason = exc.message if isinstance(exc, GatewayRejected) else "gateway unavailable"
            await self._record(payment.id, lambda p: p.order_failed(reason, ctx))
            raise
        return OrderCreated(
            await self._record(payment.id, lambda p: p.attach_order(order.id, ctx)),
            plan,
            self.gateway.key_id,
            reused=False,
            order_id=order.id,
        )

    async def _still_payable(self, payment: Payment, order_id: str, ctx: EventContext) -> bool:
        """Only an order the gateway still knows, and that is not paid yet, is handed out again.

        One it does not know (its state was lost, or the keys now point at another account)
        could never be paid: its payment is cancelled (a capture arriving after all still
        completes it, flagged) and a new order is opened instead.
        """
        try:
            order = await self.gateway.fetch_order(order_id)
        except GatewayRejected as exc:
            reason = f"the payment gateway does not know order {order_id} ({exc.message})"
            await self._record(
                payment.id,
                lambda p: p.cancel(reason, ctx) if p.status is PaymentStatus.PENDING else Change(p),
            )
            return False
        return order.status != "paid"  # paid there: settlement will complete it, not a re-pay

    async def _record(self, payment_id: str, step: Callable[[Payment], Change]) -> Payment:
        async with self.uow() as uow:
            payment = await get_payment(uow, payment_id, for_update=True)
            change = step(payment)
            await uow.payments.save(change.payment)
            await announce_status(uow, payment, change.payment)
            await uow.payments.append_events(change.events)
            await uow.commit()
        return change.payment
