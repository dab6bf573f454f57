"""The identity context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.identity.provider_sync import ApplyProviderWebhook, ReceiveProviderWebhook
from application.identity.resolve_principal import ResolvePrincipal
from application.identity.unit_of_work import IdentityUnitOfWork
from entrypoints.containers.wiring import route_use_cases
from entrypoints.http.routes.identity import IdentityUseCases


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

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = route_use_cases(
        IdentityUseCases, vars(), webhook_verifier=infrastructure.clerk_webhook_verifier
    )
