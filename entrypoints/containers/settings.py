"""The settings context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.settings.unit_of_work import SettingsUnitOfWork
from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from entrypoints.containers.wiring import route_use_cases
from entrypoints.http.routes.settings import SettingsUseCases


class UserSettings(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(SettingsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(SettingsUnitOfWork)  # ADR 0096

    get_settings = providers.Factory(GetSettings, read_uow)
    update_settings = providers.Factory(UpdateSettings, uow, core.clock)
    reset_settings = providers.Factory(ResetSettings, uow, core.clock)

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = route_use_cases(SettingsUseCases, vars())
