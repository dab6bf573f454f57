"""Star and unstar public profiles; star status; the public list of stargazers.

Writes are synchronous (the count is right on the next read) and idempotent: the star is one
row per (profile, user) inserted ignoring a conflict, so 20 concurrent stars store one.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.community.unit_of_work import StarsUnitOfWork
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.clock import Clock
from application.ports.outbox_commands import CreateNotification
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.errors import OwnProfile, ProfileNotFound
from domain.community.stars import Stargazer, StarState, star_notice_key
from domain.notifications.notification import NotificationType
from domain.profiles.profile import Profile


async def visible_profile(uow: StarsUnitOfWork, user_id: str, viewer_id: str | None) -> Profile:
    """The profile of a live user that ``viewer_id`` may see; else ``ProfileNotFound`` (or 401
    for an anonymous viewer of a sign-in-only profile)."""
    owner = await uow.users.get(user_id)
    profile = await uow.profiles.get(user_id) if owner and not owner.is_deleted else None
    if profile is None:
        raise ProfileNotFound()
    profile.check_visible_to(viewer_id)  # private: the same 404 as an absent profile
    return profile


async def _state(uow: StarsUnitOfWork, owner_id: str, user_id: str) -> StarState:
    at = await uow.stars.starred_at(owner_id, user_id)
    return StarState(at is not None, await uow.stars.count(owner_id), at)


@dataclass(frozen=True, eq=False)
class StarProfile:
    uow: UnitOfWorkFactory[StarsUnitOfWork]
    clock: Clock

    async def __call__(self, caller: Principal, user_id: str) -> StarState:
        if caller.user_id == user_id:
            raise OwnProfile("You cannot star your own profile")
        now = self.clock.now()
        async with self.uow() as uow:
            await visible_profile(uow, user_id, caller.user_id)
            if await uow.stars.add(user_id, caller.user_id, now):
                await uow.outbox.add(
                    CreateNotification(
                        user_id=user_id,
                        type=NotificationType.STAR,
                        title="New star",
                        message=f"{caller.name or 'Someone'} starred your profile",
                        action_url=f"/profile/{caller.user_id}",
                        metadata={"starrerId": caller.user_id},
                        dedupe_key=star_notice_key(user_id, caller.user_id, now),
                    )
                )
            state = await _state(uow, user_id, caller.user_id)
            await uow.commit()
        return state


@dataclass(frozen=True, eq=False)
class UnstarProfile:
    uow: UnitOfWorkFactory[StarsUnitOfWork]

    async def __call__(self, caller: Principal, user_id: str) -> StarState:
        if caller.user_id == user_id:
            raise OwnProfile("You cannot unstar your own profile")
        async with self.uow() as uow:
            owner = await uow.users.get(user_id)
            if owner is None or owner.is_deleted:
                raise ProfileNotFound()
            # A star may be taken back even if the profile has turned private since.
            await uow.stars.remove(user_id, caller.user_id)
            state = await _state(uow, user_id, caller.user_id)
            await uow.commit()
        return state


@dataclass(frozen=True, eq=False)
class GetStarStatus:
    uow: UnitOfWorkFactory[StarsUnitOfWork]

    async def __call__(self, caller: Principal, user_id: str) -> StarState:
        async with self.uow() as uow:
            await visible_profile(uow, user_id, caller.user_id)
            return await _state(uow, user_id, caller.user_id)


@dataclass(frozen=True, eq=False)
class ListStargazers:
    uow: UnitOfWorkFactory[StarsUnitOfWork]

    async def __call__(
        self, user_id: str, viewer: Principal | None, page: PageRequest
    ) -> Page[Stargazer]:
        async with self.uow() as uow:
            await visible_profile(uow, user_id, viewer.user_id if viewer else None)
            return await uow.stars.stargazers(user_id, page)
