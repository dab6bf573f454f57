"""The ledger service and its SQL repository on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.ledger_service import CreditsLedger
from application.credits.verify_ledger import VerifyLedger, is_clean
from application.pagination import PageRequest, decode_cursor
from application.ports.clock import SystemClock
from application.transient import retry_transient
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.errors import AlreadyClaimed, IdempotencyKeyReused, InsufficientCredits
from domain.ids import new_id


@pytest.fixture
async def uow(database_url: str) -> AsyncIterator[SqlAlchemyUnitOfWorkFactory]:
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    await engine.dispose()


LEDGER = CreditsLedger(SystemClock())


async def in_uow(uow: Any, work: Any) -> Any:
    async with uow() as u:
        result = await work(u)
        await u.commit()
        return result


async def test_purchase_is_posted_once_per_payment(uow):
    user = new_id()

    async def buy(u: Any) -> Any:
        return await LEDGER.post_purchase(
            u, user_id=user, payment_id="pay_1", credits=600, description="Pro plan"
        )

    first = await in_uow(uow, buy)
    again = await in_uow(uow, buy)
    assert first == again and first.balance_after == 600 and first.amount == 600
    bal = await in_uow(uow, lambda u: LEDGER.balance(u, user))
    assert (bal.balance, bal.held, bal.available) == (600, 0, 600)
    with pytest.raises(IdempotencyKeyReused):
        await in_uow(
            uow,
            lambda u: LEDGER.post_purchase(
                u, user_id=user, payment_id="pay_1", credits=601, description="x"
            ),
        )


async def test_claw_back_is_floored_at_available_and_idempotent_per_refund(uow):
    user = new_id()
    await in_uow(
        uow,
        lambda u: LEDGER.post_purchase(
            u, user_id=user, payment_id="pay_2", credits=100, description="d"
        ),
    )
    await in_uow(
        uow,
        lambda u: LEDGER.grant(
            u, user_id=user, amount=-70, type_=EntryType.ADJUSTMENT, key="spent", reason="use"
        ),
    )

    async def refund(u: Any) -> Any:
        return await LEDGER.claw_back_refund(
            u, user_id=user, payment_id="pay_2", refund_id="rf_1", credits=100, description="r"
        )

    back = await in_uow(uow, refund)
    assert (back.clawed, back.shortfall) == (30, 70) and back.entry.balance_after == 0
    assert await in_uow(uow, refund) == back
    nothing = await in_uow(
        uow,
        lambda u: LEDGER.claw_back_refund(
            u, user_id=user, payment_id="pay_2", refund_id="rf_2", credits=10, description="r"
        ),
    )
    assert (nothing.clawed, nothing.shortfall, nothing.entry) == (0, 10, None)


async def test_initial_allocation_once(uow):
    user = new_id()

    async def claim(u: Any) -> Any:
        return await LEDGER.grant_initial_allocation(
            u, user_id=user, amount=200, description="Welcome bonus"
        )

    entry = await in_uow(uow, claim)
    assert entry.balance_after == 200
    with pytest.raises(AlreadyClaimed):
        await in_uow(uow, claim)


async def test_negative_adjustment_cannot_overdraw(uow):
    user = new_id()
    with pytest.raises(InsufficientCredits):
        await in_uow(
            uow,
            lambda u: LEDGER.grant(
                u, user_id=user, amount=-1, type_=EntryType.ADJUSTMENT, key="neg", reason="r"
            ),
        )


async def test_history_pages_newest_first_with_types(uow):
    user = new_id()
    for i in range(5):
        await in_uow(
            uow,
            lambda u, i=i: LEDGER.grant(
                u, user_id=user, amount=i + 1, type_=EntryType.BONUS, key=f"b{i}", reason=f"#{i}"
            ),
        )
    first = await in_uow(
        uow, lambda u: u.ledger.history(user_wallet(user), None, PageRequest(limit=2))
    )
    assert [e.description for e in first.items] == ["#4", "#3"]
    assert first.next_cursor
    second = await in_uow(
        uow,
        lambda u: u.ledger.history(
            user_wallet(user), None, PageRequest(limit=10, after=decode_cursor(first.next_cursor))
        ),
    )
    assert [e.balance_after for e in second.items] == [6, 3, 1] and second.next_cursor is None
    none = await in_uow(
        uow, lambda u: u.ledger.history(user_wallet(user), EntryType.PURCHASE, PageRequest())
    )
    assert none.items == []


async def test_verify_finds_a_tampered_balance(uow, database_url):
    user = new_id()
    await in_uow(
        uow,
        lambda u: LEDGER.grant(
            u, user_id=user, amount=10, type_=EntryType.BONUS, key="v", reason="r"
        ),
    )
    assert is_clean(await VerifyLedger(uow)())
    async with uow() as u:
        await u.connection.execute(sa.text("UPDATE credit_wallets SET balance = 11"))
        await u.commit()
    audit = await VerifyLedger(uow)()
    assert not is_clean(audit)
    assert [(d.account, d.stored, d.recomputed) for d in audit.differences] == [
        (user_wallet(user), 11, 10)
    ]


async def test_ledger_rows_refuse_update_and_delete_on_postgresql(pg_url):
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    await in_uow(
        uow,
        lambda u: LEDGER.grant(
            u, user_id=new_id(), amount=10, type_=EntryType.BONUS, key="t", reason="r"
        ),
    )
    await engine.dispose()
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for sql in (
            "UPDATE ledger_postings SET amount = 99",
            "DELETE FROM ledger_postings",
            "UPDATE ledger_transactions SET description = 'x'",
            "DELETE FROM ledger_transactions",
        ):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await conn.execute(sql)
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE credit_wallets SET balance = -1")
    finally:
        await conn.close()


async def test_concurrent_claims_give_one_allocation_on_postgresql(pg_url):
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    user = new_id()

    async def claim() -> str:
        async def attempt() -> str:
            async with uow() as u:
                await LEDGER.grant_initial_allocation(u, user_id=user, amount=200, description="w")
                await u.commit()
                return "ok"

        try:
            return await retry_transient(attempt)
        except AlreadyClaimed:
            return "claimed"

    outcomes = await asyncio.gather(*(claim() for _ in range(10)))
    assert sorted(outcomes) == ["claimed"] * 9 + ["ok"]
    bal = await in_uow(uow, lambda u: LEDGER.balance(u, user))
    assert bal.balance == 200
    await engine.dispose()
