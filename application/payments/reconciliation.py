"""The reconciliation job (every 5 minutes): open payments re-checked, stale ones cancelled.

PENDING/PROCESSING payments older than 5 minutes (and CANCELLED ones for 48 hours) are
re-fetched and settled; a PENDING payment
older than 24 hours whose order is still ``created``/``attempted`` is CANCELLED; a PROCESSING one
with no live attempt left lapses to FAILED; refunds still REQUESTED are resubmitted with their
idempotency key. A capture that arrives after a cancel still completes (flagged), never lost.

A payment whose check fails (the gateway is down, or no longer knows the order, e.g. after a key
rotation) is deferred with an exponential backoff (``backoff``), and the batch takes the payments
with the fewest failures first: failing payments cannot fill every batch and starve the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.payments.refunds import RefundPayment
from application.payments.settlement import PaymentSettlement
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import DomainError
from domain.payments.events import EventContext
from domain.payments.payment import Change, Payment
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus
from domain.request_context import NO_REQUEST

log = logging.getLogger(__name__)

RECHECK_AFTER = timedelta(minutes=5)
CANCEL_AFTER = timedelta(hours=24)
WATCH_CANCELLED_FOR = timedelta(hours=48)  # a checkout left open may still be paid
BATCH = 100
STALE_REASON = "System cancelled the order due to inactivity"
FIRST_BACKOFF = timedelta(minutes=10)  # two runs of the job
MAX_BACKOFF = timedelta(hours=6)


def backoff(failed_checks: int) -> timedelta:
    """How long to leave a payment alone after ``failed_checks`` (≥ 1) failures in a row."""
    doublings = min(max(failed_checks, 1) - 1, 16)  # 10 min · 2^16 is far past the cap
    wait: timedelta = FIRST_BACKOFF * (1 << doublings)
    return min(wait, MAX_BACKOFF)


@dataclass
class ReconciliationReport:
    checked: int = 0
    completed: int = 0
    cancelled: int = 0
    failed: int = 0
    refunds_resubmitted: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class ReconcilePayments:
    uow: UnitOfWorkFactory[PaymentsUnitOfWork]
    settlement: PaymentSettlement
    refunds: RefundPayment
    clock: Clock

    async def __call__(self) -> ReconciliationReport:
        now = self.clock.now()
        report = ReconciliationReport()
        async with self.uow() as uow:
            due = await uow.payments.due_for_reconciliation(
                now - RECHECK_AFTER, now - WATCH_CANCELLED_FOR, BATCH, now=now
            )
        for check in due:
            report.checked += 1
            try:
                await self._one(check.payment_id, report)
            except DomainError as exc:  # one bad payment never stops the batch
                failures = check.failed_checks + 1
                log.warning(
                    "reconciliation of %s failed (%d in a row): %s",
                    check.payment_id,
                    failures,
                    exc.message,
                )
                report.errors.append(check.payment_id)
                await self._defer(check.payment_id, failures, now + backoff(failures))
            else:
                if check.failed_checks:
                    await self._defer(check.payment_id, 0, None)
        log.info("payment reconciliation: %s", report)
        return report

    async def _defer(self, payment_id: str, failures: int, until: datetime | None) -> None:
        async with self.uow() as uow:
            await uow.payments.defer_reconciliation(payment_id, failed_checks=failures, until=until)
            await uow.commit()

    async def _one(self, payment_id: str, report: ReconciliationReport) -> None:
        async with self.uow() as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None:
            return
        now = self.clock.now()
        ctx = EventContext(request=NO_REQUEST, actor="system", source="reconciliation", now=now)
        stale = payment.created_at <= now - CANCEL_AFTER
        snapshot = await self.settlement.snapshot(payment, with_order=stale)
        order_open = snapshot.order is None or snapshot.order.status in ("created", "attempted")
        live = snapshot.has_live_attempt

        def decide(current: Payment) -> Change:
            if current.status is PaymentStatus.PENDING and stale and order_open and not live:
                return current.cancel(STALE_REASON, ctx)
            if current.status is PaymentStatus.PROCESSING and not live and snapshot.payments:
                return current.lapse("the authorization expired without capture", ctx)
            return Change(current)

        settled = await self.settlement.apply(payment.id, snapshot.facts, ctx, decide=decide)
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
            # resent only when the gateway has never reported it (a lost request)
            if refund.status is RefundStatus.REQUESTED and refund.gateway_refund_id is None:
                await self.refunds.submit(
                    settled.payment, refund.id, meta=NO_REQUEST, actor="system"
                )
                report.refunds_resubmitted += 1
