"""Differential test: random operation sequences give the same answers on SQL as on the Book.

The domain's Book is the reference model (property-tested in tests/unit/credits/book). Here the same
random sequence of grants, purchases, spends (with replayed and reused keys), adjustments,
claw-backs, initial allocations and holds runs through CreditsLedger on the SQL repository and on
the memory one; every answer, balance and history must match.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.ledger_service import CreditsLedger
from application.credits.spend import Spend
from application.credits.verify_ledger import VerifyLedger, is_clean
from application.pagination import PageRequest
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.errors import DomainError
from tests.fixtures.clock import FakeClock

USERS = ["u1", "u2", "u3"]


@pytest.fixture
async def sql_uow(database_url: str) -> AsyncIterator[tuple[Any, FakeClock]]:
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, clock), clock
    await engine.dispose()


def plan(seed: int, steps: int) -> list[tuple[Any, ...]]:
    rnd = random.Random(seed)
    ops: list[tuple[Any, ...]] = []
    for _ in range(steps):
        user = rnd.choice(USERS)
        kind = rnd.choice(
            [
                "grant",
                "purchase",
                "spend",
                "spend",
                "adjust",
                "claw",
                "initial",
                "hold",
                "capture",
                "void",
                "tick",
            ]
        )
        ops.append((kind, user, rnd.randint(1, 40), f"k{rnd.randint(0, 6)}", rnd.randint(0, 9)))
    return ops


async def apply(uow: Any, clock: FakeClock, op: tuple[Any, ...], holds: list[str]) -> Any:
    kind, user, amount, key, n = op
    ledger = CreditsLedger(clock)

    async def run(work: Any) -> Any:
        async with uow() as u:
            result = await work(u)
            await u.commit()
            return result

    try:
        if kind == "grant":
            e = await run(
                lambda u: ledger.grant(
                    u, user_id=user, amount=amount, type_=EntryType.BONUS, key=key, reason="g"
                )
            )
            return ("ok", e.amount, e.balance_after)
        if kind == "purchase":
            e = await run(
                lambda u: ledger.post_purchase(
                    u, user_id=user, payment_id=f"p{n}", credits=amount, description="buy"
                )
            )
            return ("ok", e.amount, e.balance_after)
        if kind == "spend":
            r = await Spend(UnitOfWorkAtomicLedger(uow), clock)(
                user_id=user, amount=amount, purpose="use", idempotency_key=key
            )
            return ("ok", r.balance, r.replayed)
        if kind == "adjust":
            e = await run(
                lambda u: ledger.grant(
                    u, user_id=user, amount=-amount, type_=EntryType.ADJUSTMENT, key=key, reason="a"
                )
            )
            return ("ok", e.amount, e.balance_after)
        if kind == "claw":
            c = await run(
                lambda u: ledger.claw_back_refund(
                    u,
                    user_id=user,
                    payment_id=f"p{n}",
                    refund_id=f"r{n}",
                    credits=amount,
                    description="refund",
                )
            )
            return ("ok", c.clawed, c.shortfall)
        if kind == "initial":
            e = await run(
                lambda u: ledger.grant_initial_allocation(
                    u, user_id=user, amount=200, description="welcome"
                )
            )
            return ("ok", e.balance_after)
        if kind == "hold":
            h = await run(
                lambda u: ledger.reserve_hold(
                    u, user_id=user, amount=amount, key=key, ttl=timedelta(seconds=30)
                )
            )
            if h.id not in holds:
                holds.append(h.id)
            return ("ok", holds.index(h.id), h.amount)
        if kind in ("capture", "void"):
            if not holds:
                return ("skip",)
            hold_id = holds[n % len(holds)]
            if kind == "void":
                h = await run(lambda u: ledger.void_hold(u, hold_id=hold_id))
                return ("ok", h.status.value)
            e = await run(
                lambda u: ledger.capture_hold(u, hold_id=hold_id, amount=1, description="cap")
            )
            return ("ok", e.amount, e.balance_after)
        clock.current += timedelta(seconds=amount)
        async with uow() as u:
            expired = await u.ledger.expire_due(clock.now(), 1000)
            await u.commit()
        return ("ok", len(expired))
    except DomainError as exc:
        return ("error", exc.code, exc.details if exc.code == "INSUFFICIENT_CREDITS" else None)


async def snapshot(uow: Any) -> Any:
    async with uow() as u:
        out = []
        for user in USERS:
            b = await u.ledger.balance(user_wallet(user))
            page = await u.ledger.history(user_wallet(user), None, PageRequest(limit=100))
            out.append(
                (b.balance, b.held, [(e.type, e.amount, e.balance_after) for e in page.items])
            )
        return out


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sql_answers_like_the_reference_model(sql_uow, seed):
    sql, sql_clock = sql_uow
    memory_clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    memory = InMemoryUnitOfWorkFactory(MemoryStore(), memory_clock)
    sql_holds: list[str] = []
    memory_holds: list[str] = []
    for step, op in enumerate(plan(seed, 60)):
        expected = await apply(memory, memory_clock, op, memory_holds)
        got = await apply(sql, sql_clock, op, sql_holds)
        assert got == expected, (step, op)
    assert await snapshot(sql) == await snapshot(memory)
    assert is_clean(await VerifyLedger(sql)())
