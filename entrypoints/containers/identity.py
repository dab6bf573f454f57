"""The identity context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.identity.provider_sync import ApplyProviderWebhook, ReceiveProviderWebhook
from application.identity.resolve_principal import ResolvePrincipal
from application.identity.unit_of_work import IdentityUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import identity


class Identity(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(IdentityUnitOfWork)

    resolve_principal = providers.Singleton(
        ResolvePrincipal,
        uow,
        infrastructure.cache,
        core.clock,
        admin_subjects=core.config.provided.admin_user_ids,
        directory=infrastructure.identity_directory,
    )
    receive_provider_webhook = providers.Factory(ReceiveProviderWebhook, uow, core.clock)
    apply_provider_webhook = providers.Factory(
        ApplyProviderWebhook,
        uow,
        infrastructure.cache,
        core.clock,
        infrastructure.provider_event_parser,
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(identity.routes)
