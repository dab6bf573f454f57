"""Settings."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp

user_settings = sa.Table(
    "user_settings",
    metadata,
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("settings", Json, nullable=False),
    timestamp("updated_at"),
)
