"""Outbox."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp
from domain.bounded_text import MAX_KEY_LENGTH

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
    # W3C traceparent of the request that stored it (ADR 0093); NULL when tracing is off.
    sa.Column("traceparent", sa.String(64)),
    sa.Index("ix_outbox_pending", "dispatched_at", "created_at"),
)
