"""The reconciliation job (every 5 minutes): open payments re-checked, stale ones cancelled.

PENDING/PROCESSING payments older than 5 minutes (and CANCELLED ones for 48 hours) are
re-fetched and settled; a PENDING payment
older than 24 hours whose order is still ``created``/``attempted`` is CANCELLED; a PROCESSING one
with no live attempt left lapses to FAILED; refunds still REQUESTED are resubmitted with their
idempotency key. A capture that arrives after a cancel still completes (flagged), never lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from application.payments.context import SYSTEM
from application.payments.refunds import RefundPayment
from application.payments.settlement import PaymentSettlement
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DomainError
from domain.payments.payment import Change, Payment
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus

log = logging.getLogger(__name__)

RECHECK_AFTER = timedelta(minutes=5)
CANCEL_AFTER = timedelta(hours=24)
WATCH_CANCELLED_FOR = timedelta(hours=48)  # a checkout left open may still be paid
BATCH = 100
STALE_REASON = "System cancelled the order due to inactivity"


@dataclass
class ReconciliationReport:
    checked: int = 0
    completed: int = 0
    cancelled: int = 0
    failed: int = 0
    refunds_resubmitted: int = 0
    errors: list[str] = field(default_factory=list)


class ReconcilePayments:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        settlement: PaymentSettlement,
        refunds: RefundPayment,
        clock: Clock,
    ):
        self._uow = uow
        self._settlement = settlement
        self._refunds = refunds
        self._clock = clock

    async def __call__(self) -> ReconciliationReport:
        now = self._clock.now()
        report = ReconciliationReport()
        async with self._uow() as uow:
            ids = await uow.payments.due_for_reconciliation(
                now - RECHECK_AFTER, now - WATCH_CANCELLED_FOR, BATCH
            )
        for payment_id in ids:
            report.checked += 1
            try:
                await self._one(payment_id, report)
            except DomainError as exc:  # one bad payment never stops the batch
                log.warning("reconciliation of %s failed: %s", payment_id, exc.message)
                report.errors.append(payment_id)
        log.info("payment reconciliation: %s", report)
        return report

    async def _one(self, payment_id: str, report: ReconciliationReport) -> None:
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            return
        now = self._clock.now()
        ctx = SYSTEM.context(actor="system", source="reconciliation", now=now)
        stale = payment.created_at <= now - CANCEL_AFTER
        snapshot = await self._settlement.snapshot(payment, with_order=stale)
        order_open = snapshot.order is None or snapshot.order.status in ("created", "attempted")
        live = snapshot.has_live_attempt

        def decide(current: Payment) -> Change:
            if current.status is PaymentStatus.PENDING and stale and order_open and not live:
                return current.cancel(STALE_REASON, ctx)
            if current.status is PaymentStatus.PROCESSING and not live and snapshot.payments:
                return current.lapse("the authorization expired without capture", ctx)
            return Change(current)

        settled = await self._settlement.apply(payment.id, snapshot.facts, ctx, decide=decide)
        report.completed += settled.completed_now
        report.cancelled += (
            settled.payment.status is PaymentStatus.CANCELLED
            and payment.status is not PaymentStatus.CANCELLED
        )
        report.failed += (
            settled.payment.status is PaymentStatus.FAILED
            and payment.status is not PaymentStatus.FAILED
        )
        for refund in settled.payment.refunds:
            if refund.status is RefundStatus.REQUESTED:
                await self._refunds.submit(settled.payment, refund.id, meta=SYSTEM, actor="system")
                report.refunds_resubmitted += 1
