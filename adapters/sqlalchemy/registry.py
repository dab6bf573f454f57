"""The SQL adapter's repositories by unit-of-work name (each registers itself)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.shaped import Registry

REPOSITORIES: Registry[AsyncConnection] = Registry()


class SqlRepository:
    """A repository built on the unit of work's connection: its statements run in that
    transaction, which it never commits."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
