"""Route modules get their use cases from their context's container, never from the container."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from entrypoints import runtime
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.containers.root import route_use_case_types, route_use_cases
from entrypoints.http.routing import ApiRoutes

ROUTES = Path(__file__).parents[3] / "entrypoints" / "http" / "routes"


def test_every_route_module_is_built_by_a_context_container() -> None:
    built = set(route_use_case_types())
    assert set(ApiRoutes.by_uses) <= built, "a route module's use cases are in no container's http"


def test_the_root_builds_exactly_what_it_declares(memory_container: Container) -> None:
    assert [type(uses) for uses in route_use_cases(memory_container)] == list(
        route_use_case_types()
    )


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
