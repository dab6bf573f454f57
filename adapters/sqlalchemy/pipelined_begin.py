"""PostgreSQL transactions whose ``BEGIN`` travels with their first statement (ADR 0079).

SQLAlchemy's asyncpg dialect begins a transaction lazily, right before the first statement,
with asyncpg's ``Transaction.start()``: a ``BEGIN`` sent as a simple query and waited for — one
round trip of its own in every transaction of every context (on a busy event loop, a wait behind
every other request's work). Here the ``BEGIN`` is written as extended-protocol messages
(Parse/Bind/Execute of ``BEGIN``, no Sync) immediately before the first statement's own messages,
so the server receives both in one write and answers both before that statement's
ReadyForQuery: one round trip for both.

Why this is the same transaction as before: PostgreSQL runs a ``BEGIN`` sent before a Sync as
the start of a regular transaction block (the Sync no longer ends it); the first statement runs
inside it, after it, as with the separate round trip. If the first statement fails the block is
in the failed state and is rolled back, as before. asyncpg reads the ``BEGIN``'s replies
(ParseComplete, BindComplete, CommandComplete) as part of the next operation's and ignores them
in every state an operation can be in (``asyncpg/protocol/coreproto.pyx``: bind/execute, execute
many, prepare, bind, simple query), keeping the statement's own status and rows. The server
sends nothing before the next Sync or Flush, which is always the next operation's.

Isolation level, read-only and deferrable are spelt as asyncpg spells them; ``AUTOCOMMIT``
connections begin nothing, as before. Server-side cursors (``yield_per``) still begin with a
round trip: asyncpg refuses to open a cursor before it has seen the transaction begin. The
``COMMIT``/``ROLLBACK`` are asyncpg's own statements. An asyncpg outside the checked versions
gets the dialect's ordinary ``BEGIN``.
"""

from __future__ import annotations

import struct
from typing import Any, cast

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_dbapi,
    AsyncAdapt_asyncpg_ss_cursor,
)
from sqlalchemy.util.concurrency import await_

#: asyncpg versions whose protocol was checked to read a pipelined BEGIN's replies as above.
CHECKED_ASYNCPG = ((0, 29), (0, 33))

_ISOLATION = {
    "read_committed": " ISOLATION LEVEL READ COMMITTED",
    "read_uncommitted": " ISOLATION LEVEL READ UNCOMMITTED",
    "repeatable_read": " ISOLATION LEVEL REPEATABLE READ",
    "serializable": " ISOLATION LEVEL SERIALIZABLE",
}


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def begin_messages(query: str) -> bytes:
    """Parse (unnamed statement), Bind (unnamed portal, no parameters), Execute — no Sync."""
    parse = _message(b"P", b"\x00" + query.encode() + b"\x00" + struct.pack("!h", 0))
    bind = _message(b"B", b"\x00\x00" + struct.pack("!hhh", 0, 0, 0))
    execute = _message(b"E", b"\x00" + struct.pack("!i", 0))
    return parse + bind + execute


_MESSAGES: dict[str, bytes] = {}
# The dialect's own methods, called untyped (SQLAlchemy's asyncpg adapter is not annotated).
_DIALECT_CONNECTION: Any = AsyncAdapt_asyncpg_connection
_DIALECT_SS_CURSOR: Any = AsyncAdapt_asyncpg_ss_cursor


def asyncpg_checked(version: str = asyncpg.__version__) -> bool:
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    low, high = CHECKED_ASYNCPG
    return low <= (major, minor) < high


class _Transaction:
    """What the dialect calls on a begun transaction: asyncpg's own COMMIT and ROLLBACK."""

    __slots__ = ("_connection",)

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def commit(self) -> None:
        await self._connection.execute("COMMIT;")

    async def rollback(self) -> None:
        await self._connection.execute("ROLLBACK;")


class _CursorBeginsFirst(AsyncAdapt_asyncpg_ss_cursor):
    """Server-side cursors: asyncpg opens one only in a transaction it has seen begin."""

    __slots__ = ()

    async def _prepare_and_execute(self, operation: Any, parameters: Any) -> None:
        connection = self._adapt_connection
        if connection._transaction is None:
            async with connection._execute_mutex:
                if connection._transaction is None:
                    await _DIALECT_CONNECTION._start_transaction(connection)
        await _DIALECT_SS_CURSOR._prepare_and_execute(self, operation, parameters)


class PipelinedBeginConnection(AsyncAdapt_asyncpg_connection):
    _ss_cursor_cls = _CursorBeginsFirst
    __slots__ = ()

    async def _start_transaction(self) -> None:
        """Called by the dialect right before the transaction's first statement is sent."""
        if self.isolation_level == "autocommit":
            return
        connection: Any = self._connection
        if connection.is_closed() or connection.is_in_transaction():
            await _DIALECT_CONNECTION._start_transaction(self)  # asyncpg raises what it raises
            return
        query = "BEGIN" + _ISOLATION.get(self.isolation_level or "", "")
        if self.readonly:
            query += " READ ONLY"
        if self.deferrable:
            query += " DEFERRABLE"
        messages = _MESSAGES.get(query)
        if messages is None:
            messages = _MESSAGES.setdefault(query, begin_messages(query))
        # Written now, sent with the statement the caller writes next (no await in between).
        connection._transport.write(messages)
        self._transaction = cast(Any, _Transaction(connection))


class PipelinedBeginDbapi(AsyncAdapt_asyncpg_dbapi):
    """The dialect's DBAPI adapter, connecting ``PipelinedBeginConnection``s
    (``create_async_engine(url, module=PipelinedBeginDbapi(asyncpg))``)."""

    def connect(self, *arg: Any, **kw: Any) -> Any:
        creator_fn = kw.pop("async_creator_fn", self.asyncpg.connect)
        prepared_statement_cache_size = kw.pop("prepared_statement_cache_size", 100)
        prepared_statement_name_func = kw.pop("prepared_statement_name_func", None)
        return await_(
            PipelinedBeginConnection.create(
                self,
                creator_fn(*arg, **kw),
                prepared_statement_cache_size=prepared_statement_cache_size,
                prepared_statement_name_func=prepared_statement_name_func,
            )
        )


def pipelined_begin_module() -> PipelinedBeginDbapi | None:
    """The DBAPI module to give the engine, or None where asyncpg is not a checked version."""
    dbapi: Any = PipelinedBeginDbapi
    return cast(PipelinedBeginDbapi, dbapi(asyncpg)) if asyncpg_checked() else None
