"""Engine construction for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

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


def build_engine(
    url: str,
    *,
    pool_size: int = 20,
    max_overflow: int = 10,
    echo: bool = False,
    pre_ping: bool = True,
    pool_timeout_seconds: float = POOL_TIMEOUT_SECONDS,
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
) -> AsyncEngine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo)
    server_settings = {"application_name": "fairarena"}
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    return sa_asyncio.create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # A connection the server dropped (restart, fail-over) is found at checkout and replaced,
        # so the pool recovers by itself after an outage (ADR 0091); one round trip per checkout.
        pool_pre_ping=pre_ping,
        pool_timeout=pool_timeout_seconds,
        pool_recycle=1800,
        echo=echo,
        hide_parameters=HIDE_PARAMETERS,
        # Statement cache per connection; asyncpg prepares each distinct statement once.
        connect_args={"server_settings": server_settings, "timeout": connect_timeout_seconds},
    )


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
