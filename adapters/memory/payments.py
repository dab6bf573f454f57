"""In-memory plans and payments (``MemoryState.payments``), same behaviour as the SQL ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from adapters.memory.store import MemoryState
from application.pagination import Page, PageRequest
from application.payments.plans import default_plans
from application.payments.ports import DueCheck
from application.ports.storage_errors import DuplicateKey
from domain.payments.events import PaymentEvent
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.refund import RefundStatus
from domain.payments.status import PaymentStatus

_SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _plans(state: MemoryState) -> dict[str, Plan]:
    part = state.payments
    if part.plans is None:
        part.plans = {p.plan_id: p for p in default_plans(_SEEDED_AT)}
    return part.plans


def _payments(state: MemoryState) -> dict[str, Payment]:
    return state.payments.payments


def _events(state: MemoryState) -> list[PaymentEvent]:
    return state.payments.events


@REPOSITORIES.register("plans")
class MemoryPlanRepository(MemoryRepository):
    async def get(self, plan_id: str) -> Plan | None:
        return _plans(self._s).get(plan_id)

    async def list(self, *, include_inactive: bool = False) -> list[Plan]:
        plans = [p for p in _plans(self._s).values() if include_inactive or p.is_active]
        return sorted(plans, key=lambda p: (p.amount, p.plan_id))

    async def add(self, plan: Plan) -> bool:
        plans = _plans(self._s)
        if plan.plan_id in plans or any(p.name == plan.name for p in plans.values()):
            return False
        plans[plan.plan_id] = plan
        return True

    async def save(self, plan: Plan) -> None:
        _plans(self._s)[plan.plan_id] = plan


@REPOSITORIES.register("payments")
class MemoryPaymentRepository(MemoryRepository):
    async def add(self, payment: Payment) -> None:
        payments = _payments(self._s)
        if payment.id in payments or any(p.receipt == payment.receipt for p in payments.values()):
            raise DuplicateKey("payment id, receipt or gateway id already stored")
        _refuse_taken_gateway_ids(payment, payments)
        payments[payment.id] = payment

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        return _payments(self._s).get(payment_id)

    async def get_by_order(
        self, gateway_order_id: str, *, for_update: bool = False
    ) -> Payment | None:
        return next(
            (p for p in _payments(self._s).values() if p.gateway_order_id == gateway_order_id), None
        )

    async def save(self, payment: Payment) -> None:
        payments = _payments(self._s)
        _refuse_taken_gateway_ids(payment, payments)
        payments[payment.id] = payment

    async def append_events(self, events: Sequence[PaymentEvent]) -> None:
        _events(self._s).extend(events)

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        return [e for e in _events(self._s) if e.payment_id == payment_id]

    async def find_reusable(
        self, user_id: str, plan_id: str, created_after: datetime
    ) -> Payment | None:
        candidates = [
            p
            for p in _payments(self._s).values()
            if p.user_id == user_id
            and p.plan_id == plan_id
            and p.status is PaymentStatus.PENDING
            and p.gateway_order_id is not None
            and p.created_at >= created_after
        ]
        return max(candidates, key=lambda p: (p.created_at, p.id), default=None)

    async def list_for_user(
        self, user_id: str, page: PageRequest, status: PaymentStatus | None = None
    ) -> Page[Payment]:
        items = sorted(
            (
                p
                for p in _payments(self._s).values()
                if p.user_id == user_id and (status is None or p.status is status)
            ),
            key=_key,
            reverse=True,
        )
        return newest_first(items, page, _key)

    async def due_for_reconciliation(
        self, created_before: datetime, cancelled_after: datetime, limit: int, *, now: datetime
    ) -> list[DueCheck]:
        backoff = _backoff(self._s)
        due = [
            p
            for p in _payments(self._s).values()
            if (p.status.is_open and p.created_at <= created_before)
            or (
                p.cancelled_at is not None
                and p.status is PaymentStatus.CANCELLED
                and p.cancelled_at >= cancelled_after
            )
            or any(
                r.status is RefundStatus.REQUESTED and r.gateway_refund_id is None
                for r in p.refunds
            )
        ]
        waiting = {i for i, (_, until) in backoff.items() if until is not None and until > now}
        due = [p for p in due if p.id not in waiting]

        def failures(p: Payment) -> int:
            return backoff.get(p.id, (0, None))[0]

        due.sort(key=lambda p: (failures(p), p.created_at, p.id))
        return [DueCheck(p.id, failures(p)) for p in due[:limit]]

    async def defer_reconciliation(
        self, payment_id: str, *, failed_checks: int, until: datetime | None
    ) -> None:
        _backoff(self._s)[payment_id] = (failed_checks, until)


def _gateway_ids(payment: Payment) -> set[tuple[str, str | None]]:
    ids = {("order", payment.gateway_order_id), ("payment", payment.gateway_payment_id)}
    ids.update(("refund", r.gateway_refund_id) for r in payment.refunds)
    return {(column, i) for column, i in ids if i is not None}


def _refuse_taken_gateway_ids(payment: Payment, payments: dict[str, Payment]) -> None:
    """The SQL tables keep each gateway id unique (a NULL never collides)."""
    mine = _gateway_ids(payment)
    if mine and any(p.id != payment.id and mine & _gateway_ids(p) for p in payments.values()):
        raise DuplicateKey("gateway id already stored for another payment")


def _backoff(state: MemoryState) -> dict[str, tuple[int, datetime | None]]:
    return state.payments.backoff


def _key(payment: Payment) -> tuple[datetime, str]:
    return (payment.created_at, payment.id)
