"""Plans and payments on SQLAlchemy Core (PostgreSQL and SQLite)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.errors import duplicates_refused
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import (
    entity_of,
    entity_row,
    first_entity,
    for_update,
    insert_ignoring_conflict,
    upsert,
)
from adapters.sqlalchemy.tables.payments import payment_events, payment_refunds, payments, plans
from application.pagination import Page, PageRequest, encode_cursor
from application.payments.ports import DueCheck
from domain.payments.events import PaymentEvent, PaymentEventType
from domain.payments.payment import Payment
from domain.payments.plan import Plan
from domain.payments.refund import Refund, RefundStatus
from domain.payments.status import PaymentStatus

P, R, E = payments.c, payment_refunds.c, payment_events.c


@REPOSITORIES.register("plans")
class SqlPlanRepository(SqlRepository):
    async def get(self, plan_id: str) -> Plan | None:
        stmt = sa.select(plans).where(plans.c.plan_id == plan_id)
        return await first_entity(self._conn, stmt, _plan)

    async def list(self, *, include_inactive: bool = False) -> list[Plan]:
        stmt = sa.select(plans).order_by(plans.c.amount, plans.c.plan_id)
        if not include_inactive:
            stmt = stmt.where(plans.c.is_active.is_(True))
        return [_plan(r) for r in (await self._conn.execute(stmt)).all()]

    async def add(self, plan: Plan) -> bool:
        taken = await self._conn.execute(
            sa.select(plans.c.plan_id).where(
                sa.or_(plans.c.plan_id == plan.plan_id, plans.c.name == plan.name)
            )
        )
        if taken.first() is not None:
            return False
        return await insert_ignoring_conflict(self._conn, plans, _plan_row(plan))

    async def save(self, plan: Plan) -> None:
        row = _plan_row(plan)
        del row["plan_id"], row["created_at"]
        await self._conn.execute(
            sa.update(plans).where(plans.c.plan_id == plan.plan_id).values(row)
        )


@REPOSITORIES.register("payments")
class SqlPaymentRepository(SqlRepository):
    async def add(self, payment: Payment) -> None:
        with duplicates_refused("payment id, receipt or gateway id already stored"):
            await self._conn.execute(sa.insert(payments).values(_payment_row(payment)))
            await self._save_refunds(payment)

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        return await self._one(P.id == payment_id, for_update)

    async def get_by_order(
        self, gateway_order_id: str, *, for_update: bool = False
    ) -> Payment | None:
        return await self._one(P.gateway_order_id == gateway_order_id, for_update)

    async def save(self, payment: Payment) -> None:
        row = _payment_row(payment)
        for fixed in (
            "id",
            "user_id",
            "plan_id",
            "plan_name",
            "credits",
            "amount",
            "currency",
            "receipt",
            "created_at",
        ):
            del row[fixed]
        with duplicates_refused("gateway id already stored for another payment"):
            await self._conn.execute(sa.update(payments).where(P.id == payment.id).values(row))
            await self._save_refunds(payment)

    async def append_events(self, events: Sequence[PaymentEvent]) -> None:
        if events:
            await self._conn.execute(sa.insert(payment_events), [_event_row(e) for e in events])

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        stmt = (
            sa.select(payment_events).where(E.payment_id == payment_id).order_by(E.created_at, E.id)
        )
        return [_event(r) for r in (await self._conn.execute(stmt)).all()]

    async def find_reusable(
        self, user_id: str, plan_id: str, created_after: datetime
    ) -> Payment | None:
        stmt = (
            sa.select(payments)
            .where(
                P.user_id == user_id,
                P.plan_id == plan_id,
                P.status == PaymentStatus.PENDING.value,
                P.gateway_order_id.is_not(None),
                P.created_at >= created_after,
            )
            .order_by(P.created_at.desc(), P.id.desc())
            .limit(1)
        )
        row = (await self._conn.execute(stmt)).first()
        return (await self._with_refunds([row]))[0] if row else None

    async def list_for_user(
        self, user_id: str, page: PageRequest, status: PaymentStatus | None = None
    ) -> Page[Payment]:
        stmt = sa.select(payments).where(P.user_id == user_id)
        if status is not None:
            stmt = stmt.where(P.status == status.value)
        after = page.after_time()
        if after is not None:
            after_time, after_id = after
            stmt = stmt.where(
                sa.or_(
                    P.created_at < after_time,
                    sa.and_(P.created_at == after_time, P.id < after_id),
                )
            )
        stmt = stmt.order_by(P.created_at.desc(), P.id.desc()).limit(page.limit + 1)
        rows = (await self._conn.execute(stmt)).all()
        items = await self._with_refunds(rows[: page.limit])
        cursor = None
        if len(rows) > page.limit:
            cursor = encode_cursor(items[-1].created_at, items[-1].id)
        return Page(items, cursor)

    async def due_for_reconciliation(
        self, created_before: datetime, cancelled_after: datetime, limit: int, *, now: datetime
    ) -> list[DueCheck]:
        columns = (P.id, P.created_at, P.reconcile_failures, P.next_reconcile_at)
        open_ = sa.select(*columns).where(
            P.status.in_([PaymentStatus.PENDING.value, PaymentStatus.PROCESSING.value]),
            P.created_at <= created_before,
        )
        cancelled = sa.select(*columns).where(
            P.status == PaymentStatus.CANCELLED.value, P.cancelled_at >= cancelled_after
        )
        refunding = (
            sa.select(*columns)
            .join(payment_refunds, R.payment_id == P.id)
            .where(R.status == RefundStatus.REQUESTED.value, R.gateway_refund_id.is_(None))
        )
        union = sa.union(open_, cancelled, refunding).subquery()
        stmt = (
            sa.select(union.c.id, union.c.reconcile_failures)
            .where(sa.or_(union.c.next_reconcile_at.is_(None), union.c.next_reconcile_at <= now))
            .order_by(union.c.reconcile_failures, union.c.created_at, union.c.id)
            .limit(limit)
        )
        rows = (await self._conn.execute(stmt)).all()
        return [DueCheck(r.id, r.reconcile_failures) for r in rows]

    async def defer_reconciliation(
        self, payment_id: str, *, failed_checks: int, until: datetime | None
    ) -> None:
        await self._conn.execute(
            sa.update(payments)
            .where(P.id == payment_id)
            .values(reconcile_failures=failed_checks, next_reconcile_at=until)
        )

    async def _one(self, where: Any, lock: bool) -> Payment | None:
        stmt = sa.select(payments).where(where)
        if lock:
            stmt = for_update(stmt, self._conn)
        row = (await self._conn.execute(stmt)).first()
        return (await self._with_refunds([row]))[0] if row else None

    async def _with_refunds(self, rows: Sequence[Any]) -> list[Payment]:
        ids = [r.id for r in rows]
        by_payment: dict[str, list[Refund]] = {i: [] for i in ids}
        if ids:
            stmt = (
                sa.select(payment_refunds).where(R.payment_id.in_(ids)).order_by(R.created_at, R.id)
            )
            for r in (await self._conn.execute(stmt)).all():
                by_payment[r.payment_id].append(_refund(r))
        return [_payment(r, tuple(by_payment[r.id])) for r in rows]

    async def _save_refunds(self, payment: Payment) -> None:
        for refund in payment.refunds:
            row = _refund_row(refund)
            await upsert(
                self._conn,
                payment_refunds,
                row,
                keys=["id"],
                update=[k for k in row if k not in ("id", "payment_id", "created_at")],
            )


def _plan_row(plan: Plan) -> dict[str, Any]:
    return entity_row(plan, features=list(plan.features))


def _plan(r: Any) -> Plan:
    return entity_of(
        Plan,
        r,
        features=tuple(r.features or ()),
        is_active=bool(r.is_active),
        is_popular=bool(r.is_popular),
    )


def _payment_row(p: Payment) -> dict[str, Any]:
    return entity_row(
        p,
        omit=("refunds",),
        status=p.status.value,
        failure_reason=p.failure_reason[:500] if p.failure_reason else None,
        refunded_amount=p.refunded_amount,
        flags=list(p.flags),
    )


def _payment(r: Any, refunds: tuple[Refund, ...]) -> Payment:
    return entity_of(
        Payment,
        r,
        status=PaymentStatus(r.status),
        flags=tuple(r.flags or ()),
        refunds=refunds,
    )


def _refund_row(f: Refund) -> dict[str, Any]:
    return entity_row(
        f,
        status=f.status.value,
        reason=f.reason[:500],
        requested_by=f.requested_by[:64],
        failure_reason=f.failure_reason[:500] if f.failure_reason else None,
    )


def _refund(r: Any) -> Refund:
    return entity_of(Refund, r, status=RefundStatus(r.status))


def _event_row(e: PaymentEvent) -> dict[str, Any]:
    return entity_row(
        e,
        type=e.type.value,
        from_status=e.from_status.value if e.from_status else None,
        to_status=e.to_status.value,
        actor=e.actor[:64],
        source=e.source[:30],
        data=dict(e.data),
    )


def _event(r: Any) -> PaymentEvent:
    return entity_of(
        PaymentEvent,
        r,
        type=PaymentEventType(r.type),
        from_status=PaymentStatus(r.from_status) if r.from_status else None,
        to_status=PaymentStatus(r.to_status),
        data=dict(r.data or {}),
    )
