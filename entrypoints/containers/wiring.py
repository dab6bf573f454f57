"""What composes a context's route modules with its container: the routes it serves and the
providers their handlers' parameters resolve to, by type (ADR 0011)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, get_type_hints

from dependency_injector import providers

from entrypoints.http.routing import ApiRoutes, RouteSpec


def serves(*routes: ApiRoutes) -> providers.Object[tuple[ApiRoutes, ...]]:
    """The ``http`` of a context container: the route modules its providers serve."""
    return providers.Object(routes)


#: Too plain to name what a handler runs: a setting of this shape is read from ``Settings``.
PLAIN = frozenset({bool, int, float, str, bytes})


def provided_type(provider: object) -> Any:
    """The type a provider gives, as a handler annotates it; ``None`` when it names none.

    A ``Factory``/``Singleton`` of a class gives the class; one of a function, or a
    ``Callable``, what the function's return annotation says (``X | None`` included); a
    ``Dependency`` its ``instance_of``. Plain values (``bool``, ``str``…) name nothing.
    """
    given = _given(provider)
    return None if given in PLAIN else given


def _given(provider: object) -> Any:
    if isinstance(provider, providers.Dependency):
        wanted = provider.instance_of
        return None if wanted is object else wanted
    if isinstance(provider, providers.Factory | providers.BaseSingleton | providers.Callable):
        made = provider.provides
        if inspect.isclass(made):
            return made
        if callable(made):
            return get_type_hints(made).get("return")
    return None


class ProvidedTypes:
    """The providers of the composed containers, by the type they give; each scope a name."""

    def __init__(self, scopes: Iterable[tuple[str, Iterable[object]]]):
        self._by_scope: dict[str, dict[Any, list[Callable[[], object]]]] = {}
        for scope, members in scopes:
            by_type = self._by_scope.setdefault(scope, {})
            for provider in members:
                given = provided_type(provider)
                if given is not None and callable(provider):
                    by_type.setdefault(given, []).append(provider)

    def resolve(self, scope: str, spec: RouteSpec) -> list[Callable[[], object]]:
        """The providers of ``spec``'s handler parameters: its own scope's first, else the one
        provider of that type anywhere; none or several is an error, raised at start-up."""
        found = []
        for name, wanted in spec.dependencies():
            own = self._by_scope.get(scope, {}).get(wanted, [])
            anywhere = [p for by_type in self._by_scope.values() for p in by_type.get(wanted, [])]
            candidates = own or anywhere
            if len(candidates) != 1:
                what = "no provider" if not candidates else f"{len(candidates)} providers"
                raise TypeError(
                    f"{spec.method} {spec.path}: {name}: {wanted!r} has {what} (ADR 0011)"
                )
            found.append(candidates[0])
        return found


def members_of(container: object) -> Iterator[object]:
    """A container's own providers (a composed container's, or its class's)."""
    yield from getattr(container, "providers", {}).values()
