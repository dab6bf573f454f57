"""Spends of one wallet batched into one statement on PostgreSQL (ADR 0124): each is still its own
ledger transaction — its own header, legs in order, balance after and announcement — and what a
batch cannot post goes through the single statement, which answers as for any spend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.credits.fast_path import (
    PostgresAtomicLedger,
    spend_arguments,
)
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.spend import Spend, spend_key
from domain.credits import entries
from domain.credits.accounts import user_wallet
from domain.credits.errors import InsufficientCredits
from domain.ids import new_id
from tests.fixtures.clock import FakeClock
from tests.fixtures.ledger_check import assert_ledger_clean
from tests.fixtures.wallets import fund

NOW = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
async def ledger(pg_url: str) -> AsyncIterator[tuple[PostgresAtomicLedger, Any]]:
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, FakeClock(NOW))
    fast = PostgresAtomicLedger(engine, UnitOfWorkAtomicLedger(uow), pool_size=4)
    yield fast, uow
    await fast.close()
    await engine.dispose()


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    yield conn
    await conn.close()


def debit(user: str, amount: int, key: str) -> tuple[Any, ...]:
    tx = entries.deduction(
        tx_id=new_id(),
        wallet=user_wallet(user),
        amount=amount,
        key=spend_key(user, key),
        description="batch",
        now=NOW,
        metadata={},
    )
    args = spend_arguments(tx)
    assert args is not None
    return args


def batch_sizes(fast: PostgresAtomicLedger) -> list[int]:
    """Record the size of every batch statement ``fast`` runs."""
    sizes: list[int] = []
    run_many = fast._batches._run_many

    async def counted(spends: Sequence[tuple[Any, ...]]) -> list[int | None]:
        sizes.append(len(spends))
        return await run_many(spends)

    fast._batches._run_many = counted
    return sizes


async def spend_one_credit(ledger: PostgresAtomicLedger, user: str, key: str) -> int | None:
    """The balance after spending 1 credit of ``user`` under ``key``; None when refused."""
    spend = Spend(ledger, FakeClock(NOW))
    try:
        return (await spend(user_id=user, amount=1, purpose="p", idempotency_key=key)).balance
    except InsufficientCredits:
        return None


async def test_concurrent_spends_of_one_wallet_are_batched_and_each_stands_alone(
    ledger, db, pg_url
):
    fast, uow = ledger
    await fund(uow, "hot", 30, NOW)
    sizes = batch_sizes(fast)
    answers = await asyncio.gather(*(spend_one_credit(fast, "hot", f"k{i}") for i in range(50)))
    assert sorted(a for a in answers if a is not None) == list(range(30))  # 29..0, each once
    assert answers.count(None) == 20
    assert sizes and max(sizes) > 1  # the statement in flight made the others wait and batch

    legs = await db.fetch(
        "SELECT transaction_id, account, amount, balance_after FROM ledger_postings"
        " WHERE transaction_id IN (SELECT id FROM ledger_transactions"
        "   WHERE wallet = 'user:hot' AND type = 'DEDUCTION' AND status = 'POSTED')"
        " ORDER BY id"
    )
    assert len(legs) == 60
    # Each transaction: the wallet leg, then the system leg; the wallet's balance after falls by
    # one at every spend, in posting order.
    assert [r["account"] for r in legs[::2]] == ["user:hot"] * 30
    assert all(legs[i]["transaction_id"] == legs[i + 1]["transaction_id"] for i in range(0, 60, 2))
    assert [r["balance_after"] for r in legs[::2]] == list(range(29, -1, -1))
    assert [r["amount"] for r in legs] == [-1, 1] * 30
    announced = [
        orjson.loads(row["payload"])
        for row in await db.fetch(
            "SELECT payload FROM outbox WHERE payload->>'userId' = 'hot'"
            " AND payload->>'type' = 'credits.balance_changed'"
        )
    ]
    by_tx = {legs[i]["transaction_id"]: legs[i]["balance_after"] for i in range(0, 60, 2)}
    spent = [a["data"] for a in announced if a["data"]["transactionId"] in by_tx]
    assert len(spent) == 30  # one announcement per spend (the grant made the other one)
    assert {a["transactionId"]: a["balance"] for a in spent} == by_tx
    assert await db.fetchval("SELECT balance FROM credit_wallets WHERE account = 'user:hot'") == 0
    await assert_ledger_clean(pg_url)


async def test_two_processes_batching_on_one_wallet_never_overspend(ledger, pg_url):
    """Each process batches its own spends; the row lock orders the two processes' statements."""
    fast, uow = ledger
    engine = build_engine(pg_url)
    other = PostgresAtomicLedger(engine, UnitOfWorkAtomicLedger(uow), pool_size=4)
    await fund(uow, "shared", 50, NOW)
    sizes = (batch_sizes(fast), batch_sizes(other))
    try:
        answers = await asyncio.gather(
            *(spend_one_credit(fast if i % 2 else other, "shared", f"k{i}") for i in range(80))
        )
    finally:
        await other.close()
        await engine.dispose()
    assert max(sizes[0] + sizes[1]) > 1
    assert sorted(a for a in answers if a is not None) == list(range(50))
    assert answers.count(None) == 30
    await assert_ledger_clean(pg_url)


async def test_a_batch_posts_the_longest_prefix_it_can_cover_of_the_unused_keys(ledger, db):
    fast, uow = ledger
    await fund(uow, "u", 10, NOW)
    used = debit("u", 2, "used")
    assert await fast._spend_one(used) == 8
    again = (*used[:2], new_id(), *used[3:])  # a new transaction under the used key
    spends = [again, debit("u", 3, "a"), debit("u", 6, "too-much"), debit("u", 1, "after")]
    assert await fast._spend_many(spends) == [None, 5, None, None]
    # What the batch left is decided alone, as for any spend: the last one fits on its own.
    assert await fast._spend_one(spends[3]) == 4
    assert await db.fetchval("SELECT balance FROM credit_wallets WHERE account = 'user:u'") == 4
    assert (
        await db.fetchval(
            "SELECT count(*) FROM ledger_transactions"
            " WHERE wallet = 'user:u' AND type = 'DEDUCTION'"
        )
        == 3
    )


async def test_a_wallet_with_a_lot_due_or_no_wallet_posts_nothing_in_a_batch(ledger, db):
    fast, uow = ledger
    await fund(uow, "lot", 10, NOW)
    await db.execute(
        "UPDATE credit_wallets SET expiring_at = $1 WHERE account = 'user:lot'",
        NOW - timedelta(days=1),
    )
    assert await fast._spend_many([debit("lot", 1, "a"), debit("lot", 1, "b")]) == [None, None]
    assert await fast._spend_many([debit("nobody", 1, "a"), debit("nobody", 1, "b")]) == [
        None,
        None,
    ]
    assert (
        await db.fetchval("SELECT count(*) FROM ledger_transactions WHERE type = 'DEDUCTION'") == 0
    )


async def test_held_credits_are_not_spent_by_a_batch(ledger, db):
    fast, uow = ledger
    await fund(uow, "h", 10, NOW)
    await db.execute("UPDATE credit_wallets SET held = 7 WHERE account = 'user:h'")
    spends = [debit("h", 2, "a"), debit("h", 2, "b")]
    assert await fast._spend_many(spends) == [8, None]
    announced = await db.fetchval(
        "SELECT payload FROM outbox WHERE payload->'data'->>'transactionId' = $1", spends[0][2]
    )
    assert orjson.loads(announced)["data"] == {
        "balance": 8,
        "held": 7,
        "available": 1,
        "transactionId": spends[0][2],
    }
