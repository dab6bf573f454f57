"""The settings context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.settings.unit_of_work import SettingsUnitOfWork
from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from entrypoints.http.routes.settings import SettingsUseCases


class UserSettings(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    get_settings = providers.Factory(
        GetSettings, infrastructure.uow.provided.of.call(SettingsUnitOfWork)
    )
    update_settings = providers.Factory(
        UpdateSettings, infrastructure.uow.provided.of.call(SettingsUnitOfWork), core.clock
    )
    reset_settings = providers.Factory(
        ResetSettings, infrastructure.uow.provided.of.call(SettingsUnitOfWork), core.clock
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            SettingsUseCases,
            get_settings=get_settings.provider,
            reset_settings=reset_settings.provider,
            update_settings=update_settings.provider,
        ),
    )
