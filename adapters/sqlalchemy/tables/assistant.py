"""The assistant: conversations, their messages (model parts as JSON, verbatim), daily quota."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, lifecycle, metadata, timestamp

ai_conversations = sa.Table(
    "ai_conversations",
    metadata,
    id_column("id", primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("title_generated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
    *lifecycle(),
    sa.Index("ix_ai_conversations_user_updated", "user_id", "updated_at", "id"),
)

ai_messages = sa.Table(
    "ai_messages",
    metadata,
    id_column("id", primary_key=True),
    id_column(
        "conversation_id", sa.ForeignKey("ai_conversations.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("parts", Json, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=True),
    sa.Column("output_tokens", sa.Integer, nullable=True),
    sa.Column("total_tokens", sa.Integer, nullable=True),
    sa.Column("credits_charged", sa.Integer, nullable=False, server_default="0"),
    timestamp("created_at"),
    sa.UniqueConstraint("conversation_id", "seq", name="uq_ai_messages_conversation_seq"),
)

ai_quota_usage = sa.Table(
    "ai_quota_usage",
    metadata,
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("used", sa.Integer, nullable=False),
)
