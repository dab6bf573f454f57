"""Notifications."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp, user_reference

notifications = sa.Table(
    "notifications",
    metadata,
    id_column(primary_key=True),
    user_reference(nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("message", sa.String(2000), nullable=False),
    sa.Column("description", sa.String(2000), nullable=False),
    sa.Column("action_url", sa.String(1000)),
    sa.Column("action_label", sa.String(100)),
    sa.Column("metadata", Json, nullable=False),
    timestamp("created_at"),
    timestamp("read_at", nullable=True),
    sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    sa.Index("ix_notifications_created", "created_at"),
)
