"""Audit."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, request_origin, timestamp
from domain.request_context import MAX_REQUEST_ID_LENGTH

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
    *request_origin(),
    timestamp("created_at"),
    sa.Index("ix_audit_scope", "scope_type", "scope_id", "id"),
)
