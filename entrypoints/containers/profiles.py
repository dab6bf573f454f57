"""The profiles context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.profiles.own_profile import GetOwnProfile, UpdateProfile
from application.profiles.public_profile import (
    ListProfileViews,
    RecordProfileView,
    ViewPublicProfile,
)
from application.profiles.unit_of_work import ProfilesUnitOfWork
from entrypoints.http.routes.profiles import ProfilesUseCases


class Profiles(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()

    get_own_profile = providers.Factory(
        GetOwnProfile,
        infrastructure.uow.provided.of.call(ProfilesUnitOfWork),
        infrastructure.cache,
        core.clock,
    )
    update_profile = providers.Factory(
        UpdateProfile,
        infrastructure.uow.provided.of.call(ProfilesUnitOfWork),
        infrastructure.cache,
        core.clock,
    )
    view_public_profile = providers.Factory(
        ViewPublicProfile,
        infrastructure.uow.provided.of.call(ProfilesUnitOfWork),
        infrastructure.cache,
    )
    record_profile_view = providers.Factory(
        RecordProfileView, infrastructure.uow.provided.of.call(ProfilesUnitOfWork), core.clock
    )
    list_profile_views = providers.Factory(
        ListProfileViews, infrastructure.uow.provided.of.call(ProfilesUnitOfWork)
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            ProfilesUseCases,
            get_own_profile=get_own_profile.provider,
            list_profile_views=list_profile_views.provider,
            record_profile_view=record_profile_view.provider,
            update_profile=update_profile.provider,
            view_public_profile=view_public_profile.provider,
        ),
    )
