"""The settings context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.settings.unit_of_work import SettingsUnitOfWork
from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import settings


class UserSettings(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(SettingsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(SettingsUnitOfWork)  # ADR 0096

    get_settings = providers.Factory(GetSettings, read_uow)
    update_settings = providers.Factory(UpdateSettings, uow, core.clock)
    reset_settings = providers.Factory(ResetSettings, uow, core.clock)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(settings.routes)
