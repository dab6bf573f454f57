"""The SQL adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.shaped import Registry

REPOSITORIES: Registry[AsyncConnection] = Registry()


class SqlRepository:
    """A repository built on the unit of work's connection: its statements run in that
    transaction, which it never commits."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn


class ClockedSqlRepository(SqlRepository):
    """A repository registered ``clocked=True``: it also reads the unit of work's clock."""

    def __init__(self, conn: AsyncConnection, now: Callable[[], datetime]) -> None:
        super().__init__(conn)
        self._now = now
