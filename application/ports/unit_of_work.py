"""The transaction mechanics every unit of work shares; contexts declare their repositories.

A context (or a use case that spans contexts) declares the repositories it needs as a protocol
extending ``UnitOfWork``, and receives a ``UnitOfWorkFactory`` of exactly that shape::

    class CreditsUnitOfWork(UnitOfWork, Protocol):
        ledger: LedgerRepository

    class GetBalance:
        def __init__(self, uow: UnitOfWorkFactory[CreditsUnitOfWork]) -> None: ...

        async def __call__(self, user_id: str) -> Balance:
            async with self.uow() as uow:
                ...
                await uow.commit()

Leaving the block without ``commit()`` rolls back. Repositories never commit. The adapters build
units of work of a given shape (``repository_names``): a repository the shape does not name is
not there.
"""

from __future__ import annotations

from collections.abc import Collection
from types import TracebackType
from typing import Protocol, Self, TypeVar


class UnitOfWork(Protocol):
    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class ReadOnlyCommit(RuntimeError):
    """A use case wired to the read unit of work (``infrastructure.read_uow``: a replica when
    one is fresh) tried to commit: wire it to ``uow`` (ADR 0127). A programming error, never a
    client's."""

    def __init__(self, unit: str, names: Collection[str] | None) -> None:
        shape = ", ".join(sorted(names)) if names is not None else "every repository"
        super().__init__(f"a read-only {unit} ({shape}) cannot commit: wire the use case to uow")


U_co = TypeVar("U_co", bound=UnitOfWork, covariant=True)


class UnitOfWorkFactory(Protocol[U_co]):
    def __call__(self) -> U_co: ...


def repository_names(shape: type[UnitOfWork]) -> frozenset[str]:
    """The repositories a unit-of-work protocol declares (its annotations, bases included)."""
    names: set[str] = set()
    for klass in shape.__mro__:
        if klass in (UnitOfWork, Protocol, object) or klass.__name__ == "Generic":
            continue
        names.update(getattr(klass, "__annotations__", {}))
    return frozenset(names)
