"""The spend and transfer hot paths on PostgreSQL: one statement each, committed on its own.

A debit of one wallet to one system account (DEDUCTION, EXPIRY) is posted by a single
data-modifying CTE in autocommit mode: the conditional UPDATE (``balance - held >= amount``) takes
the wallet's row lock and checks the balance atomically, and the transaction header and both
postings are inserted in the same statement. One round trip; the row lock is held only inside the
database, never across a round trip to Python, which is what bounds a hot wallet's throughput.

Spends of one wallet that arrive while a statement for it is in flight wait in this process and
go together in one statement, ``BATCH_SPEND_SQL`` (``WalletBatches``, ADR 0124): a wallet's row
lock takes one commit at a time, so one commit carries them all.

When the statement posts nothing (insufficient credits, a used key, no wallet yet, a promotional
lot due: ``expiring_at``, ADR 0024) the portable path decides and records the answer in its own
short transaction. A wallet-to-wallet transfer (``rules.wallet_transfer``) is ``TRANSFER_SQL``,
with its effects (ADR 0022).

The rules are the domain's (``domain.credits.rules``): which transactions qualify is
``single_wallet_debit``; ``balance - held >= amount`` is ``Balance.apply``; the refusal's figures
are ``InsufficientCredits.figures()``; the postings are inserted wallet leg first, the sequence
``rules.sequence_postings`` gives them. The SQL is held to the Book by the model-based test
(tests/integration/credits/test_sql_matches_the_reference_model.py), which runs every spend
through this path on PostgreSQL.

The owner's ``credits.balance_changed`` (``application.credits.announce``) is an outbox row
inserted by the same statement: it exists exactly when the debit committed, and the relay
publishes it after that commit, as every other posting's event.

This is the only module that talks asyncpg for the ledger.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.connectivity import is_outage, outage_error
from adapters.sqlalchemy.repositories.audit import audit_row
from adapters.sqlalchemy.repositories.credits.wallet_batches import RunAlone, WalletBatches
from adapters.sqlalchemy.repositories.outbox import outbox_row
from adapters.sqlalchemy.statement_pool import StatementPool
from adapters.tracing.raw_sql import SqlTarget, traced
from application.credits.ports import NO_EFFECTS, AtomicLedger, Effects, KeyTaken
from application.ports.outbox_commands import PublishRealtime
from application.transient import StorageUnavailable, TransientConflict
from domain.credits.accounts import wallet_owner
from domain.credits.errors import InsufficientCredits
from domain.credits.outcomes import Posted
from domain.credits.rules import single_wallet_debit, wallet_transfer
from domain.credits.transactions import LedgerTransaction
from domain.ids import new_id
from domain.realtime.events import BALANCE_CHANGED

SPEND_SQL = """
WITH debit AS (
    UPDATE credit_wallets SET balance = balance - $2, updated_at = $6
    WHERE account = $1 AND balance - held >= $2
      AND (expiring_at IS NULL OR expiring_at > $6)
      AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = $4)
    RETURNING balance, held
), announce AS (
    INSERT INTO outbox (id, topic, payload, dedupe_key, created_at, attempts)
    SELECT $12, $13, jsonb_build_object(
        'userId', $14::text, 'type', $15::text, 'data', jsonb_build_object(
            'balance', debit.balance, 'held', debit.held, 'available', debit.balance - debit.held,
            'transactionId', $3::text)),
        NULL, $6, 0
    FROM debit WHERE $14::text IS NOT NULL
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

# Several debits of ONE wallet in one statement (ADR 0124): the spends that arrived while a
# statement for that wallet was in flight (``WalletBatches``). Each is SPEND_SQL's debit, in the
# order given: the wallet's row is locked once, and the longest prefix of the not-yet-used keys
# whose running total the available credits cover is posted — one header, the wallet leg then the
# system leg, and one balance announcement per spend, each with its own balance after. The rows
# back are the spends posted (their position, from 1, and balance after); a spend not among them
# goes through SPEND_SQL alone, which decides and records its answer as for any spend.
BATCH_SPEND_SQL = """
WITH req AS (
    SELECT * FROM unnest(
        $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[]
    ) WITH ORDINALITY AS r (
        amount, id, key, fingerprint, created_at, description, metadata, type, hold_id, system,
        event_id, ord)
), fresh AS (
    SELECT req.*, sum(req.amount) OVER (ORDER BY req.ord) AS spent FROM req
    WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = req.key)
), locked AS (
    SELECT balance, held FROM credit_wallets
    WHERE account = $1 AND (expiring_at IS NULL OR expiring_at > $13)
    FOR UPDATE
), admitted AS (
    SELECT fresh.*, locked.balance - fresh.spent AS balance_after, locked.held
    FROM fresh, locked WHERE locked.balance - locked.held >= fresh.spent
), debit AS (
    UPDATE credit_wallets SET balance = balance - (SELECT max(spent) FROM admitted),
        updated_at = $13
    WHERE account = $1 AND EXISTS (SELECT 1 FROM admitted)
), header AS (
    INSERT INTO ledger_transactions
        (id, idempotency_key, fingerprint, type, status, wallet, description, hold_id,
         metadata, created_at)
    SELECT id, key, fingerprint, type, 'POSTED', $1, description, hold_id, metadata::jsonb,
           created_at
    FROM admitted ORDER BY ord
), legs AS (
    INSERT INTO ledger_postings
        (transaction_id, account, amount, entry_type, balance_after, created_at)
    SELECT id, account, amount, type, balance_after, created_at FROM (
        SELECT id, $1 AS account, -amount AS amount, type, balance_after, created_at, ord, 0 AS leg
        FROM admitted
        UNION ALL
        SELECT id, system, amount, type, NULL, created_at, ord, 1 FROM admitted
    ) AS p
    ORDER BY ord, leg
), announce AS (
    INSERT INTO outbox (id, topic, payload, dedupe_key, created_at, attempts)
    SELECT event_id, $14, jsonb_build_object(
        'userId', $15::text, 'type', $16::text, 'data', jsonb_build_object(
            'balance', balance_after, 'held', held, 'available', balance_after - held,
            'transactionId', id)),
        NULL, created_at, 0
    FROM admitted WHERE $15::text IS NOT NULL
)
SELECT ord, balance_after FROM admitted
"""


def batch_spend_arguments(spends: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    """BATCH_SPEND_SQL's arguments for ``spends`` (``spend_arguments`` of one wallet each)."""
    columns = list(zip(*spends, strict=True))
    return (
        spends[0][0],
        *(list(columns[i]) for i in range(1, 12)),  # amount … event id: one array each
        max(columns[5]),
        PublishRealtime.TOPIC,
        spends[0][13],
        BALANCE_CHANGED,
    )


# When the spend posted nothing: record the refusal if the wallet cannot cover the amount (at
# this statement's snapshot, which is a correct moment to refuse). No row back: the key is used,
# or credits arrived in between; the portable path then decides.
REFUSE_SQL = """
WITH w AS (SELECT balance, held, expiring_at FROM credit_wallets WHERE account = $1),
refusal AS (
    INSERT INTO ledger_transactions
        (id, idempotency_key, fingerprint, type, status, wallet, description, metadata,
         details, created_at)
    SELECT $3, $4, $5, $7, 'REJECTED', $1, '', '{}'::jsonb,
           jsonb_build_object(
               'reason', 'INSUFFICIENT_CREDITS', 'balance', COALESCE(w.balance, 0),
               'available', COALESCE(w.balance - w.held, 0), 'required', $2::bigint),
           $6
    FROM (SELECT 1) AS one LEFT JOIN w ON true
    WHERE COALESCE(w.balance - w.held, 0) < $2 AND COALESCE(w.expiring_at > $6, true)
    ON CONFLICT DO NOTHING
    RETURNING details
)
SELECT details FROM refusal
"""

# A transfer between two existing wallets, in one statement: both rows locked in account order
# (the order every writer locks wallets in, so opposite transfers cannot deadlock), the
# sender's available credits checked on the locked row, the receiver's liveness checked, both
# balances moved, the header and both legs (sender first) inserted, each user wallet's
# balance event and the effects (the receiver's notification, the audit rows) inserted. No row
# back: a missing wallet, insufficient credits, a used key or a receiver gone; the portable
# path then decides (and records a refusal) in its own transaction.
TRANSFER_SQL = """
WITH locked AS (
    SELECT account, balance, held, expiring_at FROM credit_wallets
    WHERE account = $1 OR account = $2
    ORDER BY account
    FOR UPDATE
), ok AS (
    SELECT 1 AS ok FROM locked s JOIN locked t ON s.account = $1 AND t.account = $2
    WHERE s.balance - s.held >= $3 AND (s.expiring_at IS NULL OR s.expiring_at > $7)
      AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE idempotency_key = $5)
      AND ($10::text IS NULL
           OR EXISTS (SELECT 1 FROM users WHERE id = $10::text AND deleted_at IS NULL))
), moved AS (
    UPDATE credit_wallets w
    SET balance = w.balance + CASE WHEN w.account = $1 THEN -$3::bigint ELSE $3::bigint END,
        updated_at = $7
    FROM ok WHERE w.account = $1 OR w.account = $2
    RETURNING w.account, w.balance, w.held
), header AS (
    INSERT INTO ledger_transactions
        (id, idempotency_key, fingerprint, type, status, wallet, description, metadata,
         created_at)
    SELECT $4, $5, $6, 'TRANSFER_OUT', 'POSTED', $1, $8, $9::jsonb, $7 FROM ok
    RETURNING id
), legs AS (
    INSERT INTO ledger_postings
        (transaction_id, account, amount, entry_type, balance_after, created_at)
    SELECT header.id, m.account,
           CASE WHEN m.account = $1 THEN -$3::bigint ELSE $3::bigint END,
           CASE WHEN m.account = $1 THEN 'TRANSFER_OUT' ELSE 'TRANSFER_IN' END,
           m.balance, $7
    FROM header, moved m
    ORDER BY m.account <> $1
), announce AS (
    INSERT INTO outbox (id, topic, payload, dedupe_key, created_at, attempts)
    SELECT e.id, $15, jsonb_build_object(
        'userId', e.owner, 'type', $16::text, 'data', jsonb_build_object(
            'balance', m.balance, 'held', m.held, 'available', m.balance - m.held,
            'transactionId', $4::text)),
        NULL, $7, 0
    FROM moved m JOIN (VALUES ($1, $11::text, $12::text), ($2, $13::text, $14::text))
        AS e (account, id, owner) ON e.account = m.account
    WHERE e.owner IS NOT NULL
), effects AS (
    INSERT INTO outbox
    SELECT * FROM jsonb_populate_recordset(NULL::outbox, $17::jsonb)
    WHERE EXISTS (SELECT 1 FROM header)
), audit AS (
    INSERT INTO audit_log
    SELECT * FROM jsonb_populate_recordset(NULL::audit_log, $18::jsonb)
    WHERE EXISTS (SELECT 1 FROM header)
)
SELECT account, balance FROM moved
"""

TRANSIENT = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)


def transfer_arguments(tx: LedgerTransaction, effects: Effects) -> tuple[Any, ...] | None:
    """The transfer statement's arguments, or None when ``tx`` is not a wallet transfer."""
    move = wallet_transfer(tx)
    if move is None:
        return None
    now = tx.created_at
    messages = [outbox_row(m, new_id(), now) for m in effects.messages]
    return (
        move.source,
        move.target,
        move.amount,
        tx.id,
        tx.idempotency_key,
        tx.fingerprint,
        now,
        tx.description,
        _json(dict(tx.metadata)),
        effects.live_user,
        new_id(),
        wallet_owner(move.source),
        new_id(),
        wallet_owner(move.target),
        PublishRealtime.TOPIC,
        BALANCE_CHANGED,
        _json(messages),
        _json([audit_row(entry) for entry in effects.audit]),
    )


def _json(value: object) -> str:
    """JSON for jsonb parameters (datetimes as ISO 8601 with their offset)."""
    return orjson.dumps(value).decode()


def spend_arguments(tx: LedgerTransaction) -> tuple[Any, ...] | None:
    """The statement's arguments, or None when ``tx`` is not a simple wallet debit."""
    debit = single_wallet_debit(tx)
    if debit is None:
        return None
    return (
        debit.wallet,
        debit.amount,
        tx.id,
        tx.idempotency_key,
        tx.fingerprint,
        tx.created_at,
        tx.description,
        json.dumps(dict(tx.metadata), separators=(",", ":")) if tx.metadata else "{}",
        tx.type.value,
        tx.hold_id,
        debit.system,
        # The outbox row announcing the new balance (PublishRealtime's wire format).
        new_id(),
        PublishRealtime.TOPIC,
        wallet_owner(debit.wallet),
        BALANCE_CHANGED,
    )


class _StatementErrors:
    """What a hot-path statement's failure means to the ledger: its key was taken by a
    transaction in flight when it started (``KeyTaken``), a deadlock or serialization failure
    (``TransientConflict``: retry), or an outage (``StorageUnavailable``). Only this pool's
    statements run inside, so a socket error is the database's (the pool replaces a connection
    the server closed when it is next taken). A plain context manager, not
    ``unavailable_on_outage``: no generator per spend."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, asyncpg.UniqueViolationError):
            raise KeyTaken(None) from None
        if isinstance(exc, TRANSIENT):
            raise TransientConflict(str(exc)) from exc
        if (
            isinstance(exc, Exception)
            and not isinstance(exc, StorageUnavailable)
            and is_outage(exc, connecting=True)
        ):
            raise outage_error(exc) from exc


_STATEMENT_ERRORS = _StatementErrors()


class PostgresAtomicLedger:
    """The one-statement spend over a ``StatementPool`` (shared with the other hot paths'
    single statements, or its own when none is given).

    Not SQLAlchemy's pool: checking a connection out of it and resetting an asyncpg pool's
    connection each cost more than the statement itself on the hot path.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        portable: AtomicLedger,
        pool_size: int = 10,
        *,
        statement_timeout_ms: int = 0,
        connect_timeout_seconds: float = 10.0,
        pool: StatementPool | None = None,
    ) -> None:
        self._portable = portable
        self._owns_pool = pool is None
        self._pool = pool or StatementPool.of(
            engine,
            pool_size,
            statement_timeout_ms=statement_timeout_ms,
            connect_timeout_seconds=connect_timeout_seconds,
            application_name="fairarena-spend",
        )
        self._target = SqlTarget.of(engine.url)
        self._batches = WalletBatches(self._spend_one, self._spend_many)

    async def close(self) -> None:
        if self._owns_pool:
            await self._pool.close()

    async def post_committed(self, tx: LedgerTransaction, effects: Effects = NO_EFFECTS) -> Posted:
        args = spend_arguments(tx) if effects is NO_EFFECTS or effects == NO_EFFECTS else None
        if args is None:
            return await self._transfer(tx, effects)
        refusal: object = None
        with _STATEMENT_ERRORS:
            pool = traced(self._pool, self._target, "credits spend")
            try:
                balance = await self._batches.spend(args)
            except RunAlone:
                balance = await self._spend_one(args)
            if balance is None:
                refusal = await pool.fetchval(REFUSE_SQL, *args[:6], args[8])
        if balance is None:
            if refusal is not None:
                raise _insufficient(refusal)
            return await self._portable.post_committed(tx)
        return Posted(tx, {str(args[0]): int(balance)})

    async def _spend_one(self, args: tuple[Any, ...]) -> int | None:
        pool = traced(self._pool, self._target, "credits spend")
        balance = await pool.fetchval(SPEND_SQL, *args)
        return None if balance is None else int(balance)

    async def _spend_many(self, spends: Sequence[tuple[Any, ...]]) -> list[int | None]:
        pool = traced(self._pool, self._target, "credits spend batch")
        rows = await pool.fetch(BATCH_SPEND_SQL, *batch_spend_arguments(spends))
        posted = {int(row["ord"]): int(row["balance_after"]) for row in rows}
        return [posted.get(position) for position in range(1, len(spends) + 1)]

    async def _transfer(self, tx: LedgerTransaction, effects: Effects) -> Posted:
        args = transfer_arguments(tx, effects)
        if args is None:
            return await self._portable.post_committed(tx, effects)
        with _STATEMENT_ERRORS:
            pool = traced(self._pool, self._target, "credits transfer")
            rows = await pool.fetch(TRANSFER_SQL, *args)
        if not rows:
            return await self._portable.post_committed(tx, effects)
        return Posted(tx, {str(r["account"]): int(r["balance"]) for r in rows})


def _insufficient(details: object) -> InsufficientCredits:
    d = json.loads(details) if isinstance(details, str) else details
    if not isinstance(d, dict):
        raise TypeError(f"the refusal statement returned {d!r}, not its details")
    return InsufficientCredits(
        balance=int(d["balance"]), available=int(d["available"]), required=int(d["required"])
    )
