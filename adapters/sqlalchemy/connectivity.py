"""Which database errors mean "the database is not there right now", and their translation.

The storage adapters (the unit of work, the access chain reader, the spend fast path) call
``unavailable_on_outage`` at their boundary, so a lost connection, a refused connect, a server
shutting down or starting up, a full connection table, a pool checkout that timed out or a
statement cancelled by ``statement_timeout`` reaches the application as ``StorageUnavailable``
(503 with ``Retry-After``; a job retries it) — never as a 500, and never decided per route.
Anything else (a constraint, a bug in a statement) passes through unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import structlog
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

from application.transient import StorageUnavailable

log = structlog.get_logger(__name__)

#: asyncpg errors that say the server or the connection is away: connection exceptions (class
#: 08), operator intervention (57: admin shutdown, crash shutdown, cannot connect now, query
#: cancelled by statement_timeout) and insufficient resources (53: too many connections).
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)
#: Errors SQLAlchemy raises itself when it has no connection to give (pool checkout timeout).
POOL_ERRORS: tuple[type[BaseException], ...] = (sa_exc.TimeoutError, sa_exc.DisconnectionError)
_MAX_DEPTH = 6


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < _MAX_DEPTH:
        chain.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy's wrapped DBAPI error
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return chain


def is_outage(exc: BaseException, *, connecting: bool = False) -> bool:
    """True when ``exc`` says the database is unreachable rather than that the request is wrong.

    ``connecting``: ``exc`` came from opening a connection, where a socket error (refused,
    reset, timed out) can only be the database's; elsewhere only a socket error that the
    driver or SQLAlchemy wrapped counts, so an unrelated ``OSError`` stays a 500.
    """
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    from_driver = isinstance(exc, (sa_exc.SQLAlchemyError, asyncpg.PostgresError))
    for cause in _causes(exc):
        if isinstance(cause, OUTAGE_ERRORS + POOL_ERRORS):
            return True
        if isinstance(cause, asyncpg.InterfaceError) and "clos" in str(cause):
            return True  # "connection is closed", "pool is closing"
        if isinstance(cause, OSError) and (connecting or from_driver):
            return True
    return False


def outage_error(exc: BaseException) -> StorageUnavailable:
    cancelled = any(isinstance(c, asyncpg.exceptions.QueryCanceledError) for c in _causes(exc))
    log.warning("storage.unavailable", error=type(exc).__name__, statement_timeout=cancelled)
    if cancelled:
        return StorageUnavailable("The database took too long to answer; retry the request")
    return StorageUnavailable("The database is unavailable; retry the request shortly")


@asynccontextmanager
async def unavailable_on_outage(*, connecting: bool = False) -> AsyncIterator[None]:
    """Re-raise a database outage inside the block as ``StorageUnavailable``."""
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as exc:
        if is_outage(exc, connecting=connecting):
            raise outage_error(exc) from exc
        raise


async def close_quietly(conn: AsyncConnection) -> None:
    """Return ``conn`` to its pool; a connection the outage killed fails to close, harmlessly."""
    try:
        await conn.close()
    except Exception as exc:  # only an outage is swallowed
        if not is_outage(exc, connecting=True):
            raise
