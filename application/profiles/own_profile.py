"""Reading and editing one's own profile."""

from __future__ import annotations

from application.account.activity import activity_writer
from application.identity.principal import Principal
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.profiles.profile_cache import ProfileCache
from application.profiles.unit_of_work import ProfilesUnitOfWork
from domain.account.activity import Action
from domain.identity.user import split_name
from domain.profiles.profile import PrivacySettings, Profile, ProfileDetails
from domain.request_context import NO_REQUEST, RequestContext


class GetOwnProfile:
    """The caller's profile, created on the first call."""

    def __init__(self, uow: UnitOfWorkFactory[ProfilesUnitOfWork], cache: Cache, clock: Clock):
        self._uow = uow
        self._cache = ProfileCache(cache)
        self._clock = clock

    async def __call__(self, principal: Principal) -> Profile:
        cached, read = await self._cache.read(principal.user_id)
        if cached is not None:
            return cached
        async with self._uow() as uow:
            profile = await uow.profiles.get(principal.user_id)
            if profile is None:
                first, last = split_name(principal.name)
                profile = Profile.new(principal.user_id, first, last, self._clock.now())
                if await uow.profiles.add(profile):
                    await uow.commit()
                else:
                    profile = await uow.profiles.get(principal.user_id) or profile
        await self._cache.fill(read, profile)
        return profile


class UpdateProfile:
    """Replace the editable fields and privacy flags; synchronous, returns the saved profile."""

    def __init__(self, uow: UnitOfWorkFactory[ProfilesUnitOfWork], cache: Cache, clock: Clock):
        self._uow = uow
        self._cache = ProfileCache(cache)
        self._clock = clock

    async def __call__(
        self,
        principal: Principal,
        details: ProfileDetails,
        privacy: PrivacySettings,
        context: RequestContext = NO_REQUEST,
        *,
        tool: str | None = None,
    ) -> Profile:
        """``tool``: the assistant tool that made the change on the user's behalf (logged as
        an AI tool write rather than the user's own edit)."""
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.profiles.get(principal.user_id)
            if current is None:
                profile = Profile.new(principal.user_id, None, None, now).update(
                    details, privacy, now
                )
                await uow.profiles.add(profile)
            else:
                profile = current.update(details, privacy, now)
                await uow.profiles.save(profile)
            activity = activity_writer(uow, principal.user_id, now, context)
            if tool is None:
                await activity.record(Action.PROFILE_UPDATED)
            else:
                await activity.record(Action.AI_TOOL_WRITE, tool=tool, target="profile")
            await uow.commit()
        await self._cache.invalidate(principal.user_id)
        return profile
