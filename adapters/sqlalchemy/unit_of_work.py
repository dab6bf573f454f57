"""The SQLAlchemy unit of work: one connection, one transaction, the shape's repositories on it."""

from __future__ import annotations

from collections.abc import Collection
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.shaped import ShapedFactory, ShapedUnitOfWork
from adapters.sqlalchemy.repositories import REPOSITORIES
from application.ports.clock import Clock


class SqlAlchemyUnitOfWork(ShapedUnitOfWork):
    def __init__(self, engine: AsyncEngine, clock: Clock, names: Collection[str] | None = None):
        super().__init__(names)
        self._engine = engine
        self._clock = clock
        self._conn: AsyncConnection | None = None

    def _build(self, name: str) -> object | None:
        build = REPOSITORIES.get(name)
        return build(self.connection, self._clock) if build else None

    async def __aenter__(self) -> Self:
        conn = self._conn = await self._engine.connect()
        await conn.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        self._forget_repositories()
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()

    @property
    def connection(self) -> AsyncConnection:
        """For adapters that need raw SQL inside this transaction (e.g. ledger fast paths)."""
        if self._conn is None:
            raise RuntimeError("unit of work is not active")
        return self._conn

    async def commit(self) -> None:
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()


class SqlAlchemyUnitOfWorkFactory(ShapedFactory):
    def __init__(self, engine: AsyncEngine, clock: Clock):
        super().__init__()
        self._engine = engine
        self._clock = clock

    def _unit(self, names: frozenset[str] | None) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self._engine, self._clock, names)

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return self._unit(None)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine
