"""POST /admin/payments/{id}/refund: reserve, ask the gateway (idempotently), then apply.

A refund request is named by the admin's Idempotency-Key: its id is derived from (admin, payment,
key), so a retry after a lost gateway answer finds the refund it already reserved and resolves it
(asks the gateway what became of it, then resends it under the same gateway idempotency key if the
gateway never saw it), never reserving and sending a second one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from application.identity.principal import Principal
from application.payments.announce import announce_status
from application.payments.gateway_snapshot import REFUND_NOTE_KEY
from application.payments.lookups import get_payment
from application.payments.settlement import PaymentSettlement
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayRejected, PaymentGateway
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DuplicateRequest, Forbidden, ValidationFailed
from domain.ids import derived_id
from domain.payments.errors import IllegalTransition, RefundFailed
from domain.payments.events import EventContext
from domain.payments.gateway_facts import Captured, RefundAccepted, RefundRejected
from domain.payments.payment import Payment
from domain.payments.refund import Refund, RefundStatus
from domain.request_context import RequestContext


@dataclass(frozen=True)
class RefundOutcome:
    payment: Payment
    refund: Refund


def refund_request_id(admin_id: str, payment_id: str, request_key: str) -> str:
    """The refund an admin's Idempotency-Key names (deterministic, fits the id columns)."""
    return derived_id("refund-request", admin_id, payment_id, request_key)


def refund_request_fingerprint(amount: int | None, reason: str) -> str:
    """What was asked: a retry under the same key must ask the same."""
    asked = "full" if amount is None else str(amount)
    return hashlib.sha256(f"{asked}\n{reason}".encode()).hexdigest()


@dataclass(frozen=True, eq=False)
class RefundPayment:
    """Refunded totals never exceed the captured amount (the reservation is committed before the
    gateway call); credits are clawed back proportionally by the settlement, floored at the
    available balance with the shortfall recorded on the refund."""

    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    gateway: PaymentGateway
    settlement: PaymentSettlement
    clock: Clock

    async def __call__(
        self,
        admin: Principal,
        payment_id: str,
        *,
        amount: int | None,
        reason: str,
        request_key: str,
        meta: RequestContext,
    ) -> RefundOutcome:
        """Refund ``amount`` (None: all that is left) once per ``request_key`` (the admin's
        Idempotency-Key); the same key asking something else → DuplicateRequest."""
        if not admin.is_admin:
            raise Forbidden("admins only")
        reason = reason.strip()[:500]
        if not reason:
            raise ValidationFailed(
                "a reason is required", details=[{"field": "reason", "message": "required"}]
            )
        ctx = EventContext(request=meta, actor=admin.user_id, source="admin", now=self.clock.now())
        refund_id = refund_request_id(admin.user_id, payment_id, request_key)
        fingerprint = refund_request_fingerprint(amount, reason)
        async with self.uow() as uow:
            payment = await get_payment(uow, payment_id, for_update=True)
            asked_before = payment.refund(refund_id)
            if asked_before is None:
                change = payment.request_refund(
                    refund_id=refund_id,
                    amount=amount,
                    reason=reason,
                    ctx=ctx,
                    fingerprint=fingerprint,
                )
                await uow.payments.save(change.payment)
                await announce_status(uow, payment, change.payment)
                await uow.payments.append_events(change.events)
                await uow.commit()
        if asked_before is None:
            return await self.submit(change.payment, refund_id, meta=meta, actor=admin.user_id)
        if asked_before.request_fingerprint != fingerprint:
            raise DuplicateRequest("Idempotency-Key already used for another refund")
        return await self._resolve(payment, asked_before, ctx, meta=meta, actor=admin.user_id)

    async def _resolve(
        self,
        payment: Payment,
        refund: Refund,
        ctx: EventContext,
        *,
        meta: RequestContext,
        actor: str,
    ) -> RefundOutcome:
        """The refund was asked for before: what became of it? Ask the gateway first (its refunds
        carry our id in their notes) and resend only what the gateway never saw."""
        if refund.status is RefundStatus.REQUESTED:
            payment = (await self.settlement.sync(payment.id, ctx)).payment
            refund = payment.refund(refund.id) or refund
        if refund.status is RefundStatus.FAILED:
            raise RefundFailed(
                refund.failure_reason or "the refund failed at the gateway",
                details={"refundId": refund.id},
            )
        if refund.status is RefundStatus.REQUESTED and refund.gateway_refund_id is None:
            return await self.submit(payment, refund.id, meta=meta, actor=actor)
        return RefundOutcome(payment, refund)

    async def submit(
        self, payment: Payment, refund_id: str, *, meta: RequestContext, actor: str
    ) -> RefundOutcome:
        """Send a REQUESTED refund to the gateway (also how reconciliation retries one)."""
        refund = payment.refund(refund_id)
        if refund is None or payment.gateway_payment_id is None:
            raise IllegalTransition("nothing to submit")
        ctx = EventContext(request=meta, actor=actor, source="admin", now=self.clock.now())
        try:
            accepted = await self.gateway.refund(
                payment.gateway_payment_id,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                notes={REFUND_NOTE_KEY: refund.id},
            )
        except GatewayRejected as exc:
            await self.settlement.apply(payment.id, [RefundRejected(refund.id, exc.message)], ctx)
            raise
        capture = Captured(
            payment.gateway_payment_id, payment.captured_amount, payment.currency, payment.method
        )
        fact = RefundAccepted(capture, accepted.id, accepted.amount, accepted.status, refund.id)
        settled = await self.settlement.apply(payment.id, [fact], ctx)
        final = settled.payment.refund(refund.id) or refund
        return RefundOutcome(settled.payment, final)
