"""What the SQL and memory units of work share: repositories by name, built on first use and
limited to the names the unit of work's shape declares (``application.ports.unit_of_work``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar, cast

from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory, repository_names

U = TypeVar("U", bound=UnitOfWork)


class Repositories:
    """The repositories of one transaction. ``names`` is what the shape allows (None: all)."""

    def __init__(self, names: Collection[str] | None) -> None:
        self._names = names
        self._built: dict[str, object] = {}

    def get(self, name: str, build: Callable[[], object]) -> object:
        repository = self._built.get(name)
        if repository is None:
            if self._names is not None and name not in self._names:
                raise AttributeError(
                    f"this unit of work has no {name!r} repository: declare it on the "
                    "unit-of-work protocol the use case receives"
                )
            repository = self._built[name] = build()
        return repository

    def clear(self) -> None:
        self._built.clear()


class ShapedFactories:
    """``of(Shape)``: one factory per unit-of-work protocol, made by ``make(names)``."""

    def __init__(self, make: Callable[[frozenset[str]], Callable[[], UnitOfWork]]) -> None:
        self._make = make
        self._factories: dict[type[UnitOfWork], Callable[[], UnitOfWork]] = {}

    def of(self, shape: type[U]) -> UnitOfWorkFactory[U]:
        factory = self._factories.get(shape)
        if factory is None:
            factory = self._factories[shape] = self._make(repository_names(shape))
        return cast(UnitOfWorkFactory[U], factory)
