"""Audit."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp
from domain.request_context import MAX_IP_LENGTH, MAX_REQUEST_ID_LENGTH, MAX_USER_AGENT_LENGTH

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
