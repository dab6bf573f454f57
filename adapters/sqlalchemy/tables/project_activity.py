"""Project activity (pushes to linked GitHub repositories)."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp

project_activity = sa.Table(
    "project_activity",
    metadata,
    id_column(primary_key=True),
    id_column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    id_column("webhook_id", nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("repository", sa.String(200), nullable=False),
    sa.Column("ref", sa.String(255), nullable=False),
    sa.Column("pusher", sa.String(200), nullable=False),
    sa.Column("commit_count", sa.Integer, nullable=False),
    sa.Column("head_commit", Json),
    sa.Column("commits", Json, nullable=False),
    timestamp("created_at"),
    sa.UniqueConstraint("webhook_id", "project_id", name="uq_project_activity_webhook_id"),
    sa.Index("ix_project_activity_project_created", "project_id", "created_at", "id"),
)
