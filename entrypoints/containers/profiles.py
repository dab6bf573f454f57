"""The profiles context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.profiles import own_profile, public_profile
from application.profiles.unit_of_work import ProfilesUnitOfWork
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import profiles


class Profiles(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(ProfilesUnitOfWork)
    # Not the own profile: its first view creates it (a replica refuses writes).
    read_uow = infrastructure.read_uow.provided.of.call(ProfilesUnitOfWork)  # ADR 0096

    get_own_profile = providers.Factory(
        own_profile.GetOwnProfile, uow, infrastructure.cache, core.clock
    )
    update_profile = providers.Factory(
        own_profile.UpdateProfile, uow, infrastructure.cache, core.clock
    )
    view_public_profile = providers.Factory(
        public_profile.ViewPublicProfile, read_uow, infrastructure.cache
    )
    record_profile_view = providers.Factory(public_profile.RecordProfileView, uow, core.clock)
    list_profile_views = providers.Factory(public_profile.ListProfileViews, read_uow)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(profiles.routes)
