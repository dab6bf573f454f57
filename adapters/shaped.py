"""What the SQL and memory units of work share: repositories by name, built on first use and
limited to the names the unit of work's shape declares (``application.ports.unit_of_work``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from functools import partial
from typing import TypeVar, cast

from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory, repository_names

U = TypeVar("U", bound=UnitOfWork)


class ShapedUnitOfWork(ABC):
    """Repositories as attributes, built on first use; ``names`` is what the shape allows (None:
    every registered repository). Subclasses say how a repository is built on their transaction."""

    def __init__(self, names: Collection[str] | None) -> None:
        self._names = names
        self._built: dict[str, object] = {}

    @abstractmethod
    def _build(self, name: str) -> object | None:
        """The repository registered under ``name`` on this transaction, or None if none is."""

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
        repository = self._build(name)
        if repository is None:
            raise AttributeError(name)
        self._built[name] = repository
        return repository

    def _forget_repositories(self) -> None:
        self._built.clear()


class ShapedFactory(ABC):
    """``of(Shape)``: the factory of one unit-of-work protocol (what the containers wire);
    calling the factory itself gives a unit of work with every repository (tests, the CLI)."""

    def __init__(self) -> None:
        self._factories: dict[type[UnitOfWork], Callable[[], UnitOfWork]] = {}

    @abstractmethod
    def _unit(self, names: frozenset[str] | None) -> UnitOfWork: ...

    def of(self, shape: type[U]) -> UnitOfWorkFactory[U]:
        factory = self._factories.get(shape)
        if factory is None:
            factory = self._factories[shape] = partial(self._unit, repository_names(shape))
        return cast(UnitOfWorkFactory[U], factory)
