"""The credits ledger on SQLAlchemy Core (PostgreSQL and SQLite), inside the unit of work.

Race-free by construction: the wallets a transaction touches are locked first (``FOR UPDATE`` in
account order on PostgreSQL; SQLite runs every transaction as ``BEGIN IMMEDIATE``), the domain
decides on the locked balances (``domain.credits.rules.judge_posting``, as the Book does), and
only then is anything written. The transaction row is inserted with ``ON CONFLICT DO NOTHING``
before any balance moves, so a used key is detected without aborting the caller's transaction.
Posting sequence numbers are ``ledger_postings.id``, inserted in the transaction's posting order
(``rules.sequence_postings``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.registry import REPOSITORIES
from adapters.sqlalchemy.repositories.credits.errors import is_transient
from adapters.sqlalchemy.repositories.credits.holds import SqlHolds
from adapters.sqlalchemy.statements import for_update, insert_ignoring_conflict
from adapters.sqlalchemy.tables.credits import credit_wallets, ledger_postings, ledger_transactions
from application.credits.ports import BalanceDifference, HistoryEntry, KeyTaken, LedgerAudit
from application.pagination import Page, PageRequest, encode_cursor
from application.transient import TransientConflict
from domain.credits.accounts import is_wallet
from domain.credits.entry_types import EntryType
from domain.credits.idempotency import insufficient_from
from domain.credits.lots import (
    PROMOTIONAL,
    Lot,
    WalletPosting,
    derive_lots,
    due,
    lot_expiry,
    next_expiry,
)
from domain.credits.outcomes import Outcome, Posted, Rejected, RejectionReason
from domain.credits.rules import judge_expiry, judge_posting
from domain.credits.transactions import LedgerTransaction, Posting
from domain.credits.wallets import Balance
from domain.errors import Conflict
from domain.ids import new_id

T = TypeVar("T")
POSTED = "POSTED"
REJECTED = "REJECTED"


@REPOSITORIES.register("ledger")
class SqlLedgerRepository:
    def __init__(self, conn: AsyncConnection):
        self._conn = conn
        self._holds = SqlHolds(
            conn, self.lock_balance, self.outcome, self.post_as_is, self.record, self.expire_lots
        )
        self.reserve = self._holds.reserve
        self.capture = self._holds.capture
        self.void = self._holds.void
        self.expire_due = self._holds.expire_due

    async def _run(self, work: Callable[[], Awaitable[T]]) -> T:
        try:
            return await work()
        except sa.exc.DBAPIError as exc:
            if is_transient(exc):
                raise TransientConflict(str(exc.orig)) from exc
            raise

    # -- reads ---------------------------------------------------------------------------
    async def balance(self, wallet: str) -> Balance:
        row = (
            await self._conn.execute(
                sa.select(credit_wallets.c.balance, credit_wallets.c.held).where(
                    credit_wallets.c.account == wallet
                )
            )
        ).first()
        return Balance(row.balance, row.held) if row else Balance()

    async def lock_balance(self, wallet: str) -> Balance:
        return (await self._lock([wallet]))[wallet]

    async def _lock(self, wallets: list[str]) -> dict[str, Balance]:
        return (await self._lock_with_expiry(wallets))[0]

    async def _lock_with_expiry(
        self, wallets: list[str]
    ) -> tuple[dict[str, Balance], dict[str, datetime]]:
        """The wallets' balances, locked, and when those with lots expire next (a lower bound)."""
        w = credit_wallets.c
        stmt = (
            sa.select(w.account, w.balance, w.held, w.expiring_at)
            .where(w.account.in_(sorted(wallets)))
            .order_by(w.account)  # one lock order for everyone: no deadlock
        )
        rows = (await self._run(lambda: self._conn.execute(for_update(stmt, self._conn)))).all()
        found = {r.account: Balance(r.balance, r.held) for r in rows}
        expiring = {r.account: r.expiring_at for r in rows if r.expiring_at is not None}
        return {a: found.get(a, Balance()) for a in wallets}, expiring

    async def outcome(self, key: str) -> Outcome | None:
        row = (
            await self._conn.execute(
                sa.select(ledger_transactions).where(ledger_transactions.c.idempotency_key == key)
            )
        ).first()
        if row is None:
            return None
        if row.status == REJECTED:
            return Rejected(
                row.id,
                EntryType(row.type),
                row.idempotency_key,
                row.fingerprint,
                row.wallet,
                RejectionReason((row.details or {}).get("reason", "INSUFFICIENT_CREDITS")),
                {k: v for k, v in (row.details or {}).items() if isinstance(v, int)},
                row.created_at,
            )
        legs = (
            await self._conn.execute(
                sa.select(ledger_postings)
                .where(ledger_postings.c.transaction_id == row.id)
                .order_by(ledger_postings.c.id)
            )
        ).all()
        tx = LedgerTransaction(
            id=row.id,
            type=EntryType(row.type),
            idempotency_key=row.idempotency_key,
            fingerprint=row.fingerprint,
            description=row.description,
            postings=tuple(Posting(p.account, p.amount, EntryType(p.entry_type)) for p in legs),
            created_at=row.created_at,
            payment_id=row.payment_id,
            refund_id=row.refund_id,
            hold_id=row.hold_id,
            metadata=row.metadata or {},
        )
        return Posted(tx, {p.account: p.balance_after for p in legs if is_wallet(p.account)})

    async def has_initial_allocation(self, wallet: str) -> bool:
        row = (
            await self._conn.execute(
                sa.select(ledger_transactions.c.id).where(
                    ledger_transactions.c.wallet == wallet,
                    ledger_transactions.c.type == EntryType.INITIAL_ALLOCATION.value,
                    ledger_transactions.c.status == POSTED,
                )
            )
        ).first()
        return row is not None

    async def history(
        self, wallet: str, entry_type: EntryType | None, page: PageRequest
    ) -> Page[HistoryEntry]:
        p, t = ledger_postings, ledger_transactions
        stmt = (
            sa.select(
                p.c.id.label("seq"),
                p.c.transaction_id,
                p.c.entry_type,
                p.c.amount,
                p.c.balance_after,
                p.c.created_at,
                t.c.description,
                t.c.payment_id,
            )
            .join(t, t.c.id == p.c.transaction_id)
            .where(p.c.account == wallet)
            .order_by(p.c.id.desc())
            .limit(page.limit + 1)
        )
        if entry_type is not None:
            stmt = stmt.where(p.c.entry_type == entry_type.value)
        after = page.after_seq()
        if after is not None:
            stmt = stmt.where(p.c.id < after[0])
        rows = (await self._conn.execute(stmt)).all()
        items = [
            HistoryEntry(
                r.transaction_id,
                EntryType(r.entry_type),
                r.amount,
                r.balance_after,
                r.description,
                r.payment_id,
                r.created_at,
            )
            for r in rows[: page.limit]
        ]
        more = len(rows) > page.limit
        last = rows[page.limit - 1] if more else None
        return Page(items, encode_cursor(last.seq, last.transaction_id) if last else None)

    async def audit(self) -> LedgerAudit:
        p, w = ledger_postings, credit_wallets
        sums = sa.select(p.c.account, sa.func.sum(p.c.amount).label("total")).group_by(p.c.account)
        recomputed = {r.account: int(r.total) for r in (await self._conn.execute(sums)).all()}
        stored = {
            r.account: int(r.balance)
            for r in (await self._conn.execute(sa.select(w.c.account, w.c.balance))).all()
        }
        wallets = {a for a in recomputed if is_wallet(a)} | set(stored)
        differences = [
            BalanceDifference(a, stored.get(a, 0), recomputed.get(a, 0))
            for a in sorted(wallets)
            if stored.get(a, 0) != recomputed.get(a, 0)
        ]
        unbalanced = (
            sa.select(p.c.transaction_id)
            .group_by(p.c.transaction_id)
            .having(sa.func.sum(p.c.amount) != 0)
        )
        return LedgerAudit(
            differences=differences,
            postings_total=sum(recomputed.values()),
            unbalanced_transactions=[r[0] for r in (await self._conn.execute(unbalanced)).all()],
            wallets_checked=len(wallets),
        )

    # -- writes --------------------------------------------------------------------------
    async def post(self, tx: LedgerTransaction) -> Posted:
        accounts = sorted(p.account for p in tx.wallet_postings())
        # Every leg locked, in account order, first; then no debit consumes a lot past its expiry.
        balances, expiring = await self._lock_with_expiry(accounts)
        expired = False
        for leg in tx.wallet_postings():
            due = expiring.get(leg.account)
            if leg.amount < 0 and due is not None and due <= tx.created_at:
                expired |= bool(await self.expire_lots(leg.account, tx.created_at))
        return await self._write(tx, await self._lock(accounts) if expired else balances)

    async def post_as_is(self, tx: LedgerTransaction) -> Posted:
        """Post without expiring lots first (a hold's capture: it expired them before release)."""
        return await self._write(tx, await self._lock([p.account for p in tx.wallet_postings()]))

    async def _write(self, tx: LedgerTransaction, locked: dict[str, Balance]) -> Posted:
        legs = sorted(tx.wallet_postings(), key=lambda p: p.account)
        verdict = judge_posting(tx, locked)
        if isinstance(verdict, Rejected):
            await self.record(verdict)
            raise insufficient_from(verdict)
        await self._insert_header(tx, POSTED, tx.wallet_postings()[0].account, None)
        balances: dict[str, int] = {}
        expires = lot_expiry(tx.metadata) if tx.type in PROMOTIONAL else None
        for leg in legs:
            balances[leg.account] = await self._add_to_wallet(
                leg.account, leg.amount, tx.created_at, expires if leg.amount > 0 else None
            )
        await self._run(
            lambda: self._conn.execute(
                ledger_postings.insert(),
                [
                    {
                        "transaction_id": tx.id,
                        "account": p.account,
                        "amount": p.amount,
                        "entry_type": p.entry_type.value,
                        "balance_after": balances.get(p.account),
                        "created_at": tx.created_at,
                    }
                    for p in tx.postings
                ],
            )
        )
        return Posted(tx, balances)

    # -- lots ----------------------------------------------------------------------------
    async def lots(self, wallet: str) -> list[Lot]:
        p, t = ledger_postings, ledger_transactions
        stmt = (
            sa.select(p.c.transaction_id, p.c.entry_type, p.c.amount, t.c.metadata)
            .join(t, t.c.id == p.c.transaction_id)
            .where(p.c.account == wallet)
            .order_by(p.c.id)
        )
        rows = (await self._conn.execute(stmt)).all()
        return derive_lots(
            WalletPosting(r.transaction_id, EntryType(r.entry_type), r.amount, r.metadata or {})
            for r in rows
        )

    async def expire_lots(self, wallet: str, now: datetime) -> list[Posted]:
        w = credit_wallets.c
        stmt = sa.select(w.balance, w.held, w.expiring_at).where(w.account == wallet)
        row = (await self._run(lambda: self._conn.execute(for_update(stmt, self._conn)))).first()
        if row is None or row.expiring_at is None or row.expiring_at > now:
            return []  # nothing in the wallet can have expired (the one-statement spend's test)
        lots = await self.lots(wallet)
        posted = []
        available = row.balance - row.held
        for lot in due(lots, now):
            tx = judge_expiry(lot, wallet, available, tx_id=new_id(), now=now)
            if tx is None:
                continue
            if await self.outcome(tx.idempotency_key) is None:
                posted.append(await self.post_as_is(tx))
            available -= min(lot.remaining, available)
            lot.remaining = 0
        await self._conn.execute(
            sa.update(credit_wallets)
            .where(w.account == wallet)
            .values(expiring_at=next_expiry(lots))
        )
        return posted

    async def wallets_expiring(self, before: datetime, after: str, limit: int) -> list[str]:
        w = credit_wallets.c
        stmt = (
            sa.select(w.account)
            .where(w.expiring_at <= before, w.account > after)
            .order_by(w.account)
            .limit(limit)
        )
        return [r.account for r in (await self._conn.execute(stmt)).all()]

    async def record(self, rejected: Rejected) -> None:
        details: dict[str, Any] = {"reason": rejected.reason.value, **rejected.details}
        now = rejected.created_at
        if now is None:
            raise ValueError("a rejection is recorded with the time it was decided")
        await self._insert_row(
            {
                "id": rejected.transaction_id,
                "idempotency_key": rejected.idempotency_key,
                "fingerprint": rejected.fingerprint,
                "type": rejected.type.value,
                "status": REJECTED,
                "wallet": rejected.account,
                "description": "",
                "metadata": {},
                "details": details,
                "created_at": now,
            }
        )

    async def _insert_header(
        self, tx: LedgerTransaction, status: str, wallet: str, details: dict[str, Any] | None
    ) -> None:
        await self._insert_row(
            {
                "id": tx.id,
                "idempotency_key": tx.idempotency_key,
                "fingerprint": tx.fingerprint,
                "type": tx.type.value,
                "status": status,
                "wallet": wallet,
                "description": tx.description,
                "payment_id": tx.payment_id,
                "refund_id": tx.refund_id,
                "hold_id": tx.hold_id,
                "metadata": dict(tx.metadata),
                "details": details,
                "created_at": tx.created_at,
            }
        )

    async def _insert_row(self, values: dict[str, Any]) -> None:
        inserted = await self._run(
            lambda: insert_ignoring_conflict(self._conn, ledger_transactions, values)
        )
        if not inserted:
            existing = await self.outcome(values["idempotency_key"])
            if existing is None:  # another unique rule: a second purchase/allocation/refund
                raise Conflict("A conflicting ledger entry already exists")
            raise KeyTaken(existing)

    async def _add_to_wallet(
        self, wallet: str, amount: int, now: datetime, expires: datetime | None = None
    ) -> int:
        if amount < 0:  # the wallet exists: its locked balance covered this debit
            update = (
                sa.update(credit_wallets)
                .where(credit_wallets.c.account == wallet)
                .values(balance=credit_wallets.c.balance + amount, updated_at=now)
                .returning(credit_wallets.c.balance)
            )
            return int((await self._run(lambda: self._conn.execute(update))).scalar_one())
        # SQLite checks CHECK constraints on the candidate row before ON CONFLICT, so only
        # credits go through the upsert.
        insert = _insert(self._conn)(credit_wallets).values(
            account=wallet, balance=amount, held=0, updated_at=now, expiring_at=expires
        )
        changes: dict[str, Any] = {"balance": credit_wallets.c.balance + amount, "updated_at": now}
        if expires is not None:  # a new lot: the wallet's next expiry is no later than its own
            current = credit_wallets.c.expiring_at
            changes["expiring_at"] = sa.case(
                (sa.or_(current.is_(None), current > expires), expires), else_=current
            )
        stmt = insert.on_conflict_do_update(index_elements=["account"], set_=changes).returning(
            credit_wallets.c.balance
        )
        return int((await self._run(lambda: self._conn.execute(stmt))).scalar_one())


def _insert(conn: AsyncConnection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
