"""The Payment aggregate: a purchase of one plan, its gateway order, its refunds and its state.

Every method is pure: it returns a ``Change`` (the new payment plus the events to append) and never
mutates. Callers persist the change in one transaction; ``Change.completed`` says the PURCHASE
ledger entry must be posted in that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.ids import new_id
from domain.payments.claw_back import credits_for_refund
from domain.payments.errors import IllegalTransition, RefundExceedsCaptured
from domain.payments.events import EventContext, EventValue, PaymentEvent, PaymentEventType
from domain.payments.plan import Plan
from domain.payments.refund import Refund, RefundStatus
from domain.payments.status import PaymentStatus, Trigger, next_status

FLAG_CAPTURED_AFTER_CANCEL = "CAPTURED_AFTER_CANCEL"
FLAG_AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
FLAG_SECOND_CAPTURE = "SECOND_CAPTURE_ON_ORDER"
FLAG_REFUND_FAILED_AFTER_APPLY = "REFUND_FAILED_AFTER_APPLY"
FLAG_REFUND_AMOUNT_MISMATCH = "REFUND_AMOUNT_MISMATCH"

_STAMP = {
    PaymentStatus.PROCESSING: "processing_at",
    PaymentStatus.COMPLETED: "completed_at",
    PaymentStatus.FAILED: "failed_at",
    PaymentStatus.CANCELLED: "cancelled_at",
    PaymentStatus.PARTIALLY_REFUNDED: "partially_refunded_at",
    PaymentStatus.REFUNDED: "refunded_at",
}


@dataclass(frozen=True)
class Change:
    payment: Payment
    events: tuple[PaymentEvent, ...] = ()
    completed: bool = False  # entered COMPLETED now: post the PURCHASE in the same transaction
    applied_refund: Refund | None = None  # applied now: claw back ``claw_back_credits``
    claw_back_credits: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.events)


@dataclass(frozen=True)
class Payment:
    id: str
    user_id: str
    plan_id: str
    plan_name: str
    credits: int
    amount: int  # paise, from the plan at order time
    currency: str
    receipt: str
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    gateway_order_id: str | None = None
    gateway_payment_id: str | None = None
    method: str | None = None
    failure_reason: str | None = None
    captured_amount: int = 0
    processing_at: datetime | None = None
    completed_at: datetime | None = None
    failed_at: datetime | None = None
    cancelled_at: datetime | None = None
    partially_refunded_at: datetime | None = None
    refunded_at: datetime | None = None
    flags: tuple[str, ...] = ()
    refunds: tuple[Refund, ...] = field(default=())

    # -- creation ---------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, *, payment_id: str, user_id: str, plan: Plan, receipt: str, ctx: EventContext
    ) -> Change:
        """A PENDING payment for ``plan`` (which must be orderable), with its CREATED event."""
        plan.ensure_orderable()
        payment = cls(
            id=payment_id,
            user_id=user_id,
            plan_id=plan.plan_id,
            plan_name=plan.name,
            credits=plan.credits,
            amount=plan.amount,
            currency=plan.currency,
            receipt=receipt,
            status=PaymentStatus.PENDING,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        data: dict[str, EventValue] = {
            "planId": plan.plan_id,
            "amount": plan.amount,
            "credits": plan.credits,
        }
        return Change(payment, (payment._event(PaymentEventType.CREATED, None, ctx, data),))

    def attach_order(self, gateway_order_id: str, ctx: EventContext) -> Change:
        if self.gateway_order_id == gateway_order_id:
            return Change(self)
        if self.gateway_order_id is not None:
            raise IllegalTransition("the payment already has a gateway order")
        moved = replace(self, gateway_order_id=gateway_order_id, updated_at=ctx.now)
        return self._became(
            moved, PaymentEventType.ORDER_CREATED, ctx, {"orderId": gateway_order_id}
        )

    def order_failed(self, reason: str, ctx: EventContext) -> Change:
        return self._end(Trigger.FAIL, PaymentEventType.ORDER_FAILED, reason, ctx)

    # -- gateway facts (order-independent, idempotent) ------------------------------------------

    def authorize(self, gateway_payment_id: str, ctx: EventContext) -> Change:
        data: dict[str, EventValue] = {"gatewayPaymentId": gateway_payment_id}
        return self._move(
            Trigger.AUTHORIZE,
            PaymentEventType.AUTHORIZED,
            ctx,
            data,
            gateway_payment_id=gateway_payment_id,
        )

    def fail(self, gateway_payment_id: str | None, reason: str, ctx: EventContext) -> Change:
        data: dict[str, EventValue] = {"gatewayPaymentId": gateway_payment_id, "reason": reason}
        return self._move(
            Trigger.FAIL,
            PaymentEventType.FAILED,
            ctx,
            data,
            failure_reason=reason,
            gateway_payment_id=gateway_payment_id or self.gateway_payment_id,
        )

    def capture(
        self,
        *,
        gateway_payment_id: str,
        amount: int,
        currency: str,
        method: str | None,
        ctx: EventContext,
    ) -> Change:
        """Money captured. Completes (once) unless amount/currency differ from the order."""
        data: dict[str, EventValue] = {
            "gatewayPaymentId": gateway_payment_id,
            "amount": amount,
            "currency": currency,
            "method": method,
        }
        if amount != self.amount or currency != self.currency:
            if FLAG_AMOUNT_MISMATCH in self.flags:
                return Change(self)  # already flagged: a repeated delivery adds nothing
            flagged = self._flag(FLAG_AMOUNT_MISMATCH, ctx)
            data |= {"expectedAmount": self.amount, "expectedCurrency": self.currency}
            return self._became(flagged, PaymentEventType.AMOUNT_MISMATCH, ctx, data)
        if self.status.is_paid:
            if (
                self.gateway_payment_id not in (None, gateway_payment_id)
                and FLAG_SECOND_CAPTURE not in self.flags
            ):
                flagged = self._flag(FLAG_SECOND_CAPTURE, ctx)
                return self._became(
                    flagged, PaymentEventType.FLAGGED, ctx, data | {"flag": FLAG_SECOND_CAPTURE}
                )
            return Change(self)
        was_cancelled = self.status is PaymentStatus.CANCELLED
        change = self._move(
            Trigger.CAPTURE,
            PaymentEventType.CAPTURED,
            ctx,
            data,
            gateway_payment_id=gateway_payment_id,
            method=method,
            captured_amount=amount,
            failure_reason=None,
        )
        if was_cancelled:
            flagged = change.payment._flag(FLAG_CAPTURED_AFTER_CANCEL, ctx)
            flag_event = flagged._event(
                PaymentEventType.FLAGGED, flagged.status, ctx, {"flag": FLAG_CAPTURED_AFTER_CANCEL}
            )
            change = replace(change, payment=flagged, events=(*change.events, flag_event))
        return replace(change, completed=True)

    # -- our decisions -----------------------------------------------------------------------------

    def lapse(self, reason: str, ctx: EventContext) -> Change:
        if self.status is not PaymentStatus.PROCESSING:
            return Change(self)
        return self._end(Trigger.LAPSE, PaymentEventType.AUTHORIZATION_LAPSED, reason, ctx)

    def cancel(self, reason: str, ctx: EventContext) -> Change:
        """Stale PENDING → CANCELLED; repeating is a no-op, cancelling anything else is illegal."""
        if self.status is PaymentStatus.CANCELLED:
            return Change(self)
        return self._end(Trigger.CANCEL, PaymentEventType.CANCELLED, reason, ctx)

    # -- refunds ----------------------------------------------------------------------------------

    @property
    def refunded_amount(self) -> int:
        """Refunds applied at the gateway."""
        return sum(r.amount for r in self.refunds if r.status is RefundStatus.APPLIED)

    @property
    def committed_refund_amount(self) -> int:
        """Applied plus requested refunds: what is no longer available to refund."""
        return sum(r.amount for r in self.refunds if r.counts_against_capture)

    @property
    def refundable_amount(self) -> int:
        return self.captured_amount - self.committed_refund_amount

    def refund(self, refund_id: str) -> Refund | None:
        return next((r for r in self.refunds if r.id == refund_id), None)

    def refund_by_gateway_id(self, gateway_refund_id: str) -> Refund | None:
        return next((r for r in self.refunds if r.gateway_refund_id == gateway_refund_id), None)

    def request_refund(
        self,
        *,
        refund_id: str,
        amount: int | None,
        reason: str,
        ctx: EventContext,
        fingerprint: str | None = None,
    ) -> Change:
        """Reserve a refund (full when ``amount`` is None) before the gateway is called.

        ``refund_id`` names the request (derived from the caller's key): asking again under the
        same id is the caller's job to detect (``refund``), reserving it twice is refused."""
        if self.refund(refund_id) is not None:
            raise IllegalTransition("refund id already used on this payment")
        if not self.status.is_paid:
            raise IllegalTransition(f"a {self.status.value} payment cannot be refunded")
        amount = self.refundable_amount if amount is None else amount
        if amount <= 0 or amount > self.refundable_amount:
            raise RefundExceedsCaptured(
                "refund amount must be positive and at most the refundable amount",
                details={
                    "captured": self.captured_amount,
                    "alreadyRefunded": self.committed_refund_amount,
                    "requested": amount,
                },
            )
        refund = Refund(
            id=refund_id,
            payment_id=self.id,
            amount=amount,
            status=RefundStatus.REQUESTED,
            reason=reason,
            requested_by=ctx.actor,
            created_at=ctx.now,
            request_fingerprint=fingerprint,
        )
        moved = replace(self, refunds=(*self.refunds, refund), updated_at=ctx.now)
        data: dict[str, EventValue] = {"refundId": refund_id, "amount": amount, "reason": reason}
        return self._became(moved, PaymentEventType.REFUND_REQUESTED, ctx, data)

    def apply_refund(
        self,
        *,
        gateway_refund_id: str,
        amount: int,
        gateway_status: str,
        ctx: EventContext,
        refund_id: str | None = None,
        new_refund_id: str | None = None,
        reason: str = "",
    ) -> Change:
        """The gateway accepted a refund (ours by ``refund_id``, or made elsewhere). Idempotent.

        Ours for another amount than we asked is not applied but flagged for a human, once: the
        gateway's refund id is recorded on our refund, so seeing it again is a no-op."""
        if self.refund_by_gateway_id(gateway_refund_id) is not None:
            return Change(self)
        ours = self.refund(refund_id) if refund_id else None
        if ours is not None and ours.status is RefundStatus.APPLIED:
            return Change(self)
        if ours is not None and ours.amount != amount:
            return self._refund_amount_mismatch(
                ours, gateway_refund_id, amount, gateway_status, ctx
            )
        if not self.status.is_paid:
            raise IllegalTransition(f"a {self.status.value} payment cannot be refunded")
        reserved = ours.amount if ours is not None and ours.counts_against_capture else 0
        if self.committed_refund_amount - reserved + amount > self.captured_amount:
            raise RefundExceedsCaptured(
                "refunds would exceed the captured amount",
                details={"captured": self.captured_amount, "requested": amount},
            )
        credits = credits_for_refund(
            credits=self.credits,
            captured=self.captured_amount,
            refunded_before=self.refunded_amount,
            refund_amount=amount,
        )
        if ours is None:
            # Made elsewhere (the dashboard). An id in its notes that is not one of this payment's
            # refunds is free text, possibly another payment's refund id: never taken as ours.
            local_id = new_refund_id or new_id()
            if self.refund(local_id) is not None:
                raise IllegalTransition("refund id already used on this payment")
            ours = Refund(
                id=local_id,
                payment_id=self.id,
                amount=amount,
                status=RefundStatus.REQUESTED,
                reason=reason or "refund made at the gateway",
                requested_by=ctx.actor,
                created_at=ctx.now,
            )
        applied = ours.applied(
            gateway_refund_id=gateway_refund_id, gateway_status=gateway_status, now=ctx.now
        )
        refunds = (*tuple(r for r in self.refunds if r.id != applied.id), applied)
        total = sum(r.amount for r in refunds if r.status is RefundStatus.APPLIED)
        trigger = Trigger.REFUND_FULL if total == self.captured_amount else Trigger.REFUND_PARTIAL
        data: dict[str, EventValue] = {
            "refundId": applied.id,
            "gatewayRefundId": gateway_refund_id,
            "amount": amount,
            "refundedTotal": total,
            "credits": credits,
        }
        change = replace(self, refunds=refunds)._move(
            trigger, PaymentEventType.REFUND_APPLIED, ctx, data
        )
        return replace(change, applied_refund=applied, claw_back_credits=credits)

    def _refund_amount_mismatch(
        self,
        ours: Refund,
        gateway_refund_id: str,
        amount: int,
        gateway_status: str,
        ctx: EventContext,
    ) -> Change:
        noted = replace(ours, gateway_refund_id=gateway_refund_id, gateway_status=gateway_status)
        flagged = replace(
            self, refunds=tuple(noted if r.id == ours.id else r for r in self.refunds)
        )._flag(FLAG_REFUND_AMOUNT_MISMATCH, ctx)
        data: dict[str, EventValue] = {
            "flag": FLAG_REFUND_AMOUNT_MISMATCH,
            "refundId": ours.id,
            "gatewayRefundId": gateway_refund_id,
            "amount": amount,
            "expectedAmount": ours.amount,
        }
        return self._became(flagged, PaymentEventType.FLAGGED, ctx, data)

    def record_claw_back(self, refund_id: str, *, clawed: int, shortfall: int) -> Payment:
        refunds = tuple(
            r.with_claw_back(clawed=clawed, shortfall=shortfall) if r.id == refund_id else r
            for r in self.refunds
        )
        return replace(self, refunds=refunds)

    def fail_refund(self, *, refund_id: str, reason: str, ctx: EventContext) -> Change:
        """The gateway refused (or later failed) a refund; an applied one is flagged for a human."""
        refund = self.refund(refund_id)
        if refund is None or refund.status is RefundStatus.FAILED:
            return Change(self)
        failed = refund.failed(reason=reason, now=ctx.now)
        moved = replace(
            self,
            refunds=tuple(failed if r.id == refund_id else r for r in self.refunds),
            updated_at=ctx.now,
        )
        if refund.status is RefundStatus.APPLIED:
            moved = moved._flag(FLAG_REFUND_FAILED_AFTER_APPLY, ctx)
        data: dict[str, EventValue] = {
            "refundId": refund_id,
            "reason": reason,
            "wasApplied": refund.status is RefundStatus.APPLIED,
        }
        return self._became(moved, PaymentEventType.REFUND_FAILED, ctx, data)

    # -- anomalies --------------------------------------------------------------------------------

    def note(
        self, type: PaymentEventType, ctx: EventContext, data: dict[str, EventValue] | None = None
    ) -> PaymentEvent:
        """An event with no state change (e.g. an invalid checkout signature)."""
        return self._event(type, self.status, ctx, data or {})

    # -- internals --------------------------------------------------------------------------------

    def _move(
        self,
        trigger: Trigger,
        type: PaymentEventType,
        ctx: EventContext,
        data: dict[str, EventValue],
        **updates: object,
    ) -> Change:
        target = next_status(self.status, trigger)
        if target is self.status and trigger not in (Trigger.REFUND_PARTIAL,):
            return Change(self)
        stamp = _STAMP.get(target)
        if stamp is not None and target is not self.status:
            updates[stamp] = ctx.now
        moved = replace(self, status=target, updated_at=ctx.now, **updates)  # type: ignore[arg-type]
        return Change(
            moved,
            (
                PaymentEvent.record(
                    payment_id=self.id,
                    type=type,
                    from_status=self.status,
                    to_status=target,
                    ctx=ctx,
                    data=data,
                ),
            ),
        )

    def _end(
        self, trigger: Trigger, type: PaymentEventType, reason: str, ctx: EventContext
    ) -> Change:
        """A move that fails, lapses or cancels the payment for ``reason``."""
        return self._move(trigger, type, ctx, {"reason": reason}, failure_reason=reason)

    def _became(
        self, after: Payment, type: PaymentEventType, ctx: EventContext, data: dict[str, EventValue]
    ) -> Change:
        """This payment turned into ``after`` (no status move), with the one event that says so."""
        return Change(after, (after._event(type, self.status, ctx, data),))

    def _flag(self, flag: str, ctx: EventContext) -> Payment:
        if flag in self.flags:
            return replace(self, updated_at=ctx.now)
        return replace(self, flags=(*self.flags, flag), updated_at=ctx.now)

    def _event(
        self,
        type: PaymentEventType,
        from_status: PaymentStatus | None,
        ctx: EventContext,
        data: dict[str, EventValue],
    ) -> PaymentEvent:
        return PaymentEvent.record(
            payment_id=self.id,
            type=type,
            from_status=from_status,
            to_status=self.status,
            ctx=ctx,
            data=data,
        )
