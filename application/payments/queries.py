"""Reading payments: the caller's history, and one payment with its event trail."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.payments.context import RequestMeta
from application.payments.settlement import PaymentSettlement
from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayUnavailable
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.payments.errors import PaymentNotFound
from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.status import PaymentStatus


@dataclass(frozen=True)
class PaymentDetails:
    payment: Payment
    events: list[PaymentEvent]


class PaymentHistory:
    def __init__(self, uow: UnitOfWorkFactory):
        self._uow = uow

    async def __call__(
        self, principal: Principal, page: PageRequest, status: PaymentStatus | None
    ) -> Page[Payment]:
        async with self._uow() as uow:
            return await uow.payments.list_for_user(principal.user_id, page, status)


class GetPayment:
    """One of the caller's payments (admins: any); an open one is refreshed from the gateway
    first (sync-on-return), through the same settlement as everything else."""

    def __init__(self, uow: UnitOfWorkFactory, settlement: PaymentSettlement, clock: Clock):
        self._uow = uow
        self._settlement = settlement
        self._clock = clock

    async def __call__(
        self, principal: Principal, payment_id: str, meta: RequestMeta
    ) -> PaymentDetails:
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None or (payment.user_id != principal.user_id and not principal.is_admin):
            raise PaymentNotFound("payment not found")
        if payment.status.is_open and payment.gateway_order_id is not None:
            ctx = meta.context(
                actor=principal.user_id, source="status_check", now=self._clock.now()
            )
            # on a gateway outage show what we know; reconciliation will catch up
            with contextlib.suppress(GatewayUnavailable):
                payment = (await self._settlement.sync(payment.id, ctx)).payment
        async with self._uow() as uow:
            events = await uow.payments.events(payment.id)
        return PaymentDetails(payment, events)
