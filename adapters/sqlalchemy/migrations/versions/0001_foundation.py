"""foundation: users, profiles, settings, notifications, outbox, inbox, audit

Create Date: 2026-11-22 10:59:23.095307
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    drop_indexed,
    foreign_key,
    id_column,
    json_column,
    lifecycle,
    make_append_only,
    on_postgresql,
    primary_key,
    request_origin,
    timestamp,
    unique,
)

revision = "0001_foundation"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        id_column(),
        sa.Column("scope_type", sa.String(length=20), nullable=False),
        id_column("scope_id"),
        id_column("actor_id", nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("target_type", sa.String(length=50), nullable=False),
        sa.Column("target_id", sa.String(length=255), nullable=False),
        json_column("before", nullable=True),
        json_column("after", nullable=True),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        *request_origin(),
        timestamp("created_at"),
        primary_key("audit_log", "id"),
    )
    op.create_index("ix_audit_scope", "audit_log", ["scope_type", "scope_id", "id"])

    op.create_table(
        "outbox",
        id_column(),
        sa.Column("topic", sa.String(length=100), nullable=False),
        json_column("payload"),
        sa.Column("dedupe_key", sa.String(length=255), nullable=True),
        timestamp("created_at"),
        timestamp("dispatched_at", nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        primary_key("outbox", "id"),
        unique("outbox", "dedupe_key"),
    )
    op.create_index("ix_outbox_pending", "outbox", ["dispatched_at", "created_at"])

    op.create_table(
        "users",
        id_column(),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("image_url", sa.String(length=1000), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        *lifecycle(soft_delete=True),
        primary_key("users", "id"),
        unique("users", "subject"),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"])

    op.create_table(
        "webhook_inbox",
        id_column(),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        timestamp("received_at"),
        timestamp("processed_at", nullable=True),
        primary_key("webhook_inbox", "id"),
        sa.UniqueConstraint("source", "event_id", name="uq_webhook_inbox_source_event"),
    )
    op.create_table(
        "notifications",
        id_column(),
        id_column("user_id"),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("action_url", sa.String(length=1000), nullable=True),
        sa.Column("action_label", sa.String(length=100), nullable=True),
        json_column("metadata"),
        timestamp("created_at"),
        timestamp("read_at", nullable=True),
        foreign_key("notifications", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("notifications", "id"),
    )
    op.create_index("ix_notifications_created", "notifications", ["created_at"])
    op.create_index(
        "ix_notifications_user_created", "notifications", ["user_id", "created_at", "id"]
    )
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at"])

    op.create_table(
        "profile_stars",
        id_column("profile_user_id"),
        id_column("user_id"),
        timestamp("created_at"),
        foreign_key("profile_stars", "profile_user_id", "users.id", ondelete="CASCADE"),
        foreign_key("profile_stars", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("profile_stars", "profile_user_id", "user_id"),
    )
    op.create_table(
        "profile_views",
        id_column("profile_user_id"),
        id_column("viewer_id"),
        timestamp("viewed_at"),
        foreign_key("profile_views", "profile_user_id", "users.id", ondelete="CASCADE"),
        foreign_key("profile_views", "viewer_id", "users.id", ondelete="CASCADE"),
        primary_key("profile_views", "profile_user_id", "viewer_id"),
    )
    op.create_index("ix_profile_views_recent", "profile_views", ["profile_user_id", "viewed_at"])

    op.create_table(
        "profiles",
        id_column("user_id"),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("bio", sa.String(length=500), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("years_of_experience", sa.Integer(), nullable=True),
        json_column("lists"),
        sa.Column("github_username", sa.String(length=100), nullable=True),
        sa.Column("twitter_handle", sa.String(length=100), nullable=True),
        sa.Column("linkedin_profile", sa.String(length=500), nullable=True),
        sa.Column("portfolio_url", sa.String(length=500), nullable=True),
        sa.Column("resume_url", sa.String(length=500), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("require_auth", sa.Boolean(), nullable=False),
        sa.Column("track_views", sa.Boolean(), nullable=False),
        *lifecycle(),
        foreign_key("profiles", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("profiles", "user_id"),
    )
    op.create_table(
        "user_settings",
        id_column("user_id"),
        json_column("settings"),
        timestamp("updated_at"),
        foreign_key("user_settings", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("user_settings", "user_id"),
    )
    make_append_only("audit_log")


def downgrade() -> None:
    op.drop_table("user_settings")
    op.drop_table("profiles")
    drop_indexed("profile_views", "ix_profile_views_recent")
    op.drop_table("profile_stars")
    drop_indexed(
        "notifications",
        "ix_notifications_user_unread",
        "ix_notifications_user_created",
        "ix_notifications_created",
    )
    op.drop_table("webhook_inbox")
    drop_indexed("users", op.f("ix_users_email"))
    drop_indexed("outbox", "ix_outbox_pending")
    drop_indexed("audit_log", "ix_audit_scope")
    if on_postgresql():  # made by the first make_append_only, shared by every later one
        op.execute("DROP FUNCTION IF EXISTS refuse_change()")
