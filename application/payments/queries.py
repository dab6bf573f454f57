"""Reading payments: the caller's history, and one payment with its event trail."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.payments.lookups import own_payment_by_order
from application.payments.settlement import PaymentSettlement
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayRejected, GatewayUnavailable
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.payments.errors import PaymentNotFound
from domain.payments.events import EventContext, EventValue, PaymentEvent, PaymentEventType
from domain.payments.payment import Payment
from domain.payments.status import PaymentStatus
from domain.request_context import RequestContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentDetails:
    payment: Payment
    events: list[PaymentEvent]


@dataclass(frozen=True, eq=False)
class PaymentHistory:
    uow: UnitOfWorkFactory[PaymentsUnitOfWork]

    async def __call__(
        self, principal: Principal, page: PageRequest, status: PaymentStatus | None
    ) -> Page[Payment]:
        async with self.uow() as uow:
            return await uow.payments.list_for_user(principal.user_id, page, status)


@dataclass(frozen=True, eq=False)
class GetPayment:
    """One of the caller's payments (admins: any); an open one is refreshed from the gateway
    first (sync-on-return), through the same settlement as everything else."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    settlement: PaymentSettlement
    clock: Clock

    async def __call__(
        self, principal: Principal, payment_id: str, meta: RequestContext
    ) -> PaymentDetails:
        async with self.uow() as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None or (payment.user_id != principal.user_id and not principal.is_admin):
            raise PaymentNotFound("payment not found")
        if payment.status.is_open and payment.gateway_order_id is not None:
            ctx = EventContext(
                request=meta, actor=principal.user_id, source="status_check", now=self.clock.now()
            )
            try:
                payment = (await self.settlement.sync(payment.id, ctx)).payment
            except GatewayUnavailable:
                pass  # on a gateway outage show what we know; reconciliation will catch up
            except GatewayRejected as exc:
                # The gateway does not know the order (its state was lost, or the keys changed):
                # nothing it says can change the payment, so show it as stored, with a note.
                await self._note_unknown_order(payment, exc, ctx)
        async with self.uow() as uow:
            events = await uow.payments.events(payment.id)
        return PaymentDetails(payment, events)

    async def _note_unknown_order(
        self, payment: Payment, exc: GatewayRejected, ctx: EventContext
    ) -> None:
        log.warning(
            "payment %s: the gateway refused to look up order %s: %s",
            payment.id,
            payment.gateway_order_id,
            exc.message,
        )
        async with self.uow() as uow:
            await uow.payments.get(payment.id, for_update=True)  # concurrent checks: one note
            noted = any(
                e.type is PaymentEventType.GATEWAY_ORDER_UNKNOWN
                for e in await uow.payments.events(payment.id)
            )
            if noted:
                return  # once is enough: every status check would otherwise add one
            data: dict[str, EventValue] = {
                "orderId": payment.gateway_order_id,
                "reason": exc.message[:200],
                "gatewayCode": exc.gateway_code,
            }
            await uow.payments.append_events(
                [payment.note(PaymentEventType.GATEWAY_ORDER_UNKNOWN, ctx, data)]
            )
            await uow.commit()


@dataclass(frozen=True, eq=False)
class GetOwnPaymentByOrder:
    """The caller's payment for a gateway order; anyone else's is "not found" (no existence
    leak). The dev checkout asks this before it plays the customer, so a wrong token never
    reaches the gateway."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]

    async def __call__(self, principal: Principal, order_id: str) -> Payment:
        async with self.uow() as uow:
            return await own_payment_by_order(uow, principal, order_id)
