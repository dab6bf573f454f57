"""In-memory Unit of Work with real transaction semantics (serialised, rollback restores)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Self

from adapters.memory.repositories import REPOSITORIES
from adapters.memory.store import MemoryState, MemoryStore
from adapters.shaped import ShapedFactory, ShapedUnitOfWork
from application.ports.clock import Clock
from application.ports.outbox import AfterCommit


class InMemoryUnitOfWork(ShapedUnitOfWork[MemoryState]):
    def __init__(
        self,
        store: MemoryStore,
        clock: Clock,
        names: Collection[str] | None = None,
        after_commit: AfterCommit | None = None,
    ):
        super().__init__(REPOSITORIES, clock, names, after_commit)
        self._store = store
        self._snapshot: MemoryState | None = None
        self.committed = False

    def _handle(self) -> MemoryState:
        return self._store.state

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._snapshot = self._store.snapshot()
        return self

    async def _end(self, exc: BaseException | None) -> None:
        try:
            if self._snapshot is not None:
                await self.rollback()
        finally:
            self._store.lock.release()

    async def _commit(self) -> None:
        self._snapshot = self._store.snapshot()
        self._store.commits += 1
        self.committed = True

    async def _rollback(self) -> None:
        if self._snapshot is not None:
            self._store.state.__dict__.update(self._snapshot.__dict__)
            self._snapshot = None


class InMemoryUnitOfWorkFactory(ShapedFactory[InMemoryUnitOfWork]):
    def __init__(self, store: MemoryStore, clock: Clock, after_commit: AfterCommit | None = None):
        super().__init__(after_commit)
        self.store = store
        self._clock = clock

    def _unit(self, names: frozenset[str] | None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, self._clock, names, self.after_commit)
