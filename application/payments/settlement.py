"""The one payment processor: what the gateway says, applied to our payment exactly once.

Checkout verify, the webhook job, reconciliation and status refreshes all come here. The gateway
is asked first, outside any transaction; then, under a row lock, the facts are folded into the
payment, and the PURCHASE (or refund claw-back) ledger entry, the new state, its events and the
outbox notices commit together. A second caller waiting on the lock finds the work done and
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.account.activity import activity_writer
from application.payments import notices
from application.payments.announce import announce_status
from application.payments.gateway_snapshot import facts_from_payments, has_live_attempt
from application.payments.lookups import get_payment
from application.payments.ports import PaymentMilestones, PurchaseLedger
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.outbox_commands import OutboxCommand
from application.ports.payment_gateway import GatewayOrder, GatewayPayment, PaymentGateway
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action
from domain.errors import DomainError
from domain.payments.events import EventContext, PaymentEvent, PaymentEventType
from domain.payments.gateway_facts import (
    Authorized,
    Captured,
    Failed,
    GatewayFact,
    RefundRejected,
    absorb,
)
from domain.payments.payment import FLAG_AMOUNT_MISMATCH, Change, Payment
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus

log = logging.getLogger(__name__)

Decision = Callable[[Payment], Change]
FACT_REJECTED = "GATEWAY_FACT_REJECTED"  # flagged once per (fact, reason)


@dataclass(frozen=True)
class Snapshot:
    """What the gateway knows about one of our orders."""

    payments: list[GatewayPayment]
    facts: list[GatewayFact]
    order: GatewayOrder | None = None

    @property
    def has_live_attempt(self) -> bool:
        return has_live_attempt(self.payments)


@dataclass(frozen=True)
class Settled:
    payment: Payment
    completed_now: bool
    balance: int | None  # wallet balance after the purchase, when it completed now

    @property
    def amount_mismatch(self) -> bool:
        return FLAG_AMOUNT_MISMATCH in self.payment.flags and not self.payment.status.is_paid


@dataclass(frozen=True, eq=False)
class PaymentSettlement:
    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    gateway: PaymentGateway
    ledger: PurchaseLedger
    milestones: PaymentMilestones | None = None

    async def snapshot(self, payment: Payment, *, with_order: bool = False) -> Snapshot:
        """Ask the gateway (never inside a transaction) about the payment's order."""
        if payment.gateway_order_id is None:
            return Snapshot([], [])
        payments = await self.gateway.fetch_order_payments(payment.gateway_order_id)
        awaiting = any(r.status is RefundStatus.REQUESTED for r in payment.refunds)
        refunds = []
        for p in payments:
            if p.captured and (p.amount_refunded > 0 or awaiting or payment.refunds):
                refunds.extend(await self.gateway.fetch_refunds(p.id))
        order = await self.gateway.fetch_order(payment.gateway_order_id) if with_order else None
        return Snapshot(payments, facts_from_payments(payments, refunds), order)

    async def sync(self, payment_id: str, ctx: EventContext) -> Settled:
        """Re-fetch from the gateway and apply."""
        async with self.uow() as uow:
            payment = await get_payment(uow, payment_id)
        snapshot = await self.snapshot(payment)
        return await self.apply(payment_id, snapshot.facts, ctx)

    async def apply(
        self,
        payment_id: str,
        facts: Sequence[GatewayFact],
        ctx: EventContext,
        *,
        decide: Decision | None = None,
        notes: Sequence[tuple[PaymentEventType, dict[str, str | int | bool | None]]] = (),
    ) -> Settled:
        """Fold ``facts`` (then ``decide``, e.g. cancel) into the payment in one transaction."""
        async with self.uow() as uow:
            payment = await get_payment(uow, payment_id, for_update=True)
            start = payment
            events: list[PaymentEvent] = [payment.note(kind, ctx, data) for kind, data in notes]
            messages: list[OutboxCommand] = []
            completed_now = False
            refund_notices: list[tuple[str, int]] = []  # (refund id, credits clawed)
            failed_refunds: list[str] = []
            rejected_before: set[tuple[object, object]] | None = None
            for fact in facts:
                try:
                    change = absorb(payment, fact, ctx)
                except DomainError as exc:  # inconsistent gateway data: leave a trace, go on
                    log.warning("payment %s: gateway fact rejected: %s", payment.id, exc.message)
                    if rejected_before is None:
                        rejected_before = await _rejected_facts(uow, payment.id)
                    trace = (fact_key(fact), exc.message)
                    if trace not in rejected_before:  # the gateway repeats itself; we do not
                        rejected_before.add(trace)
                        events.append(
                            payment.note(
                                PaymentEventType.FLAGGED,
                                ctx,
                                {"flag": FACT_REJECTED, "reason": exc.message, "fact": trace[0]},
                            )
                        )
                    continue
                payment = change.payment
                events.extend(change.events)
                if change.completed:
                    completed_now = True
                    await self.ledger.post_purchase(
                        uow,
                        user_id=payment.user_id,
                        payment_id=payment.id,
                        credits=payment.credits,
                        description=f"Credits purchased via {payment.plan_name}",
                    )
                    if self.milestones is not None:
                        await self.milestones.payment_completed(uow, payment.user_id, payment.id)
                if change.applied_refund is not None:
                    refund = change.applied_refund
                    result = await self.ledger.claw_back_refund(
                        uow,
                        user_id=payment.user_id,
                        payment_id=payment.id,
                        refund_id=refund.id,
                        credits=change.claw_back_credits,
                        description=f"Refund of {payment.plan_name} purchase",
                    )
                    payment = payment.record_claw_back(
                        refund.id, clawed=result.clawed, shortfall=result.shortfall
                    )
                    refund_notices.append((refund.id, result.clawed))
                    if self.milestones is not None and payment.status is PaymentStatus.REFUNDED:
                        await self.milestones.payment_refunded(uow, payment.user_id, payment.id)
                failed_refunds += [
                    str(e.data["refundId"])
                    for e in change.events
                    if e.type is PaymentEventType.REFUND_FAILED
                ]
            if decide is not None:
                change = decide(payment)
                payment = change.payment
                events.extend(change.events)
            if not events:
                return Settled(payment, False, None)
            email = await _email_of(uow, payment.user_id)
            balance = None
            if completed_now:
                balance = (await self.ledger.balance(uow, payment.user_id)).balance
                messages += notices.payment_succeeded(payment, email, balance)
            if payment.status is PaymentStatus.FAILED and start.status is not PaymentStatus.FAILED:
                messages += notices.payment_failed(payment, email)
            for refund_id, clawed in refund_notices:
                applied = payment.refund(refund_id)
                if applied is not None:
                    messages += notices.refund_initiated(payment, applied, email, clawed)
            for refund_id in failed_refunds:
                failed = payment.refund(refund_id)
                if failed is not None:
                    messages += notices.refund_failed(payment, failed, email)
            await _record_activity(uow, payment, start, completed_now, refund_notices, ctx)
            await uow.payments.save(payment)
            await announce_status(uow, start, payment)
            await uow.payments.append_events(events)
            for message in messages:
                await uow.outbox.add(message)
            await uow.commit()
        return Settled(payment, completed_now, balance)


def fact_key(fact: GatewayFact) -> str:
    """What a fact is about (the same fact seen again has the same key)."""
    if isinstance(fact, Authorized):
        return f"authorized:{fact.gateway_payment_id}"
    if isinstance(fact, Failed):
        return f"failed:{fact.gateway_payment_id}"
    if isinstance(fact, Captured):
        return f"captured:{fact.gateway_payment_id}"
    if isinstance(fact, RefundRejected):
        return f"refund-rejected:{fact.refund_id}"
    return f"refund:{fact.gateway_refund_id}"


async def _rejected_facts(uow: PaymentsUnitOfWork, payment_id: str) -> set[tuple[object, object]]:
    """The (fact, reason) pairs already flagged on the payment's trail."""
    return {
        (e.data.get("fact"), e.data.get("reason"))
        for e in await uow.payments.events(payment_id)
        if e.type is PaymentEventType.FLAGGED and e.data.get("flag") == FACT_REJECTED
    }


async def _record_activity(
    uow: PaymentsUnitOfWork,
    payment: Payment,
    start: Payment,
    completed_now: bool,
    refunds: Sequence[tuple[str, int]],
    ctx: EventContext,
) -> None:
    """The buyer's activity log: completions, failures and refunds, in the payment's transaction."""
    activity = activity_writer(uow, payment.user_id, ctx.now, ctx.request)
    if completed_now:
        await activity.record(
            Action.PAYMENT_COMPLETED,
            paymentId=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            credits=payment.credits,
        )
    if payment.status is PaymentStatus.FAILED and start.status is not PaymentStatus.FAILED:
        await activity.record(Action.PAYMENT_FAILED, paymentId=payment.id)
    for refund_id, clawed in refunds:
        await activity.record(
            Action.REFUND_ISSUED, paymentId=payment.id, refundId=refund_id, creditsDeducted=clawed
        )


async def _email_of(uow: PaymentsUnitOfWork, user_id: str) -> notices.Recipient:
    user = await uow.users.get(user_id)
    if user is None:
        return notices.Recipient(None, "there")
    return notices.Recipient(user.email, user.greeted_as("there"))
