"""Periodic jobs run by ``fairarena scheduler``, each once per time slot.

To add one, decorate a function that takes the container and returns the coroutine function to
run (usually a use case instance)::

    @periodic("payments.reconcile", every=timedelta(minutes=5))
    def reconcile_payments(container: Container) -> Callable[[], Awaitable[object]]:
        return container.payments.reconcile_payments()

Slots are aligned on the Unix epoch plus ``offset`` (UTC): ``every=timedelta(days=1),
offset=timedelta(hours=6)`` runs daily at 06:00 UTC. The job itself should be a sweep (safe to run
late or twice); the (job, slot) row only guarantees one run per slot across schedulers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from application.jobs.scheduler import DEFAULT_LEASE, PeriodicJob
from entrypoints.containers import Container

JobBuilder = Callable[[Container], Callable[[], Awaitable[object]]]


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    every: timedelta
    offset: timedelta
    lease: timedelta
    build: JobBuilder


PERIODIC: list[PeriodicSpec] = []


def periodic(
    name: str,
    *,
    every: timedelta,
    offset: timedelta = timedelta(0),
    lease: timedelta = DEFAULT_LEASE,
) -> Callable[[JobBuilder], JobBuilder]:
    """Register a periodic job (see the module docstring)."""

    def register(build: JobBuilder) -> JobBuilder:
        if any(spec.name == name for spec in PERIODIC):
            raise ValueError(f"periodic job {name!r} is registered twice")
        PERIODIC.append(PeriodicSpec(name, every, offset, lease, build))
        return build

    return register


def periodic_jobs(container: Container) -> list[PeriodicJob]:
    return [
        PeriodicJob(spec.name, spec.every, spec.build(container), spec.offset, spec.lease)
        for spec in PERIODIC
    ]


@periodic("account.daily_cleanup", every=timedelta(days=1), offset=timedelta(hours=6))
def daily_cleanup(container: Container) -> Callable[[], Awaitable[object]]:
    """The original's 06:00 UTC daily cleanup: activity log (60 days), notifications (30 days),
    expired codes and exports, deletion warnings (day 80-90) and erasure (past day 90)."""
    run: Callable[[], Awaitable[object]] = container.account.daily_cleanup()
    return run


@periodic("payments.reconcile", every=timedelta(minutes=5), lease=timedelta(minutes=10))
def reconcile_payments(container: Container) -> Callable[[], Awaitable[object]]:
    """Re-check PENDING/PROCESSING payments with Razorpay; cancel stale ones (API.md, jobs)."""
    run: Callable[[], Awaitable[object]] = container.payments.reconcile_payments()
    return run


@periodic("credits.expire_holds", every=timedelta(minutes=1))
def expire_credit_holds(container: Container) -> Callable[[], Awaitable[object]]:
    """Release credit holds past their expiry (work that never reported its cost)."""
    run: Callable[[], Awaitable[object]] = container.credits.expire_holds()
    return run


@periodic("credits.purge_idempotency_keys", every=timedelta(hours=1))
def purge_idempotency_keys(container: Container) -> Callable[[], Awaitable[object]]:
    """Drop Idempotency-Key records older than 24 hours."""
    run: Callable[[], Awaitable[object]] = container.idempotency.purge_idempotency_keys()
    return run


@periodic("phone_verification.cleanup", every=timedelta(days=1), offset=timedelta(hours=6))
def cleanup_phone_verification(container: Container) -> Callable[[], Awaitable[object]]:
    """Drop expired number locks and codes, and attempt history past every rate window."""
    run: Callable[[], Awaitable[object]] = container.free_credits.purge_stale_phone_verification()
    return run


@periodic(
    "community.weekly_feedback",
    every=timedelta(weeks=1),
    offset=timedelta(days=3),  # the epoch was a Thursday: slots start Sundays 00:00 UTC
    lease=timedelta(hours=2),
)
def weekly_feedback(container: Container) -> Callable[[], Awaitable[object]]:
    """Feedback e-mails and reminders, once per user and ISO week (API.md "Community")."""
    run: Callable[[], Awaitable[object]] = container.community.send_weekly_feedback()
    return run


@periodic("support.sla_breaches", every=timedelta(minutes=5))
def mark_breached_support_tickets(container: Container) -> Callable[[], Awaitable[object]]:
    """Mark tickets past their first-response due time (once each) and tell their agents."""
    run: Callable[[], Awaitable[object]] = container.support.mark_breached_tickets()
    return run


@periodic("credits.expire_promotional", every=timedelta(days=1), offset=timedelta(minutes=30))
def expire_promotional_credits(container: Container) -> Callable[[], Awaitable[object]]:
    """Post one EXPIRY per expired promotional lot, warn 7 days ahead (daily, 00:30 UTC)."""
    run: Callable[[], Awaitable[object]] = container.credits.expire_promotional_credits()
    return run
