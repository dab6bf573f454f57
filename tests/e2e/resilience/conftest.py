"""Private servers for the fault tests: killed and restarted by the tests, never the shared ones."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import pytest

from adapters.sqlalchemy.migrate import upgrade
from tests.fixtures.private_servers import PrivatePostgres


async def _create_database(server: PrivatePostgres, name: str) -> None:
    conn = await asyncpg.connect(host="127.0.0.1", port=server.port, user="postgres", timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A migrated ``fairarena`` database on a private cluster; ``url`` points at it."""
    server = PrivatePostgres()
    try:
        server.init()
        asyncio.run(_create_database(server, "fairarena"))
        upgrade(server.url("fairarena"))
        yield server
    finally:
        server.remove()
