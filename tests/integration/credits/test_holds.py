"""Holds on PostgreSQL and SQLite: reserve → capture / void / expire, available = balance - held."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.expire_holds import ExpireHolds
from application.credits.ledger_service import CreditsLedger
from application.credits.spend import Spend
from application.credits.verify_ledger import VerifyLedger, is_clean
from domain.credits.entry_types import EntryType
from domain.credits.errors import HoldNotOpen, IdempotencyKeyReused, InsufficientCredits
from domain.credits.holds import HoldStatus
from domain.ids import new_id
from tests.fixtures.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def uow(database_url: str, clock: FakeClock) -> AsyncIterator[SqlAlchemyUnitOfWorkFactory]:
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, clock)
    await engine.dispose()


async def run(uow: Any, work: Any) -> Any:
    async with uow() as u:
        result = await work(u)
        await u.commit()
        return result


async def funded(uow: Any, ledger: CreditsLedger, amount: int) -> str:
    user = new_id()
    await run(
        uow,
        lambda u: ledger.grant(
            u, user_id=user, amount=amount, type_=EntryType.BONUS, key="fund", reason="fund"
        ),
    )
    return user


async def test_reserve_capture_partially(uow, clock):
    ledger = CreditsLedger(clock)
    user = await funded(uow, ledger, 100)
    hold = await run(
        uow,
        lambda u: ledger.reserve_hold(
            u, user_id=user, amount=60, key="h1", ttl=timedelta(minutes=5)
        ),
    )
    again = await run(
        uow,
        lambda u: ledger.reserve_hold(
            u, user_id=user, amount=60, key="h1", ttl=timedelta(minutes=5)
        ),
    )
    assert again.id == hold.id
    with pytest.raises(IdempotencyKeyReused):
        await run(
            uow,
            lambda u: ledger.reserve_hold(
                u, user_id=user, amount=61, key="h1", ttl=timedelta(minutes=5)
            ),
        )
    bal = await run(uow, lambda u: ledger.balance(u, user))
    assert (bal.balance, bal.held, bal.available) == (100, 60, 40)
    with pytest.raises(InsufficientCredits):
        await Spend(UnitOfWorkAtomicLedger(uow), clock)(
            user_id=user, amount=41, purpose="p", idempotency_key="s1"
        )
    entry = await run(
        uow, lambda u: ledger.capture_hold(u, hold_id=hold.id, amount=25, description="AI chat")
    )
    assert (entry.amount, entry.balance_after) == (-25, 75)
    replayed = await run(
        uow, lambda u: ledger.capture_hold(u, hold_id=hold.id, amount=25, description="AI chat")
    )
    assert replayed == entry
    bal = await run(uow, lambda u: ledger.balance(u, user))
    assert (bal.balance, bal.held, bal.available) == (75, 0, 75)
    with pytest.raises(HoldNotOpen):
        await run(uow, lambda u: ledger.void_hold(u, hold_id=hold.id))
    assert is_clean(await VerifyLedger(uow)())


async def test_void_and_expiry_release_the_credits(uow, clock):
    ledger = CreditsLedger(clock)
    user = await funded(uow, ledger, 50)
    h1 = await run(
        uow,
        lambda u: ledger.reserve_hold(
            u, user_id=user, amount=20, key="a", ttl=timedelta(seconds=30)
        ),
    )
    await run(
        uow,
        lambda u: ledger.reserve_hold(
            u, user_id=user, amount=30, key="b", ttl=timedelta(seconds=10)
        ),
    )
    with pytest.raises(InsufficientCredits):
        await run(
            uow,
            lambda u: ledger.reserve_hold(
                u, user_id=user, amount=1, key="c", ttl=timedelta(seconds=10)
            ),
        )
    voided = await run(uow, lambda u: ledger.void_hold(u, hold_id=h1.id))
    assert voided.status is HoldStatus.VOIDED
    clock.current += timedelta(seconds=11)
    assert await ExpireHolds(uow, clock)() == 1
    bal = await run(uow, lambda u: ledger.balance(u, user))
    assert (bal.balance, bal.held, bal.available) == (50, 0, 50)
    assert await ExpireHolds(uow, clock)() == 0


async def test_holds_and_spends_race_without_overdraw_on_postgresql(pg_url, clock):
    engine = build_engine(pg_url, pool_size=10)
    uow = SqlAlchemyUnitOfWorkFactory(engine, clock)
    ledger = CreditsLedger(clock)
    user = await funded(uow, ledger, 100)
    spend = Spend(UnitOfWorkAtomicLedger(uow), clock)

    async def reserve(i: int) -> str:
        try:
            await run(
                uow,
                lambda u: ledger.reserve_hold(
                    u, user_id=user, amount=3, key=f"h{i}", ttl=timedelta(minutes=1)
                ),
            )
            return "held"
        except InsufficientCredits:
            return "refused"

    async def spend_one(i: int) -> str:
        try:
            await spend(user_id=user, amount=2, purpose="p", idempotency_key=f"s{i}")
            return "spent"
        except InsufficientCredits:
            return "refused"

    results = await asyncio.gather(
        *(reserve(i) for i in range(30)), *(spend_one(i) for i in range(30))
    )
    held = results[:30].count("held") * 3
    spent = results[30:].count("spent") * 2
    bal = await run(uow, lambda u: ledger.balance(u, user))
    assert bal.held == held and bal.balance == 100 - spent and bal.available >= 0
    assert held + spent <= 100 and held + spent >= 97  # nothing refused while 3+ were free
    assert is_clean(await VerifyLedger(uow)())
    await engine.dispose()


async def test_a_hold_key_of_any_length_is_stored_and_replayed(uow, clock):
    """The caller's key is hashed into the stored one: a long key neither overflows the key
    columns (320 on PostgreSQL) nor gets truncated into another caller key."""
    ledger = CreditsLedger(clock)
    user = await funded(uow, ledger, 100)
    long_key = "stream-" + "x" * 600

    def reserve(key: str, amount: int = 10) -> Any:
        return lambda u: ledger.reserve_hold(
            u, user_id=user, amount=amount, key=key, ttl=timedelta(minutes=5)
        )

    hold = await run(uow, reserve(long_key))
    assert (await run(uow, reserve(long_key))).id == hold.id
    other = await run(uow, reserve(long_key + "y"))
    assert other.id != hold.id
    with pytest.raises(IdempotencyKeyReused):
        await run(uow, reserve(long_key, amount=11))
    bal = await run(uow, lambda u: ledger.balance(u, user))
    assert (bal.balance, bal.held) == (100, 20)
