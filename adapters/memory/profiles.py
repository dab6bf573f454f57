"""Profiles."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository, insert_unless_taken
from application.pagination import Page, PageRequest
from domain.profiles.profile import Profile, ProfileView


@REPOSITORIES.register("profiles")
class MemoryProfileRepository(MemoryRepository):
    async def get(self, user_id: str) -> Profile | None:
        return self._s.profiles.profiles.get(user_id)

    async def add(self, profile: Profile) -> bool:
        return insert_unless_taken(self._s.profiles.profiles, profile.user_id, profile)

    async def save(self, profile: Profile) -> None:
        self._s.profiles.profiles[profile.user_id] = profile

    async def record_view(self, profile_user_id: str, viewer_id: str, now: datetime) -> None:
        self._s.profiles.views[(profile_user_id, viewer_id)] = now

    async def list_views(self, profile_user_id: str, page: PageRequest) -> Page[ProfileView]:
        views = []
        for (owner, viewer_id), at in self._s.profiles.views.items():
            if owner == profile_user_id:
                viewer = self._s.identity.users.get(viewer_id)
                views.append(
                    ProfileView(
                        viewer_id,
                        viewer.display_name if viewer else None,
                        viewer.image_url if viewer else None,
                        at,
                    )
                )
        views.sort(key=lambda v: (v.viewed_at, v.viewer_id), reverse=True)
        return newest_first(views, page, lambda v: (v.viewed_at, v.viewer_id))

    async def has_viewed(self, profile_user_id: str, viewer_id: str) -> bool:
        return (profile_user_id, viewer_id) in self._s.profiles.views

    async def star_count(self, profile_user_id: str) -> int:
        return sum(1 for owner, _ in self._s.profiles.stars if owner == profile_user_id)

    async def has_starred(self, profile_user_id: str, user_id: str) -> bool:
        return (profile_user_id, user_id) in self._s.profiles.stars
