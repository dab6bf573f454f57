"""Support tickets and their threads."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, lifecycle, metadata, timestamp
from domain.request_context import MAX_IP_LENGTH

support_tickets = sa.Table(
    "support_tickets",
    metadata,
    id_column(primary_key=True),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("message", sa.String(5000), nullable=False),
    id_column("requester_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    sa.Column("requester_email", sa.String(320), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("type", sa.String(24)),
    sa.Column("severity", sa.String(16)),
    sa.Column("short_description", sa.String(200)),
    sa.Column("triage_source", sa.String(8)),
    timestamp("triaged_at", nullable=True),
    sa.Column("type_by_agent", sa.Boolean, nullable=False),
    sa.Column("severity_by_agent", sa.Boolean, nullable=False),
    id_column("assignee_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    *lifecycle(),
    timestamp("first_response_due_at"),
    timestamp("first_responded_at", nullable=True),
    timestamp("breached_at", nullable=True),
    sa.Column("client_ip", sa.String(MAX_IP_LENGTH)),
    sa.Index("ix_support_tickets_requester", "requester_id", "created_at", "id"),
    sa.Index("ix_support_tickets_email_created", "requester_email", "created_at"),
    sa.Index("ix_support_tickets_ip_created", "client_ip", "created_at"),
    sa.Index("ix_support_tickets_queue", "created_at", "id"),
    sa.Index("ix_support_tickets_due", "first_response_due_at"),
)

support_ticket_messages = sa.Table(
    "support_ticket_messages",
    metadata,
    id_column(primary_key=True),
    id_column("ticket_id", sa.ForeignKey("support_tickets.id", ondelete="CASCADE"), nullable=False),
    id_column("author_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("from_agent", sa.Boolean, nullable=False),
    sa.Column("body", sa.String(5000), nullable=False),
    sa.Column("internal", sa.Boolean, nullable=False),
    timestamp("created_at"),
    sa.Index("ix_support_ticket_messages_ticket", "ticket_id", "created_at", "id"),
)
