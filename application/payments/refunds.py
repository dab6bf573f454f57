"""POST /admin/payments/{id}/refund: reserve, ask the gateway (idempotently), then apply."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.principal import Principal
from application.payments.context import RequestMeta
from application.payments.gateway_snapshot import REFUND_NOTE_KEY
from application.payments.settlement import PaymentSettlement
from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayRejected, PaymentGateway
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Forbidden, ValidationFailed
from domain.ids import new_id
from domain.payments.errors import IllegalTransition, PaymentNotFound
from domain.payments.gateway_facts import Captured, RefundAccepted, RefundRejected
from domain.payments.payment import Payment
from domain.payments.refund import Refund


@dataclass(frozen=True)
class RefundOutcome:
    payment: Payment
    refund: Refund


class RefundPayment:
    """Refunded totals never exceed the captured amount (the reservation is committed before the
    gateway call); credits are clawed back proportionally by the settlement, floored at the
    available balance with the shortfall recorded on the refund."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        gateway: PaymentGateway,
        settlement: PaymentSettlement,
        clock: Clock,
    ):
        self._uow = uow
        self._gateway = gateway
        self._settlement = settlement
        self._clock = clock

    async def __call__(
        self,
        admin: Principal,
        payment_id: str,
        *,
        amount: int | None,
        reason: str,
        meta: RequestMeta,
    ) -> RefundOutcome:
        if not admin.is_admin:
            raise Forbidden("admins only")
        if not reason.strip():
            raise ValidationFailed(
                "a reason is required", details=[{"field": "reason", "message": "required"}]
            )
        ctx = meta.context(actor=admin.user_id, source="admin", now=self._clock.now())
        refund_id = new_id()
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id, for_update=True)
            if payment is None:
                raise PaymentNotFound("payment not found")
            change = payment.request_refund(
                refund_id=refund_id, amount=amount, reason=reason.strip()[:500], ctx=ctx
            )
            await uow.payments.save(change.payment)
            await uow.payments.append_events(change.events)
            await uow.commit()
        return await self.submit(change.payment, refund_id, meta=meta, actor=admin.user_id)

    async def submit(
        self, payment: Payment, refund_id: str, *, meta: RequestMeta, actor: str
    ) -> RefundOutcome:
        """Send a REQUESTED refund to the gateway (also how reconciliation retries one)."""
        refund = payment.refund(refund_id)
        if refund is None or payment.gateway_payment_id is None:
            raise IllegalTransition("nothing to submit")
        ctx = meta.context(actor=actor, source="admin", now=self._clock.now())
        try:
            accepted = await self._gateway.refund(
                payment.gateway_payment_id,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                notes={REFUND_NOTE_KEY: refund.id},
            )
        except GatewayRejected as exc:
            await self._settlement.apply(payment.id, [RefundRejected(refund.id, exc.message)], ctx)
            raise
        capture = Captured(
            payment.gateway_payment_id, payment.captured_amount, payment.currency, payment.method
        )
        fact = RefundAccepted(capture, accepted.id, accepted.amount, accepted.status, refund.id)
        settled = await self._settlement.apply(payment.id, [fact], ctx)
        final = settled.payment.refund(refund.id) or refund
        return RefundOutcome(settled.payment, final)
