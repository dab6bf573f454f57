"""Handlers name what they run by type; their context's container provides it (ADR 0011)."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dependency_injector import providers

from entrypoints import runtime
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.containers.root import provided_types, route_modules
from entrypoints.containers.wiring import ProvidedTypes, provided_type, serves
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery, RouteSpec

T = TypeVar("T")

ROUTES = Path(__file__).parents[3] / "entrypoints" / "http" / "routes"


def test_every_route_module_is_served_by_one_context() -> None:
    served = [id(routes) for _context, routes in route_modules()]
    declared = {
        id(module.routes)
        for path in ROUTES.rglob("*.py")
        if isinstance(getattr(module := _module_of(path), "routes", None), ApiRoutes)
    }
    assert len(served) == len(set(served)), "a route module is served twice"
    assert declared <= set(served), "a route module is served by no context"


def _module_of(path: Path) -> Any:
    relative = path.relative_to(ROUTES.parents[2]).with_suffix("")
    return importlib.import_module(".".join(relative.parts).removesuffix(".__init__"))


def test_every_handler_parameter_resolves_to_one_provider(memory_container: Container) -> None:
    provided = provided_types(memory_container)
    for context, routes in route_modules():
        for spec in routes.specs:
            runs = provided.resolve(context, spec)
            assert len(runs) == len(spec.dependencies())
            assert all(callable(run) for run in runs)


class _Greeter:
    async def __call__(self) -> str:
        return "hello"


def _greeting_route() -> RouteSpec:
    routes = ApiRoutes(tag="test")

    @routes.get("/greet")
    async def greet(call: Call[NoBody, NoQuery], greeter: _Greeter) -> str:
        return await greeter()

    return routes.specs[0]


def test_a_type_nobody_provides_stops_the_start() -> None:
    with pytest.raises(TypeError, match="no provider"):
        ProvidedTypes([("test", [])]).resolve("test", _greeting_route())


def test_two_providers_of_one_type_are_ambiguous_unless_one_is_the_handlers_own() -> None:
    mine, theirs = providers.Factory(_Greeter), providers.Factory(_Greeter)
    spec = _greeting_route()
    with pytest.raises(TypeError, match="2 providers"):
        ProvidedTypes([("a", [mine]), ("b", [theirs])]).resolve("c", spec)
    assert ProvidedTypes([("a", [mine]), ("b", [theirs])]).resolve("a", spec) == [mine]


def test_a_type_variable_parameter_needs_runs() -> None:
    routes = ApiRoutes(tag="test")

    @routes.get("/generic")
    async def generic(call: Call[NoBody, NoQuery], thing: T) -> T:
        return thing

    with pytest.raises(TypeError, match="runs="):
        routes.specs[0].dependencies()
    routes.get("/typed", runs={"thing": _Greeter})(generic)
    assert routes.specs[1].dependencies() == [("thing", _Greeter)]


def test_a_context_serves_its_modules_through_http() -> None:
    routes = ApiRoutes(tag="test")
    assert serves(routes)() == (routes,)


def test_no_route_module_reaches_into_the_container_or_uses_any() -> None:
    for path in ROUTES.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert "container" not in names, path
        assert "Any" not in names, path


async def test_start_opens_and_the_stop_closes_the_infrastructure_resources(
    test_settings: Callable[..., Settings],
) -> None:
    container = Container(config=test_settings())
    resources = [
        container.infrastructure.engine_pool,
        container.infrastructure.statement_pool_connections,
        container.infrastructure.email_session,
        container.infrastructure.payment_gateway_session,
    ]
    stop = await runtime.start(container)
    assert all(r.initialized for r in resources)
    await stop()
    assert not any(r.initialized for r in resources)


async def test_the_memory_container_starts_and_stops_too(memory_container: Container) -> None:
    """Every resource of the production container is either overridden by the memory one or
    builds from what the memory one provides (no engine: no statement pool)."""
    stop = await runtime.start(memory_container)
    assert memory_container.infrastructure.statement_pool() is None
    await stop()


def _is_production() -> bool:
    return False


def _greeter_or_none() -> _Greeter | None:
    return None


def test_what_a_provider_gives_is_named_by_its_class_or_return_annotation() -> None:
    assert provided_type(providers.Factory(_Greeter)) is _Greeter
    assert provided_type(providers.Callable(_greeter_or_none)) == (_Greeter | None)
    assert provided_type(providers.Dependency(instance_of=Settings)) is Settings
    # a plain value names nothing a handler could ask for: it reads it from Settings
    assert provided_type(providers.Callable(_is_production)) is None
    assert provided_type(providers.Object(3)) is None
