"""One asyncpg pool per process for the hot paths' single statements (spend, scope reads).

The spend (``credits/fast_path.py``) and the one-statement scope reads (``access/chain_reader.py``)
each send ONE statement in autocommit mode and leave no session state behind. Checking a
connection out of SQLAlchemy's pool around such a statement (its checkout, events, reset and
close machinery) cost more CPU than the statement itself (issue 13), so they share this pool of
plain asyncpg connections, opened on first use.

Admission is first come, first served: asyncpg's pool hands connections out through an
``asyncio.Queue``, whose ``get`` lets a newcomer take a connection that was just released to a
waiter (the woken waiter finds the queue empty and queues again, at the back). With more callers
than connections some waited far longer than the rest — the spend's p99. Callers here take a turn
from a FIFO ``asyncio.Semaphore`` of the pool's size first, so whoever holds a turn finds a free
connection and turns are handed out in arrival order.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """Only single autocommit statements run here: no session state to clean (saves a trip)."""


class StatementPool:
    """``await pool.fetch(sql, *args)`` / ``fetchval``: one statement, its own transaction."""

    def __init__(
        self,
        dsn: str,
        size: int = 10,
        *,
        statement_timeout_ms: int = 0,
        connect_timeout_seconds: float = 10.0,
        application_name: str = "fairarena-statements",
    ) -> None:
        if size < 1:
            raise ValueError("a statement pool needs at least one connection")
        self._dsn = dsn
        self.size = size
        self._server_settings = {"application_name": application_name}
        if statement_timeout_ms:
            self._server_settings["statement_timeout"] = str(statement_timeout_ms)
        self._connect_timeout = connect_timeout_seconds
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self._turns = asyncio.Semaphore(size)

    @classmethod
    def of(cls, engine: AsyncEngine, size: int = 10, **options: Any) -> StatementPool:
        """The pool for the database ``engine`` connects to (same URL and credentials)."""
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(dsn, size, **options)

    async def _connections(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=1,
                        max_size=self.size,
                        reset=_nothing_to_reset,
                        server_settings=self._server_settings,
                        timeout=self._connect_timeout,
                    )
        return self._pool

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self._turns:
            pool = await self._connections()
            rows: list[asyncpg.Record] = await pool.fetch(sql, *args)
            return rows

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self._turns:
            pool = await self._connections()
            return await pool.fetchval(sql, *args)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
