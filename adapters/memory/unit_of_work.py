"""In-memory Unit of Work with real transaction semantics (serialised, rollback restores)."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from types import TracebackType
from typing import Self, TypeVar

from adapters.memory.repositories import REPOSITORIES
from adapters.memory.store import MemoryState, MemoryStore
from adapters.shaped import Repositories, ShapedFactories
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

U = TypeVar("U", bound=UnitOfWork)


class InMemoryUnitOfWork:
    def __init__(self, store: MemoryStore, clock: Clock, names: Collection[str] | None = None):
        self._store = store
        self._clock = clock
        self._snapshot: MemoryState | None = None
        self._repositories = Repositories(names)
        self.committed = False

    def __getattr__(self, name: str) -> object:
        build = REPOSITORIES.get(name)
        if build is None or name.startswith("_"):
            raise AttributeError(name)
        return self._repositories.get(name, lambda: build(self._store.state, self._clock))

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._snapshot = self._store.snapshot()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._repositories.clear()
        try:
            if self._snapshot is not None:
                await self.rollback()
        finally:
            self._store.lock.release()

    async def commit(self) -> None:
        self._snapshot = self._store.snapshot()
        self._store.commits += 1
        self.committed = True

    async def rollback(self) -> None:
        if self._snapshot is not None:
            self._store.state.__dict__.update(self._snapshot.__dict__)
            self._snapshot = None


class InMemoryUnitOfWorkFactory:
    """Calling it gives a unit of work with every repository (tests); ``of(Shape)`` gives the
    factory of one use case's shape, which is what the containers wire."""

    def __init__(self, store: MemoryStore, clock: Clock):
        self.store = store
        self._clock = clock
        self._shapes = ShapedFactories(
            lambda names: partial(InMemoryUnitOfWork, store, clock, names)
        )

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, self._clock)

    def of(self, shape: type[U]) -> UnitOfWorkFactory[U]:
        return self._shapes.of(shape)
