"""Inbox."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, metadata, timestamp
from domain.bounded_text import MAX_KEY_LENGTH

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
