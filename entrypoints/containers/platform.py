"""Routes that belong to no context: the index page, health, metrics, the OpenAPI document."""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints.health import gauges, health_checks
from entrypoints.http.routes.index import IndexUseCases
from entrypoints.http.routes.system import SystemUseCases
from entrypoints.payments_wiring import checkout_sandbox


def _has_checkout(sandbox: object) -> bool:
    return sandbox is not None


class Platform(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    http = providers.List(
        providers.Singleton(
            IndexUseCases,
            sandbox_checkout=providers.Callable(
                _has_checkout,
                providers.Callable(checkout_sandbox, core.config, infrastructure.payment_gateway),
            ),
        ),
        providers.Singleton(
            SystemUseCases,
            probes=providers.Callable(
                health_checks,
                infrastructure.engine,
                infrastructure.redis,
                core.config.provided.job_broker_url,
            ),
            refresh_gauges=providers.Callable(gauges, infrastructure.engine, infrastructure.uow),
            metrics_token=core.config.provided.metrics_token,
        ),
    )
