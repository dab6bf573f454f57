from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import first_entity, insert_ignoring_conflict, upsert
from adapters.sqlalchemy.tables.identity import person_name_columns, users
from adapters.sqlalchemy.tables.profiles import profile_stars, profile_views, profiles
from application.pagination import Page, PageRequest
from domain.profiles.profile import (
    LIST_FIELDS,
    Gender,
    PrivacySettings,
    Profile,
    ProfileDetails,
    ProfileView,
)

T = TypeVar("T")

_SCALARS = (
    "first_name",
    "last_name",
    "bio",
    "location",
    "job_title",
    "company",
    "years_of_experience",
    "github_username",
    "twitter_handle",
    "linkedin_profile",
    "portfolio_url",
    "resume_url",
    "date_of_birth",
)


@REPOSITORIES.register("profiles")
class SqlProfileRepository(SqlRepository):
    async def get(self, user_id: str) -> Profile | None:
        stmt = sa.select(profiles).where(profiles.c.user_id == user_id)
        return await first_entity(self._conn, stmt, _to_profile)

    async def add(self, profile: Profile) -> bool:
        return await insert_ignoring_conflict(self._conn, profiles, _to_row(profile))

    async def save(self, profile: Profile) -> None:
        values = _to_row(profile)
        del values["user_id"], values["created_at"]
        await self._conn.execute(
            sa.update(profiles).where(profiles.c.user_id == profile.user_id).values(**values)
        )

    async def record_view(self, profile_user_id: str, viewer_id: str, now: datetime) -> None:
        await upsert(
            self._conn,
            profile_views,
            {"profile_user_id": profile_user_id, "viewer_id": viewer_id, "viewed_at": now},
            keys=("profile_user_id", "viewer_id"),
            update=("viewed_at",),
        )

    async def list_views(self, profile_user_id: str, page: PageRequest) -> Page[ProfileView]:
        c = profile_views.c
        return await people_of_profile(
            self._conn, profile_user_id, c.viewer_id, c.viewed_at, page, _view
        )

    async def has_viewed(self, profile_user_id: str, viewer_id: str) -> bool:
        stmt = sa.select(sa.literal(1)).where(
            profile_views.c.profile_user_id == profile_user_id,
            profile_views.c.viewer_id == viewer_id,
        )
        return (await self._conn.execute(stmt)).first() is not None

    async def star_count(self, profile_user_id: str) -> int:
        return await count_stars(self._conn, profile_user_id)

    async def has_starred(self, profile_user_id: str, user_id: str) -> bool:
        stmt = sa.select(sa.literal(1)).where(
            profile_stars.c.profile_user_id == profile_user_id, profile_stars.c.user_id == user_id
        )
        return (await self._conn.execute(stmt)).first() is not None


async def people_of_profile(
    conn: AsyncConnection,
    profile_user_id: str,
    who: sa.Column[str],
    when: sa.Column[datetime],
    page: PageRequest,
    show: Callable[[Any], T],
) -> Page[T]:
    """The users who viewed or starred a profile (``who`` and ``when`` of that table), newest
    first, each row with the user's name columns and image."""
    stmt = (
        sa.select(who, when, *person_name_columns, users.c.image_url)
        .join(users, users.c.id == who)
        .where(who.table.c.profile_user_id == profile_user_id)
    )
    return await read_page(conn, stmt, page, show, by=when, id=who)


async def count_stars(conn: AsyncConnection, profile_user_id: str) -> int:
    """How many users starred a profile (shown by the profile and by the community's stars)."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(profile_stars)
        .where(profile_stars.c.profile_user_id == profile_user_id)
    )
    return int((await conn.execute(stmt)).scalar_one())


def _to_row(profile: Profile) -> dict[str, Any]:
    d = profile.details
    row: dict[str, Any] = {name: getattr(d, name) for name in _SCALARS}
    row.update(
        user_id=profile.user_id,
        gender=d.gender.value if d.gender else None,
        lists={name: list(getattr(d, name)) for name in LIST_FIELDS},
        is_public=profile.privacy.is_public,
        require_auth=profile.privacy.require_auth,
        track_views=profile.privacy.track_views,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )
    return row


def _to_profile(row: Any) -> Profile:
    lists = row.lists or {}
    scalars: dict[str, Any] = {name: getattr(row, name) for name in _SCALARS}
    sequences: dict[str, Any] = {name: tuple(lists.get(name, ())) for name in LIST_FIELDS}
    details = ProfileDetails(
        **scalars,
        gender=Gender(row.gender) if row.gender else None,
        **sequences,
    )
    privacy = PrivacySettings(row.is_public, row.require_auth, row.track_views)
    return Profile(row.user_id, details, privacy, row.created_at, row.updated_at)


def _view(r: Any) -> ProfileView:
    return ProfileView(
        viewer_id=r.viewer_id,
        viewer_name=" ".join(p for p in (r.first_name, r.last_name) if p) or r.username,
        viewer_image_url=r.image_url,
        viewed_at=r.viewed_at,
    )
