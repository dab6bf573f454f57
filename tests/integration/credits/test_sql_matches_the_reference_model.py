"""Model-based test: generated operation sequences answer on every store exactly as on the Book.

The domain's Book is the reference model (property-tested in tests/unit/credits/book; the memory
repository is a thin shell over it). The same generated sequence of grants, purchases, spends (with
replayed and reused keys), adjustments, claw-backs, initial allocations and holds runs through
CreditsLedger and Spend on the Book and on the SQL repository — SQLite and PostgreSQL — and, on
PostgreSQL, with every spend through the asyncpg one-statement fast path. Every answer (outcome,
error code and figures), balance, held amount, history entry (balance after) and posting sequence
number must be identical.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.credits.fast_path import PostgresAtomicLedger
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.ledger_service import CreditsLedger
from application.credits.ports import AtomicLedger, KeyTaken
from application.credits.spend import Spend
from application.credits.transfer import TransferOrder, build_transfer
from application.credits.verify_ledger import VerifyLedger, is_clean
from application.pagination import PageRequest, decode_cursor
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.rules import replay_posted
from domain.errors import DomainError
from domain.ids import new_id
from tests.fixtures.clock import FakeClock

USERS = ["u1", "u2", "u3"]
PROMO_TTL = timedelta(seconds=60)


class Store:
    """One ledger under test: its unit of work, its clock and the port spends go through."""

    def __init__(self, uow: Any, clock: FakeClock, spends: AtomicLedger | None = None) -> None:
        self.uow, self.clock = uow, clock
        self.spends = spends or UnitOfWorkAtomicLedger(uow)
        self.holds: list[str] = []
        self.promo_ttl = timedelta(days=365)


def reference() -> Store:
    """The Book (behind the memory repository)."""
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    return Store(InMemoryUnitOfWorkFactory(MemoryStore(), clock), clock)


@pytest.fixture
async def sql_uow(database_url: str) -> AsyncIterator[tuple[Any, FakeClock]]:
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    engine = build_engine(database_url)
    yield SqlAlchemyUnitOfWorkFactory(engine, clock), clock
    await engine.dispose()


@pytest.fixture
async def fast_path_store(pg_url: str) -> AsyncIterator[Store]:
    """PostgreSQL with spends through the asyncpg fast path, as production wires it."""
    clock = FakeClock(datetime(2026, 5, 1, tzinfo=UTC))
    engine = build_engine(pg_url)
    uow = SqlAlchemyUnitOfWorkFactory(engine, clock)
    fast = PostgresAtomicLedger(engine, UnitOfWorkAtomicLedger(uow), pool_size=2)
    yield Store(uow, clock, fast)
    await fast.close()
    await engine.dispose()


KINDS = [
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
    "transfer",
    "expire",
]
# Promotional lots granted, spent, transferred, clawed back, held and expired (TTL 60 s).
LOTS = [
    "grant",
    "initial",
    "purchase",
    "spend",
    "spend",
    "transfer",
    "hold",
    "capture",
    "claw",
    "tick",
    "tick",
    "expire",
]
# Spends against open holds: where "balance covers it, available does not" must refuse.
SPENDS_UNDER_HOLDS = ["grant", "grant", "spend", "spend", "spend", "hold", "hold", "void", "tick"]


def plan(seed: int, steps: int, kinds: list[str] = KINDS) -> list[tuple[Any, ...]]:
    rnd = random.Random(seed)
    ops: list[tuple[Any, ...]] = []
    for _ in range(steps):
        user = rnd.choice(USERS)
        kind = rnd.choice(kinds)
        ops.append((kind, user, rnd.randint(1, 40), f"k{rnd.randint(0, 6)}", rnd.randint(0, 9)))
    return ops


async def apply(store: Store, op: tuple[Any, ...]) -> Any:
    kind, user, amount, key, n = op
    uow, clock, holds = store.uow, store.clock, store.holds
    ledger = CreditsLedger(clock, store.promo_ttl)

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
            r = await Spend(store.spends, clock)(
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
        if kind == "transfer":
            order = TransferOrder(
                user_wallet(user), user_wallet(USERS[n % 3]), amount, "t", key, user
            )
            if order.target == order.source:
                return ("skip",)
            tx = build_transfer(order, new_id(), clock.now())
            try:
                posted = await store.spends.post_committed(tx)
            except KeyTaken as taken:
                assert taken.outcome is not None
                return ("ok", replay_posted(taken.outcome, tx.fingerprint).balances_after, True)
            return ("ok", posted.balances_after, False)
        if kind == "expire":  # the daily job's step, on every wallet
            done = []
            for who in USERS:
                expired = await run(
                    lambda u, w=who: u.ledger.expire_lots(user_wallet(w), clock.now())
                )
                done.append([p.transaction.postings[0].amount for p in expired])
            return ("ok", done)
        clock.current += timedelta(seconds=amount)
        async with uow() as u:
            expired = await u.ledger.expire_due(clock.now(), 1000)
            await u.commit()
        return ("ok", len(expired))
    except DomainError as exc:
        return ("error", exc.code, exc.details if exc.code == "INSUFFICIENT_CREDITS" else None)


async def snapshot(store: Store) -> Any:
    """Per wallet: balance, held, and every entry newest first with its sequence number."""
    out = []
    async with store.uow() as u:
        for user in USERS:
            wallet = user_wallet(user)
            b = await u.ledger.balance(wallet)
            entries, page = [], await u.ledger.history(wallet, None, PageRequest(limit=1))
            while True:
                e = page.items[0] if page.items else None
                seq = int(decode_cursor(page.next_cursor)[0]) if page.next_cursor else None
                if e is not None:
                    entries.append((seq, e.type, e.amount, e.balance_after, e.payment_id))
                if page.next_cursor is None:
                    break
                page = await u.ledger.history(
                    wallet, None, PageRequest(limit=1, after=decode_cursor(page.next_cursor))
                )
            lots = [
                (lot.amount, lot.remaining, lot.expires_at) for lot in await u.ledger.lots(wallet)
            ]
            assert all(lot[1] >= 0 for lot in lots) and sum(lot[1] for lot in lots) <= b.balance
            out.append((b.balance, b.held, entries, lots))
    return _ranked(out)


def _ranked(wallets: list[Any]) -> list[Any]:
    """Sequence numbers as their rank: PostgreSQL skips the numbers of rolled-back inserts (a
    refused hold rolls back the expiry it ran first), and only their order is relied on."""
    seqs = sorted({e[0] for w in wallets for e in w[2] if e[0] is not None})
    rank = {seq: i for i, seq in enumerate(seqs)}
    return [
        (b, h, [(rank.get(e[0]), *e[1:]) for e in entries], lots) for b, h, entries, lots in wallets
    ]


async def assert_answers_like_the_book(
    store: Store, seed: int, kinds: list[str] = KINDS, steps: int = 60
) -> None:
    book = reference()
    if kinds is LOTS:  # lots that expire within the plan
        book.promo_ttl = store.promo_ttl = PROMO_TTL
    for step, op in enumerate(plan(seed, steps, kinds)):
        expected = await apply(book, op)
        got = await apply(store, op)
        assert got == expected, (step, op)
    final = await snapshot(book)
    assert await snapshot(store) == final
    if kinds is LOTS:  # the plan reached what it is about: lots expired
        assert any(e[1] is EntryType.EXPIRY for w in final for e in w[2]), seed
    assert is_clean(await VerifyLedger(store.uow)())


PLANS = {  # (seed, operations): the seeds of SPENDS_UNDER_HOLDS were checked to include spends
    # that the balance covers but the available credits (balance - held) do not
    "mixed-1": (1, KINDS),
    "mixed-2": (2, KINDS),
    "mixed-3": (3, KINDS),
    "under-holds-4": (4, SPENDS_UNDER_HOLDS),
    "lots-6": (6, LOTS),
    "lots-7": (7, LOTS),
}
FAST_PATH_PLANS = {
    "lots-8": (8, LOTS),
    "lots-9": (9, LOTS),
    "mixed-5": (5, KINDS),
    "under-holds-2": (2, SPENDS_UNDER_HOLDS),
    "under-holds-3": (3, SPENDS_UNDER_HOLDS),
    "under-holds-4": (4, SPENDS_UNDER_HOLDS),
}


@pytest.mark.parametrize("plan_name", PLANS)
async def test_sql_answers_like_the_reference_model(sql_uow, plan_name):
    uow, clock = sql_uow
    seed, kinds = PLANS[plan_name]
    await assert_answers_like_the_book(Store(uow, clock), seed, kinds)


@pytest.mark.parametrize("plan_name", FAST_PATH_PLANS)
async def test_the_postgresql_fast_path_answers_like_the_reference_model(
    fast_path_store, plan_name
):
    seed, kinds = FAST_PATH_PLANS[plan_name]
    await assert_answers_like_the_book(fast_path_store, seed, kinds, steps=80)


def test_the_plans_reach_spends_only_the_held_credits_refuse():
    """Guards the seeds above: a plan that never hits the case would prove nothing about it."""

    async def hits(seed: int, kinds: list[str], steps: int) -> int:
        book, n = reference(), 0
        for op in plan(seed, steps, kinds):
            if op[0] == "spend":
                async with book.uow() as u:
                    b = await u.ledger.balance(user_wallet(op[1]))
                n += b.balance >= op[2] > b.available
            await apply(book, op)
        return n

    for seed, kinds in FAST_PATH_PLANS.values():
        if kinds is SPENDS_UNDER_HOLDS:
            assert asyncio.run(hits(seed, kinds, 80)) > 0, seed
    assert asyncio.run(hits(4, SPENDS_UNDER_HOLDS, 60)) > 0
