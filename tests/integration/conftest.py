"""The repository contract fixture: every ``*_contract.py`` suite runs on memory, PostgreSQL and
SQLite through the units of work the REPOSITORIES registries build (the adapters the app uses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from tests.fixtures.clock import FakeClock


@pytest.fixture(params=["memory", "postgresql", "sqlite"])
def contract_database(request: pytest.FixtureRequest) -> str | None:
    """None for the memory adapter, else a fresh database (made outside the event loop)."""
    if request.param == "memory":
        return None
    return str(request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url"))


@pytest.fixture
async def contract_uow(contract_database: str | None) -> AsyncIterator[Any]:
    """A unit-of-work factory with every repository, on each adapter in turn."""
    clock = FakeClock.following_system(timedelta())
    if contract_database is None:
        yield InMemoryUnitOfWorkFactory(MemoryStore(), clock)
        return
    engine = build_engine(contract_database)
    yield SqlAlchemyUnitOfWorkFactory(engine, clock)
    await engine.dispose()
