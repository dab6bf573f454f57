"""Profiles."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, lifecycle, metadata, timestamp, user_reference

profiles = sa.Table(
    "profiles",
    metadata,
    user_reference(primary_key=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100)),
    sa.Column("bio", sa.String(500), nullable=False),
    sa.Column("gender", sa.String(20)),
    sa.Column("date_of_birth", sa.Date),
    sa.Column("location", sa.String(200)),
    sa.Column("job_title", sa.String(200)),
    sa.Column("company", sa.String(200)),
    sa.Column("years_of_experience", sa.Integer),
    sa.Column("lists", Json, nullable=False),  # skills, interests, languages, ... (arrays)
    sa.Column("github_username", sa.String(100)),
    sa.Column("twitter_handle", sa.String(100)),
    sa.Column("linkedin_profile", sa.String(500)),
    sa.Column("portfolio_url", sa.String(500)),
    sa.Column("resume_url", sa.String(500)),
    sa.Column("is_public", sa.Boolean, nullable=False),
    sa.Column("require_auth", sa.Boolean, nullable=False),
    sa.Column("track_views", sa.Boolean, nullable=False),
    *lifecycle(),
)


profile_views = sa.Table(
    "profile_views",
    metadata,
    user_reference("profile_user_id", primary_key=True),
    user_reference("viewer_id", primary_key=True),
    timestamp("viewed_at"),
    sa.Index("ix_profile_views_recent", "profile_user_id", "viewed_at"),
)


profile_stars = sa.Table(
    "profile_stars",
    metadata,
    user_reference("profile_user_id", primary_key=True),
    user_reference(primary_key=True),
    timestamp("created_at"),
)
