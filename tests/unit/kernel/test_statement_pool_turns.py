"""The statement pool admits callers first come, first served, never more than its size at once.

asyncpg's own pool queue lets a newcomer take a connection released to a waiter (the waiter
queues again, at the back): with more callers than connections, some waited far longer than the
rest (the spend's p99, issue 13). The pool's turns are a FIFO semaphore in front of it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.sqlalchemy.statement_pool import StatementPool


class HeldPool:
    """Stands in for the asyncpg pool: each statement runs until the test lets it finish."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.finish: dict[str, asyncio.Event] = {}

    async def fetch(self, _sql: str, name: str) -> list[Any]:
        self.entered.append(name)
        self.finish[name] = asyncio.Event()
        await self.finish[name].wait()
        return [name]

    async def fetchval(self, sql: str, name: str) -> Any:
        return (await self.fetch(sql, name))[0]


def held(size: int) -> tuple[StatementPool, HeldPool]:
    pool = StatementPool("postgresql://unused/unused", size)
    fake = HeldPool()
    pool._pool = fake  # type: ignore[assignment]  # opened: the fake answers
    return pool, fake


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_no_more_callers_than_connections_reach_the_pool() -> None:
    pool, fake = held(2)
    calls = [asyncio.create_task(pool.fetch("x", f"c{i}")) for i in range(5)]
    await settle()
    assert fake.entered == ["c0", "c1"]
    fake.finish["c0"].set()
    await settle()
    assert fake.entered == ["c0", "c1", "c2"]
    for name in ("c1", "c2", "c3", "c4"):
        await settle()
        fake.finish[name].set()
    assert [await c for c in calls] == [[f"c{i}"] for i in range(5)]


async def test_a_newcomer_does_not_overtake_a_waiter() -> None:
    pool, fake = held(1)
    first = asyncio.create_task(pool.fetchval("x", "first"))
    await settle()
    waiter = asyncio.create_task(pool.fetchval("x", "waiter"))
    await settle()
    # The connection comes free while a caller waits for it; a caller asking now comes after.
    fake.finish["first"].set()
    await first
    newcomer = asyncio.create_task(pool.fetchval("x", "newcomer"))
    await settle()
    assert fake.entered == ["first", "waiter"]
    fake.finish["waiter"].set()
    await settle()
    fake.finish["newcomer"].set()
    assert (await waiter, await newcomer) == ("waiter", "newcomer")
    assert fake.entered == ["first", "waiter", "newcomer"]


def test_a_pool_without_connections_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        StatementPool("postgresql://unused/unused", 0)
