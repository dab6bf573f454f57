"""Engine construction for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.pipelined_begin import pipelined_begin_module

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Parameters are user data (e-mails, IPs, phone numbers, names): an error or echo line names the
# statement, never the values bound to it, so a failing query cannot copy PII into the logs.
HIDE_PARAMETERS = True


#: Defaults of the outage settings (DB_* in docs/operations.md): a connect that has not
#: succeeded in this long fails (503) instead of holding the request; a request waits this long
#: for a pooled connection; no statement runs longer than this (0 = no limit).
CONNECT_TIMEOUT_SECONDS = 5.0
POOL_TIMEOUT_SECONDS = 10.0
STATEMENT_TIMEOUT_MS = 30_000
#: A pooled connection idle at least this long is pinged at checkout (ADR 0091, issue 13).
PING_AFTER_IDLE_SECONDS = 5.0


def build_engine(
    url: str,
    *,
    pool_size: int = 20,
    max_overflow: int = 10,
    echo: bool = False,
    pre_ping: bool = True,
    ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS,
    pool_timeout_seconds: float = POOL_TIMEOUT_SECONDS,
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
    pipelined_begin: bool = True,
) -> AsyncEngine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo)
    server_settings = {"application_name": "fairarena"}
    options: dict[str, Any] = {}
    if pipelined_begin and url.startswith("postgresql+asyncpg"):
        module = pipelined_begin_module()  # BEGIN sent with the first statement (ADR 0079)
        if module is not None:
            options["module"] = module
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    engine = sa_asyncio.create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # A connection the server dropped (restart, fail-over) is found at checkout and replaced,
        # so the pool recovers by itself after an outage (ADR 0091): SQLAlchemy's pre-ping
        # (ping_after_idle_seconds = 0) or, cheaper, a ping of idle connections only (below).
        pool_pre_ping=pre_ping and ping_after_idle_seconds <= 0,
        pool_timeout=pool_timeout_seconds,
        pool_recycle=1800,
        # The most recently returned connection first (ADR 0079): below the pool's full use a
        # first-in-first-out pool hands out the connection idle the longest, so at a few
        # requests a second every checkout found one idle past PING_AFTER_IDLE_SECONDS and paid
        # the ping's four round trips, and every connection's statement cache stayed cold. Last
        # in, first out keeps the few connections in use warm; the idle rest are pinged (or
        # recycled) when a burst needs them.
        pool_use_lifo=True,
        echo=echo,
        hide_parameters=HIDE_PARAMETERS,
        # Statement cache per connection; asyncpg prepares each distinct statement once.
        connect_args={"server_settings": server_settings, "timeout": connect_timeout_seconds},
        **options,
    )
    if pre_ping and ping_after_idle_seconds > 0:
        ping_idle_connections(engine, ping_after_idle_seconds)
    return engine


_IDLE_SINCE = "fairarena_idle_since"


def ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection at checkout only if it sat idle ``idle_seconds`` or more.

    SQLAlchemy's pre-ping costs two round trips on asyncpg (``BEGIN``; ``ROLLBACK``) at every
    checkout — on ``GET /team/{id}`` more than its one statement (issue 13). A connection used
    moments ago is alive unless the server went away in between; then the statement fails,
    answers 503 (ADR 0091) and the connection is invalidated. A connection that waited longer
    (where a restart or an idle timeout is likely to have hit) is pinged, and replaced by a new
    one if the ping fails (``DisconnectionError`` makes the pool reconnect and retry)."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # just connected, or used moments ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc
        if not alive:
            raise DisconnectionError("idle connection failed its ping")


def _sqlite_engine(url: str, echo: bool) -> AsyncEngine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa_asyncio.create_async_engine(
        url, echo=echo, hide_parameters=HIDE_PARAMETERS, connect_args={"timeout": 30}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take control of BEGIN so every transaction is BEGIN IMMEDIATE: SQLite then
        # serialises writers up front instead of failing a read→write upgrade with SQLITE_BUSY.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
