"""The idempotency context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.idempotency import IdempotentRequests, PurgeIdempotencyKeys
from application.ports.idempotency import IdempotencyUnitOfWork


class Idempotency(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    idempotent_requests = providers.Factory(
        IdempotentRequests, infrastructure.uow.provided.of.call(IdempotencyUnitOfWork), core.clock
    )
    purge_idempotency_keys = providers.Factory(
        PurgeIdempotencyKeys, infrastructure.uow.provided.of.call(IdempotencyUnitOfWork), core.clock
    )
