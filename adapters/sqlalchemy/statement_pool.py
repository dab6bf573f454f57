"""One pool of asyncpg connections per process for the hot paths' single statements (spend,
transfer, scope reads).

The spend and the transfer (``credits/fast_path.py``) and the one-statement scope reads
(``access/chain_reader.py``) each send ONE statement in autocommit mode and leave no session
state behind. Checking a connection out of SQLAlchemy's pool around such a statement (its
checkout, events, reset and close machinery) cost more CPU than the statement itself (issue 13),
so they share this pool of plain asyncpg connections, opened on first use.

Admission is first come, first served: callers take a turn from a FIFO ``asyncio.Semaphore`` of
the pool's size, so whoever holds a turn finds a free connection and turns are handed out in
arrival order (asyncpg's pool queue let a newcomer take a connection just released to a waiter:
the spend's p99). Since a turn already guarantees a free connection, the connections are kept
here in a plain list (ADR 0067) rather than in asyncpg's pool, whose acquire/release wraps each
statement in a proxy, a future, a reset, a timeout scope and an idle timer (≈ 5 % of a spend's
CPU, issue 13). What asyncpg's pool did for us is done here:

- a connection found closed (the server restarted, a socket died) is dropped and a new one is
  opened, on the turn that finds it;
- a statement that fails with the connection's own trouble (anything but an error the server
  answered with, e.g. a unique violation) or is cancelled mid-flight (the request's deadline)
  terminates its connection instead of returning it: an interrupted protocol state is never
  reused;
- ``close()`` closes the idle connections and any connection handed back afterwards.

Idle connections stay open until ``close()`` (the pool is small: at most ``size``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

_CONNECTION_TROUBLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
)


class Connection(Protocol):
    """What this pool uses of an asyncpg connection."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...

    def is_closed(self) -> bool: ...

    def terminate(self) -> None: ...

    async def close(self) -> None: ...


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
        connect: Callable[[], Awaitable[Connection]] | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("a statement pool needs at least one connection")
        self._dsn = dsn
        self.size = size
        self._server_settings = {"application_name": application_name}
        if statement_timeout_ms:
            self._server_settings["statement_timeout"] = str(statement_timeout_ms)
        self._connect_timeout = connect_timeout_seconds
        self._connect = connect or self._open
        self._idle: list[Connection] = []  # last in, first out: the warmest connection
        self._closed = False
        self._turns = asyncio.Semaphore(size)

    @classmethod
    def of(cls, engine: AsyncEngine, size: int = 10, **options: Any) -> StatementPool:
        """The pool for the database ``engine`` connects to (same URL and credentials)."""
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(dsn, size, **options)

    async def _open(self) -> Connection:
        conn: Connection = await asyncpg.connect(
            self._dsn, server_settings=self._server_settings, timeout=self._connect_timeout
        )
        return conn

    async def _checkout(self) -> Connection:
        """A live connection; the caller holds a turn, so at most ``size`` are out at once."""
        if self._closed:
            raise asyncpg.InterfaceError("the statement pool is closed")
        idle = self._idle
        while idle:
            conn = idle.pop()
            if not conn.is_closed():
                return conn
        return await self._connect()

    def _checkin(self, conn: Connection, failure: BaseException | None) -> None:
        # An error the server answered with leaves the protocol idle (a unique violation, a
        # check); anything else — the socket, a cancellation mid-statement, the server going
        # away (class 08, 57) — and the connection is not trusted again.
        reusable = failure is None or (
            isinstance(failure, asyncpg.PostgresError)
            and not isinstance(failure, _CONNECTION_TROUBLE)
        )
        if self._closed or not reusable or conn.is_closed():
            conn.terminate()
        else:
            self._idle.append(conn)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self._turns:
            conn = await self._checkout()
            try:
                rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            except BaseException as exc:
                self._checkin(conn, exc)
                raise
            self._checkin(conn, None)
            return rows

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self._turns:
            conn = await self._checkout()
            try:
                value = await conn.fetchval(sql, *args)
            except BaseException as exc:
                self._checkin(conn, exc)
                raise
            self._checkin(conn, None)
            return value

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            try:
                await asyncio.wait_for(conn.close(), timeout=self._connect_timeout)
            except Exception:  # noqa: BLE001 - closing anyway
                conn.terminate()
