"""The SQLAlchemy unit of work: one connection, one transaction, the shape's repositories on it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.shaped import ShapedFactory, ShapedUnitOfWork
from adapters.sqlalchemy.connectivity import (
    close_quietly,
    is_outage,
    outage_error,
    unavailable_on_outage,
)
from adapters.sqlalchemy.repositories import REPOSITORIES
from application.ports.clock import Clock
from application.ports.outbox import AfterCommit


class SqlAlchemyUnitOfWork(ShapedUnitOfWork[AsyncConnection]):
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        names: Collection[str] | None = None,
        after_commit: AfterCommit | None = None,
    ):
        super().__init__(REPOSITORIES, clock, names, after_commit)
        self._engine = engine
        self._conn: AsyncConnection | None = None

    def _handle(self) -> AsyncConnection:
        return self.connection

    async def __aenter__(self) -> Self:
        async with unavailable_on_outage(connecting=True):
            conn = await self._engine.connect()
        self._conn = conn
        try:
            if self.read_only:
                # BEGIN READ ONLY on PostgreSQL (the pool resets it when the connection returns);
                # SQLite has no such transaction and ignores the option.
                await conn.execution_options(postgresql_readonly=True)
            async with unavailable_on_outage(connecting=True):
                await conn.begin()
        except BaseException:
            self._conn = None
            await close_quietly(conn)
            raise
        return self

    async def _end(self, exc: BaseException | None) -> None:
        """Rolls back what was not committed. A database outage met in the block leaves as
        ``StorageUnavailable`` (nothing of the block was committed, unless the outage cut the
        COMMIT itself: an idempotency key makes the retry safe either way)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            try:
                if conn.in_transaction():
                    await conn.rollback()
            finally:
                await conn.close()
        except Exception as cleanup:
            if not is_outage(cleanup):
                raise
            # The block's own outcome stands: it committed, or it only read (and what it read
            # is right). The connection is invalidated and replaced by the pool.
        if exc is not None and isinstance(exc, Exception) and is_outage(exc):
            raise outage_error(exc) from exc

    @property
    def connection(self) -> AsyncConnection:
        """For adapters that need raw SQL inside this transaction (e.g. ledger fast paths)."""
        if self._conn is None:
            raise RuntimeError("unit of work is not active")
        return self._conn

    async def _commit(self) -> None:
        await self.connection.commit()

    async def _rollback(self) -> None:
        await self.connection.rollback()


class SqlAlchemyUnitOfWorkFactory(ShapedFactory[SqlAlchemyUnitOfWork]):
    def __init__(self, engine: AsyncEngine, clock: Clock, after_commit: AfterCommit | None = None):
        super().__init__(after_commit)
        self._engine = engine
        self._clock = clock

    def _unit(self, names: frozenset[str] | None) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self._engine, self._clock, names, self.after_commit)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine
