"""The account context: the activity log, step-up codes, data exports."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, request_origin, timestamp
from domain.account.activity import MAX_ACTION_LENGTH
from domain.request_context import MAX_REQUEST_ID_LENGTH

# Append-only on PostgreSQL (no UPDATE; rows leave by retention or erasure only).
account_activity = sa.Table(
    "account_activity",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action", sa.String(MAX_ACTION_LENGTH), nullable=False),
    sa.Column("level", sa.String(10), nullable=False),
    sa.Column("metadata", Json, nullable=False),
    sa.Column("request_id", sa.String(MAX_REQUEST_ID_LENGTH)),
    *request_origin(),
    timestamp("created_at"),
    sa.Index("ix_account_activity_user", "user_id", "created_at", "id"),
    sa.Index("ix_account_activity_created", "created_at"),
)

# One live code per user: a new code replaces the old one.
account_step_up_codes = sa.Table(
    "account_step_up_codes",
    metadata,
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_hash", sa.String(64), nullable=False),
    timestamp("created_at"),
    timestamp("expires_at"),
)

account_exports = sa.Table(
    "account_exports",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    timestamp("requested_at"),
    timestamp("completed_at", nullable=True),
    sa.Column("size_bytes", sa.BigInteger),
    sa.Index("ix_account_exports_user", "user_id", "requested_at"),
    sa.Index("ix_account_exports_status", "status", "completed_at"),
)
