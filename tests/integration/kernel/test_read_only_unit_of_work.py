"""The read unit of work (``infrastructure.read_uow``, ADR 0127) on every adapter: it reads what
was committed and never writes — on PostgreSQL its transaction is ``READ ONLY``, so a write fails
at the statement on the primary exactly as it would on a replica; elsewhere it fails at
``commit()``. Either way nothing of it stays."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.pipelined_begin import pipelined_begin_module
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.pagination import PageRequest
from application.ports.audit import AuditEntry
from application.ports.clock import SystemClock
from application.ports.unit_of_work import ReadOnlyCommit
from entrypoints.containers import Container

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def entry(action: str) -> AuditEntry:
    return AuditEntry("team", "t1", None, action, "team", "t1", NOW)


async def actions(factory: Any) -> list[str]:
    async with factory() as u:
        page = await u.audit.list_for_scope("team", ["t1"], PageRequest())
    return sorted(e.action for e in page.items)


async def test_a_read_unit_of_work_reads_what_was_committed_and_keeps_no_write(
    contract_uow: Any, contract_database: str | None
) -> None:
    async with contract_uow() as u:
        await u.audit.append(entry("written"))
        await u.commit()
    reader = contract_uow.reading()
    assert reader.read_only and not contract_uow.read_only
    assert await actions(reader) == ["written"]

    on_postgres = contract_database is not None and contract_database.startswith("postgresql")
    refused: type[Exception] = DBAPIError if on_postgres else ReadOnlyCommit
    with pytest.raises(refused) as caught:
        async with reader() as u:
            await u.audit.append(entry("smuggled"))
            await u.commit()
    if on_postgres:
        assert "read-only transaction" in str(caught.value)
    else:
        assert "wire the use case to uow" in str(caught.value)
    assert await actions(contract_uow) == ["written"]


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined-begin", "dialect-begin"])
async def test_the_pooled_connection_writes_again_after_a_read_only_transaction(
    pg_url: str, pipelined: bool
) -> None:
    """``READ ONLY`` is a property of the read unit's transaction, not of the connection: the
    pool resets it when the connection comes back, so the next writer on it writes."""
    if pipelined:
        assert pipelined_begin_module() is not None  # this asyncpg is one the module checked
    engine = build_engine(pg_url, pool_size=1, max_overflow=0, pipelined_begin=pipelined)
    writer = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    reader = writer.reading()
    try:
        for round_ in range(3):
            with pytest.raises(DBAPIError, match="read-only transaction"):
                async with reader() as u:
                    await u.audit.append(entry(f"refused-{round_}"))
            async with writer() as u:
                await u.audit.append(entry(f"written-{round_}"))
                await u.commit()
        assert await actions(reader) == ["written-0", "written-1", "written-2"]
    finally:
        await engine.dispose()


def test_the_app_wires_read_only_use_cases_to_a_read_only_unit_of_work(
    test_settings: Any, sqlite_url: str, memory_container: Any
) -> None:
    # The SQL infrastructure's wiring is the same on every database and connects to none here.
    for container in (Container(config=test_settings(database_url=sqlite_url)), memory_container):
        infrastructure = container.infrastructure
        assert infrastructure.read_uow().read_only
        assert not infrastructure.uow().read_only
        settings = container.settings.get_settings()
        assert settings.uow().read_only  # a use case the container builds on read_uow
