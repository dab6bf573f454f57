"""Settings."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, metadata, timestamp, user_reference

user_settings = sa.Table(
    "user_settings",
    metadata,
    user_reference(primary_key=True),
    sa.Column("settings", Json, nullable=False),
    timestamp("updated_at"),
)
