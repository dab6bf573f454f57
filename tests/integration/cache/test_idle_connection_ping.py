"""Pool checkouts ping only connections that sat idle (DB_POOL_PING_AFTER_IDLE_SECONDS, issue 13):
a connection used moments ago costs no ping; an idle one is pinged, and replaced when the server
dropped it, without failing the request (ADR 0091)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

    real = PGDialect_asyncpg.do_ping

    def counting(self: Any, dbapi_connection: Any) -> bool:
        seen.append(dbapi_connection)
        return bool(real(self, dbapi_connection))

    monkeypatch.setattr(PGDialect_asyncpg, "do_ping", counting)
    return seen


async def _backend_pid(engine: Any) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_used_moments_ago_is_not_pinged(pg_url: str, pings: list[object]):
    engine = build_engine(pg_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=30)
    try:
        first = await _backend_pid(engine)
        assert [await _backend_pid(engine) for _ in range(5)] == [first] * 5
        assert pings == []
    finally:
        await engine.dispose()


async def test_an_idle_connection_is_pinged(pg_url: str, pings: list[object]):
    engine = build_engine(pg_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.2)
    try:
        first = await _backend_pid(engine)
        await asyncio.sleep(0.3)
        assert await _backend_pid(engine) == first  # alive: pinged and kept
        assert len(pings) == 1
    finally:
        await engine.dispose()


async def test_an_idle_connection_the_server_dropped_is_replaced_unnoticed(
    pg_url: str, pings: list[object]
):
    engine = build_engine(pg_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.2)
    try:
        first = await _backend_pid(engine)
        dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://")
        admin = await asyncpg.connect(dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.3)
        replaced = await _backend_pid(engine)  # no error: the ping found it dead
        assert replaced != first
        assert len(pings) >= 1
    finally:
        await engine.dispose()


async def test_zero_means_sqlalchemys_ping_at_every_checkout(pg_url: str, pings: list[object]):
    engine = build_engine(pg_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0)
    try:
        for _ in range(3):
            await _backend_pid(engine)
        assert len(pings) >= 2  # every checkout of the pooled connection
    finally:
        await engine.dispose()
