"""Notifications, the outbox, the webhook inbox and the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp
from application.bounded_text import MAX_KEY_LENGTH
from application.ports.audit import MAX_IP_LENGTH, MAX_REQUEST_ID_LENGTH, MAX_USER_AGENT_LENGTH

notifications = sa.Table(
    "notifications",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
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

outbox = sa.Table(
    "outbox",
    metadata,
    id_column(primary_key=True),
    sa.Column("topic", sa.String(100), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("dedupe_key", sa.String(MAX_KEY_LENGTH), unique=True),
    timestamp("created_at"),
    timestamp("dispatched_at", nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_outbox_pending", "dispatched_at", "created_at"),
)

webhook_inbox = sa.Table(
    "webhook_inbox",
    metadata,
    id_column(primary_key=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("event_id", sa.String(MAX_KEY_LENGTH), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    timestamp("received_at"),
    timestamp("processed_at", nullable=True),
    sa.UniqueConstraint("source", "event_id", name="uq_webhook_inbox_source_event"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    id_column(primary_key=True),
    sa.Column("scope_type", sa.String(20), nullable=False),
    id_column("scope_id", nullable=False),
    id_column("actor_id", nullable=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("target_type", sa.String(50), nullable=False),
    sa.Column("target_id", sa.String(255), nullable=False),
    sa.Column("before", Json),
    sa.Column("after", Json),
    sa.Column("request_id", sa.String(MAX_REQUEST_ID_LENGTH)),
    sa.Column("ip", sa.String(MAX_IP_LENGTH)),
    sa.Column("user_agent", sa.String(MAX_USER_AGENT_LENGTH)),
    timestamp("created_at"),
    sa.Index("ix_audit_scope", "scope_type", "scope_id", "id"),
)
