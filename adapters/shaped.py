"""What the SQL and memory units of work share: repositories by name (a ``Registry`` each adapter
fills), built on first use and limited to the names the unit of work's shape declares
(``application.ports.unit_of_work``)."""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from functools import partial
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from application.ports.clock import Clock
from application.ports.outbox import AfterCommit, CommittedMessage, Outbox
from application.ports.outbox_commands import OutboxCommand
from application.ports.unit_of_work import (
    ReadOnlyCommit,
    UnitOfWork,
    UnitOfWorkFactory,
    repository_names,
)

U = TypeVar("U", bound=UnitOfWork)
H = TypeVar("H")  # what an adapter's repositories are built on: a connection, the memory state
C = TypeVar("C", bound=Callable[..., object])


class Registry(Generic[H]):
    """One adapter's repositories by the name units of work give them. Each repository registers
    itself where it is written (``@REPOSITORIES.register("users")``); it is built on the handle of
    the transaction, and on the clock's ``now`` too when ``clocked``."""

    def __init__(self) -> None:
        self._builds: dict[str, tuple[Callable[..., object], bool]] = {}

    def register(self, name: str, *, clocked: bool = False) -> Callable[[C], C]:
        def add(build: C) -> C:
            if name in self._builds:
                raise ValueError(f"two repositories registered as {name!r}")
            self._builds[name] = (build, clocked)
            return build

        return add

    def build(self, name: str, handle: H, clock: Clock) -> object | None:
        """The repository registered under ``name`` on ``handle``, or None if none is."""
        entry = self._builds.get(name)
        if entry is None:
            return None
        build, clocked = entry
        return build(handle, clock.now) if clocked else build(handle)

    def names(self) -> frozenset[str]:
        return frozenset(self._builds)


class ShapedUnitOfWork(ABC, Generic[H]):
    """Repositories as attributes, built on first use from ``registry`` on this transaction's
    ``_handle()``; ``names`` is what the shape allows (None: every registered repository).
    Leaving, committing and rolling back are written here once (what becomes of the outbox
    messages and the built repositories); an adapter supplies ``__aenter__`` and the
    transaction's own ``_end``, ``_commit`` and ``_rollback``. A ``read_only`` one (what
    ``ShapedFactory.reading()`` makes) refuses to commit."""

    read_only = False

    def __init__(
        self,
        registry: Registry[H],
        clock: Clock,
        names: Collection[str] | None,
        after_commit: AfterCommit | None = None,
    ) -> None:
        self._registry = registry
        self._clock = clock
        self._names = names
        self._built: dict[str, object] = {}
        self._after_commit = after_commit
        self._added: list[CommittedMessage] = []

    @abstractmethod
    def _handle(self) -> H:
        """What this transaction's repositories are built on."""

    @abstractmethod
    async def _end(self, exc: BaseException | None) -> None:
        """Leave the transaction: roll back what was not committed, release what it held.
        ``exc`` is what the block raised, if anything."""

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._forget_repositories()
        await self._end(exc)

    async def commit(self) -> None:
        """The outbox messages this transaction stored go to ``after_commit`` once it commits."""
        if self.read_only:
            raise ReadOnlyCommit(type(self).__name__, self._names)
        await self._commit()
        added, self._added[:] = list(self._added), []
        if added and self._after_commit is not None:
            self._after_commit(added)

    async def rollback(self) -> None:
        """A rollback forgets the outbox messages this transaction stored."""
        self._added.clear()
        await self._rollback()

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        repository = self._built.get(name)
        if repository is not None:
            return repository
        if self._names is not None and name not in self._names:
            raise AttributeError(
                f"this unit of work has no {name!r} repository: declare it on the "
                "unit-of-work protocol the use case receives"
            )
        repository = self._registry.build(name, self._handle(), self._clock)
        if repository is None:
            raise AttributeError(name)
        if name == "outbox" and self._after_commit is not None:
            repository = _RecordingOutbox(cast(Outbox, repository), self._added)
        self._built[name] = repository
        return repository

    def _forget_repositories(self) -> None:
        self._built.clear()
        self._added.clear()


class _RecordingOutbox:
    """The outbox of a unit of work with an ``after_commit``: remembers what this transaction
    added (by message id) until it commits or rolls back."""

    def __init__(self, inner: Outbox, added: list[CommittedMessage]) -> None:
        self._inner = inner
        self._added = added

    async def add(self, command: OutboxCommand) -> str | None:
        message_id = await self._inner.add(command)
        if message_id is not None:
            self._added.append(CommittedMessage(message_id, command))
        return message_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


W = TypeVar("W", bound=ShapedUnitOfWork[Any])


class ShapedFactory(ABC, Generic[W]):
    """``of(Shape)``: the factory of one unit-of-work protocol (what the containers wire);
    calling the factory itself gives a unit of work with every repository (tests, the CLI).
    ``reading()``: the same storage for read-only use cases (``infrastructure.read_uow``)."""

    read_only = False

    def __init__(self, after_commit: AfterCommit | None = None) -> None:
        self._factories: dict[type[UnitOfWork], Callable[[], W]] = {}
        self.after_commit = after_commit

    @abstractmethod
    def _unit(self, names: frozenset[str] | None) -> W: ...

    def _made(self, names: frozenset[str] | None) -> W:
        unit = self._unit(names)
        unit.read_only = self.read_only
        return unit

    def __call__(self) -> W:
        return self._made(None)

    def of(self, shape: type[U]) -> UnitOfWorkFactory[U]:
        factory = self._factories.get(shape)
        if factory is None:
            factory = self._factories[shape] = partial(self._made, repository_names(shape))
        return cast(UnitOfWorkFactory[U], factory)

    def reading(self) -> Self:
        """This factory's units of work, read-only (ADR 0127): ``commit()`` raises
        ``ReadOnlyCommit``, and on PostgreSQL the transaction itself is ``READ ONLY``, so a
        write fails on the primary as it would on a replica."""
        reader = copy.copy(self)
        reader._factories = {}
        reader.read_only = True
        return reader
