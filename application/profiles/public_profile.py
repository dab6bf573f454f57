"""Other people's profiles: the public view, consented view records, and who viewed mine."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.principal import Principal
from application.own_pages import ListOwn
from application.pagination import Page, PageRequest
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.profiles.profile_cache import ProfileCache
from application.profiles.unit_of_work import ProfilesUnitOfWork
from domain.errors import NotFound, ValidationFailed
from domain.profiles.profile import Profile, ProfileView


@dataclass(frozen=True)
class PublicProfile:
    profile: Profile
    star_count: int
    has_starred: bool | None  # None for anonymous viewers
    requires_consent: bool | None  # None for anonymous viewers
    is_owner: bool


class ViewPublicProfile:
    def __init__(self, uow: UnitOfWorkFactory[ProfilesUnitOfWork], cache: Cache):
        self._uow = uow
        self._cache = ProfileCache(cache)

    async def __call__(self, user_id: str, viewer: Principal | None) -> PublicProfile:
        viewer_id = viewer.user_id if viewer else None
        async with self._uow() as uow:
            owner = await uow.users.get(user_id)
            if owner is None or owner.is_deleted:
                raise NotFound("Profile not found")
            profile = (await self._cache.read(user_id))[0] or await uow.profiles.get(user_id)
            if profile is None:
                raise NotFound("Profile not found")
            profile.check_visible_to(viewer_id)
            stars = await uow.profiles.star_count(user_id)
            starred = consent = None
            if viewer_id is not None:
                starred = await uow.profiles.has_starred(user_id, viewer_id)
                consent = profile.accepts_view_from(viewer_id) and not (
                    await uow.profiles.has_viewed(user_id, viewer_id)
                )
        return PublicProfile(profile, stars, starred, consent, viewer_id == user_id)


@dataclass(frozen=True, eq=False)
class RecordProfileView:
    """Record the caller's consented view of a profile that tracks views."""

    uow: UnitOfWorkFactory[ProfilesUnitOfWork]
    clock: Clock

    async def __call__(self, viewer: Principal, user_id: str) -> bool:
        async with self.uow() as uow:
            profile = await uow.profiles.get(user_id)
            owner = await uow.users.get(user_id)
            if profile is None or owner is None or owner.is_deleted:
                raise NotFound("Profile not found")
            profile.check_visible_to(viewer.user_id)
            if viewer.user_id == user_id:
                raise ValidationFailed(
                    "You cannot record a view of your own profile",
                    details=[{"field": "userId", "message": "own profile"}],
                )
            if not profile.accepts_view_from(viewer.user_id):
                return False
            await uow.profiles.record_view(user_id, viewer.user_id, self.clock.now())
            await uow.commit()
        return True


class ListProfileViews(ListOwn[ProfilesUnitOfWork, ProfileView]):
    """Who viewed my profile."""

    async def _page(
        self, uow: ProfilesUnitOfWork, user_id: str, page: PageRequest
    ) -> Page[ProfileView]:
        return await uow.profiles.list_views(user_id, page)
