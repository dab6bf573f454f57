"""A PostgreSQL transaction's BEGIN travels with its first statement (ADR 0079): one round trip
fewer per transaction, and the same transaction as with a BEGIN of its own — its statements
share one transaction, a rollback undoes the first, a failing or unsendable first statement
leaves a usable connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.pipelined_begin import (
    PipelinedBeginConnection,
    asyncpg_checked,
    begin_messages,
)
from bench._round_trips import CountingProxy


@pytest.fixture
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(pg_url, pool_size=1, max_overflow=0)
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE IF NOT EXISTS t (v int NOT NULL)"))
    yield engine
    await engine.dispose()


async def _rows(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text("SELECT v FROM t ORDER BY v"))).scalars())


async def test_the_engine_connects_pipelined_begin_connections(engine: AsyncEngine):
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, PipelinedBeginConnection)


async def test_statements_after_the_first_run_in_its_transaction(engine: AsyncEngine):
    async with engine.connect() as conn, conn.begin():
        first = (await conn.execute(sa.text("SELECT txid_current(), now()"))).one()
        await conn.execute(sa.text("SELECT pg_sleep(0.01)"))
        second = (await conn.execute(sa.text("SELECT txid_current(), now()"))).one()
        status = await (await conn.get_raw_connection()).driver_connection.fetchval(
            "SELECT current_setting('transaction_isolation')"
        )
    assert first == second  # one transaction: same id, same transaction timestamp
    assert status == "read committed"


async def test_a_rollback_undoes_the_first_statement(engine: AsyncEngine):
    async with engine.connect() as conn:
        async with conn.begin() as tx:
            await conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            await tx.rollback()
        async with conn.begin():
            await conn.execute(sa.text("INSERT INTO t VALUES (2)"))
    assert await _rows(engine) == [2]


async def test_a_failing_first_statement_rolls_back_and_the_connection_goes_on(
    engine: AsyncEngine,
):
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError, match="division by zero"):
            async with conn.begin():
                await conn.execute(sa.text("SELECT 1 / 0"))
        with pytest.raises(DBAPIError):  # encoded before anything of the statement is sent
            async with conn.begin():
                await conn.execute(sa.text("SELECT CAST(:v AS int)"), {"v": object()})
        async with conn.begin():
            await conn.execute(sa.text("INSERT INTO t VALUES (3)"))
            assert (await conn.execute(sa.text("SELECT count(*) FROM t"))).scalar_one() == 1
    assert await _rows(engine) == [3]


async def test_isolation_levels_and_read_only_are_begun_as_asked(engine: AsyncEngine):
    async with engine.connect() as conn:
        serializable = await conn.execution_options(isolation_level="SERIALIZABLE")
        async with serializable.begin():
            level = (await serializable.execute(sa.text("SHOW transaction_isolation"))).scalar_one()
        assert level == "serializable"
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(sa.text("INSERT INTO t VALUES (4)"))  # no transaction to commit
    assert await _rows(engine) == [4]


async def test_a_server_side_cursor_still_streams_in_its_transaction(engine: AsyncEngine):
    async with engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO t SELECT generate_series(1, 5)"))
    async with engine.connect() as conn, conn.begin():
        result = await conn.stream(sa.text("SELECT v FROM t ORDER BY v"))
        assert [v async for v in result.scalars()] == [1, 2, 3, 4, 5]


async def test_a_transaction_costs_one_round_trip_fewer(pg_url: str):
    url = make_url(pg_url)
    proxy = CountingProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engines = {
        pipelined: build_engine(proxied, pool_size=1, max_overflow=0, pipelined_begin=pipelined)
        for pipelined in (True, False)
    }
    try:
        trips: dict[bool, int] = {}
        for pipelined, engine in engines.items():

            async def transaction(engine: Any = engine) -> None:
                async with engine.begin() as conn:
                    await conn.execute(sa.text("SELECT 1"))
                    await conn.execute(sa.text("SELECT 2"))

            await transaction()  # connects and prepares both statements
            before = len(proxy.round_trips.times)
            await transaction()
            trips[pipelined] = len(proxy.round_trips.times) - before
        assert trips == {False: 4, True: 3}  # BEGIN, 2 statements, COMMIT / the same less one
    finally:
        for engine in engines.values():
            await engine.dispose()
        await proxy.close()


def test_only_checked_asyncpg_versions_pipeline():
    assert asyncpg_checked("0.32.0")
    assert not asyncpg_checked("0.40.0")
    assert not asyncpg_checked("1.0.0")
    assert not asyncpg_checked("dev")


def test_the_begin_messages_are_parse_bind_execute_without_sync():
    messages = begin_messages("BEGIN")
    assert messages == (
        b"P\x00\x00\x00\x0d\x00BEGIN\x00\x00\x00"
        b"B\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00"
        b"E\x00\x00\x00\x09\x00\x00\x00\x00\x00"
    )
    assert b"S\x00\x00\x00\x04" not in messages
