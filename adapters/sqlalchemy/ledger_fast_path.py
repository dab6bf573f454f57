"""The spend hot path on PostgreSQL: one statement, committed on its own.

A debit of one wallet to one system account (DEDUCTION, EXPIRY) is posted by a single
data-modifying CTE in autocommit mode: the conditional UPDATE (``balance - held >= amount``) takes
the wallet's row lock and checks the balance atomically, and the transaction header and both
postings are inserted in the same statement. One round trip; the row lock is held only inside the
database, never across a round trip to Python, which is what bounds a hot wallet's throughput.

When the statement posts nothing (insufficient credits, a used key, no wallet yet) the portable
path decides and records the answer in its own short transaction.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from application.credits.ports import AtomicLedger, KeyTaken
from application.transient import TransientConflict
from domain.ledger.accounts import is_wallet
from domain.ledger.outcomes import Posted
from domain.ledger.transactions import LedgerTransaction

SPEND_SQL = """
WITH debit AS (
    UPDATE credit_wallets SET balance = balance - $2, updated_at = $6
    WHERE account = $1 AND balance - held >= $2
      AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = $4)
    RETURNING balance
), header AS (
    INSERT INTO ledger_transactions
        (id, idempotency_key, fingerprint, type, status, wallet, description, hold_id,
         metadata, created_at)
    SELECT $3, $4, $5, $9, 'POSTED', $1, $7, $10, $8::jsonb, $6 FROM debit
    RETURNING id
), legs AS (
    INSERT INTO ledger_postings
        (transaction_id, account, amount, entry_type, balance_after, created_at)
    SELECT header.id, $1, -$2::bigint, $9, debit.balance, $6 FROM header, debit
    UNION ALL
    SELECT header.id, $11, $2::bigint, $9, NULL, $6 FROM header
)
SELECT balance FROM debit
"""

TRANSIENT = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)


def spend_arguments(tx: LedgerTransaction) -> tuple[Any, ...] | None:
    """The statement's arguments, or None when ``tx`` is not a simple wallet debit."""
    if len(tx.postings) != 2:
        return None
    debit, credit = sorted(tx.postings, key=lambda p: p.amount)
    if not (is_wallet(debit.account) and debit.amount < 0 and not is_wallet(credit.account)):
        return None
    return (
        debit.account, -debit.amount, tx.id, tx.idempotency_key, tx.fingerprint, tx.created_at,
        tx.description, json.dumps(dict(tx.metadata), separators=(",", ":")), tx.type.value,
        tx.hold_id, credit.account,
    )  # fmt: skip


class PostgresAtomicLedger:
    def __init__(self, engine: AsyncEngine, portable: AtomicLedger) -> None:
        self._engine = engine
        self._portable = portable

    async def post_committed(self, tx: LedgerTransaction) -> Posted:
        args = spend_arguments(tx)
        if args is None:
            return await self._portable.post_committed(tx)
        async with self._engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            try:
                balance = await raw.fetchval(SPEND_SQL, *args)
            except asyncpg.UniqueViolationError:
                raise KeyTaken(None) from None  # the same key was in flight when we started
            except TRANSIENT as exc:
                raise TransientConflict(str(exc)) from exc
        if balance is None:
            return await self._portable.post_committed(tx)
        return Posted(tx, {str(args[0]): int(balance)})
