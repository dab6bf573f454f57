"""Persistence of profiles and their views."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.pagination import Page, PageRequest
from domain.profiles.profile import Profile, ProfileView


class ProfileRepository(Protocol):
    async def get(self, user_id: str) -> Profile | None: ...

    async def add(self, profile: Profile) -> bool:
        """Insert; False if one already exists for the user."""
        ...

    async def save(self, profile: Profile) -> None: ...

    async def record_view(self, profile_user_id: str, viewer_id: str, now: datetime) -> None:
        """One row per (profile, viewer); a re-view refreshes its time."""
        ...

    async def list_views(self, profile_user_id: str, page: PageRequest) -> Page[ProfileView]: ...

    async def has_viewed(self, profile_user_id: str, viewer_id: str) -> bool: ...

    async def star_count(self, profile_user_id: str) -> int: ...

    async def has_starred(self, profile_user_id: str, user_id: str) -> bool: ...
