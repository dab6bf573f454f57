"""Holds on SQLAlchemy: reserve / capture / void / expire, race-free.

The decisions are ``domain.credits.rules``' (as the Book's); this module locks, reads and writes.

Lock order, everywhere: the hold row, then the wallet row. A reservation locks only the wallet
(the hold it inserts is new), so no two paths can wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import (
    entity_of,
    first_entity,
    for_update,
    insert_ignoring_conflict,
)
from adapters.sqlalchemy.tables.credits import credit_holds, credit_wallets
from application.transient import TransientConflict
from domain.credits import entries
from domain.credits.errors import HoldNotFound
from domain.credits.holds import Hold, HoldStatus
from domain.credits.idempotency import insufficient_from
from domain.credits.outcomes import Outcome, Posted, Rejected
from domain.credits.rules import (
    capture_fingerprint,
    judge_capture,
    judge_reservation,
    replay_posted,
)
from domain.credits.transactions import LedgerTransaction
from domain.credits.wallets import Balance


def _hold(row: Any) -> Hold:
    return entity_of(Hold, row, status=HoldStatus(row.status))


class SqlHolds:
    """The hold half of SqlLedgerRepository (shares its connection and posting)."""

    def __init__(
        self,
        conn: AsyncConnection,
        lock_balance: Callable[[str], Coroutine[Any, Any, Balance]],
        outcome: Callable[[str], Coroutine[Any, Any, Outcome | None]],
        post: Callable[[LedgerTransaction], Coroutine[Any, Any, Posted]],
        record: Callable[[Rejected], Coroutine[Any, Any, None]],
        expire: Callable[[str, datetime], Coroutine[Any, Any, list[Posted]]],
    ) -> None:
        self._conn = conn
        self._lock_balance = lock_balance
        self._outcome = outcome
        self._post = post
        self._record = record
        self._expire = expire

    async def _by(self, clause: Any, lock: bool) -> Hold | None:
        stmt = sa.select(credit_holds).where(clause)
        return await first_entity(self._conn, stmt, _hold, lock=lock)

    async def _locked(self, hold_id: str) -> Hold:
        hold = await self._by(credit_holds.c.id == hold_id, lock=True)
        if hold is None:
            raise HoldNotFound(hold_id)
        return hold

    async def _move_held(self, wallet: str, delta: int, now: datetime) -> None:
        await self._conn.execute(
            sa.update(credit_wallets)
            .where(credit_wallets.c.account == wallet)
            .values(held=credit_wallets.c.held + delta, updated_at=now)
        )

    async def _close(self, hold: Hold) -> None:
        await self._conn.execute(
            sa.update(credit_holds)
            .where(credit_holds.c.id == hold.id)
            .values(status=hold.status.value, captured=hold.captured, closed_at=hold.closed_at)
        )

    async def reserve(self, hold: Hold) -> Hold:
        known = await self._by(credit_holds.c.idempotency_key == hold.idempotency_key, lock=False)
        stored = await self._outcome(hold.idempotency_key)
        if known is None and stored is None:  # a new hold never reserves expired credits
            await self._expire(hold.wallet, hold.created_at)
        balance = await self._lock_balance(hold.wallet)
        verdict = judge_reservation(hold, balance, known, stored)
        if isinstance(verdict, Rejected):
            await self._record(verdict)
            raise insufficient_from(verdict)
        if not verdict.is_new:
            return verdict.hold
        await self._move_held(hold.wallet, hold.amount, hold.created_at)
        inserted = await insert_ignoring_conflict(
            self._conn,
            credit_holds,
            {
                "id": hold.id,
                "wallet": hold.wallet,
                "amount": hold.amount,
                "idempotency_key": hold.idempotency_key,
                "status": hold.status.value,
                "captured": 0,
                "created_at": hold.created_at,
                "expires_at": hold.expires_at,
            },
        )
        if not inserted:
            raise TransientConflict("hold key taken concurrently")
        return hold

    async def capture(
        self, hold_id: str, amount: int, *, tx_id: str, now: datetime, description: str
    ) -> Posted:
        hold = await self._locked(hold_id)
        stored = await self._outcome(entries.hold_capture_key(hold_id))
        if stored is not None:
            return replay_posted(stored, capture_fingerprint(hold, amount, description))
        captured, deduction = judge_capture(
            hold, amount, tx_id=tx_id, now=now, description=description
        )
        # Lots due now expire while the hold still keeps what it reserved; then release: the
        # held credits are exactly what the deduction may now use.
        await self._expire(hold.wallet, now)
        await self._move_held(hold.wallet, -hold.amount, now)
        posted = await self._post(deduction)
        await self._close(captured)
        return posted

    async def void(self, hold_id: str, now: datetime) -> Hold:
        hold = await self._locked(hold_id)
        voided = hold.void(now)
        await self._move_held(hold.wallet, -hold.amount, now)
        await self._close(voided)
        return voided

    async def expire_due(self, now: datetime, limit: int) -> list[Hold]:
        stmt = (
            sa.select(credit_holds)
            .where(credit_holds.c.status == HoldStatus.OPEN.value)
            .where(credit_holds.c.expires_at <= now)
            .order_by(credit_holds.c.expires_at)
            .limit(limit)
        )
        rows = (await self._conn.execute(for_update(stmt, self._conn, skip_locked=True))).all()
        expired = []
        for hold in sorted((_hold(r) for r in rows), key=lambda h: h.wallet):
            done = hold.expire(now)
            await self._move_held(hold.wallet, -hold.amount, now)
            await self._close(done)
            expired.append(done)
        return expired
