"""Routes that belong to no context: the index page, health, metrics, the OpenAPI document."""

from __future__ import annotations

from dependency_injector import containers, providers

from entrypoints.containers.wiring import serves
from entrypoints.health import Gauges, health_checks
from entrypoints.http.routes import index, system


class Platform(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    health_checks = providers.Singleton(
        health_checks,
        infrastructure.engine,
        infrastructure.redis,
        core.config.provided.job_broker_url,
    )
    gauges = providers.Singleton(Gauges, infrastructure.engine, infrastructure.uow)

    http = serves(index.routes, system.routes)
