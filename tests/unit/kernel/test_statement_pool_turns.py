"""The statement pool admits callers first come, first served, never more than its size at once.

asyncpg's own pool queue lets a newcomer take a connection released to a waiter (the waiter
queues again, at the back): with more callers than connections, some waited far longer than the
rest (the spend's p99, issue 13). The pool's turns are a FIFO semaphore in front of it."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from adapters.sqlalchemy.statement_pool import StatementPool


class HeldConnection:
    """Stands in for an asyncpg connection: each statement runs until the test lets it finish."""

    def __init__(self, held: HeldPool) -> None:
        self.held = held
        self.closed = False
        self.terminated = False

    async def fetch(self, _sql: str, name: str) -> list[Any]:
        self.held.entered.append(name)
        self.held.finish[name] = asyncio.Event()
        await self.held.finish[name].wait()
        failure = self.held.fail.pop(name, None)
        if failure is not None:
            raise failure
        return [name]

    async def fetchval(self, sql: str, name: str) -> Any:
        return (await self.fetch(sql, name))[0]

    def is_closed(self) -> bool:
        return self.closed or self.terminated

    def terminate(self) -> None:
        self.terminated = True

    async def close(self) -> None:
        self.closed = True


class HeldPool:
    """The connections a pool opened, and the statements they were sent."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.finish: dict[str, asyncio.Event] = {}
        self.fail: dict[str, BaseException] = {}
        self.opened: list[HeldConnection] = []

    async def connect(self) -> HeldConnection:
        conn = HeldConnection(self)
        self.opened.append(conn)
        return conn


def held(size: int) -> tuple[StatementPool, HeldPool]:
    fake = HeldPool()
    pool = StatementPool("postgresql://unused/unused", size, connect=fake.connect)
    return pool, fake


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def answered(pool: StatementPool, fake: HeldPool, name: str) -> Any:
    """``fetchval`` of a statement the test lets finish as soon as it reaches a connection."""
    call = asyncio.create_task(pool.fetchval("x", name))
    await settle()
    fake.finish[name].set()
    return await call


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


async def test_connections_are_opened_on_demand_and_reused() -> None:
    pool, fake = held(2)
    for name in ("a", "b", "c"):
        call = asyncio.create_task(pool.fetchval("x", name))
        await settle()
        fake.finish[name].set()
        assert await call == name
    assert len(fake.opened) == 1  # one caller at a time: one connection
    calls = [asyncio.create_task(pool.fetchval("x", f"p{i}")) for i in range(4)]
    for i in range(4):
        await settle()
        fake.finish[f"p{i}"].set()
    assert [await c for c in calls] == ["p0", "p1", "p2", "p3"]
    assert len(fake.opened) == 2  # never more than the pool's size


async def test_a_connection_found_closed_is_replaced() -> None:
    pool, fake = held(1)
    await answered(pool, fake, "first")
    fake.opened[0].closed = True  # the server went away while it was idle
    assert await answered(pool, fake, "second") == "second"
    assert len(fake.opened) == 2


async def test_an_error_the_server_answered_keeps_the_connection() -> None:
    pool, fake = held(1)
    fake.fail["dup"] = asyncpg.UniqueViolationError("duplicate key")
    call = asyncio.create_task(pool.fetchval("x", "dup"))
    await settle()
    fake.finish["dup"].set()
    with pytest.raises(asyncpg.UniqueViolationError):
        await call
    assert not fake.opened[0].terminated
    assert await answered(pool, fake, "after") == "after"
    assert len(fake.opened) == 1


@pytest.mark.parametrize(
    "failure",
    [
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        ConnectionResetError("reset by peer"),
        asyncpg.InterfaceError("another operation is in progress"),
    ],
)
async def test_a_connection_in_trouble_is_terminated_not_reused(failure: BaseException) -> None:
    pool, fake = held(1)
    fake.fail["broken"] = failure
    call = asyncio.create_task(pool.fetchval("x", "broken"))
    await settle()
    fake.finish["broken"].set()
    with pytest.raises(type(failure)):
        await call
    assert fake.opened[0].terminated
    assert await answered(pool, fake, "after") == "after"
    assert len(fake.opened) == 2


async def test_a_statement_cancelled_mid_flight_terminates_its_connection() -> None:
    """The request's deadline cancels the handler: the protocol's state is unknown."""
    pool, fake = held(1)
    call = asyncio.create_task(pool.fetch("x", "slow"))
    await settle()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert fake.opened[0].terminated
    assert await answered(pool, fake, "after") == "after"
    assert len(fake.opened) == 2


async def test_close_closes_idle_connections_and_those_handed_back_later() -> None:
    pool, fake = held(2)
    idle = asyncio.create_task(pool.fetchval("x", "idle"))
    await settle()
    busy = asyncio.create_task(pool.fetchval("x", "busy"))
    await settle()
    fake.finish["idle"].set()
    await idle
    await pool.close()
    assert fake.opened[0].closed
    fake.finish["busy"].set()
    assert await busy == "busy"
    assert fake.opened[1].terminated
    with pytest.raises(asyncpg.InterfaceError, match="closed"):
        await pool.fetchval("x", "late")
