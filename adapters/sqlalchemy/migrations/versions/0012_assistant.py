"""The AI assistant: conversations, messages, daily quota (issue 10)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    drop_indexed,
    id_column,
    json_column,
    lifecycle,
    timestamp,
    user_reference,
)

revision = "0012_assistant"
down_revision = "0011_user_provider_updated_at"


def upgrade() -> None:
    op.create_table(
        "ai_conversations",
        id_column(primary_key=True),
        user_reference(),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("title_generated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
        *lifecycle(),
    )
    op.create_index(
        "ix_ai_conversations_user_updated", "ai_conversations", ["user_id", "updated_at", "id"]
    )
    op.create_table(
        "ai_messages",
        id_column(primary_key=True),
        id_column("conversation_id", sa.ForeignKey("ai_conversations.id", ondelete="CASCADE")),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        json_column("parts"),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=True),
        sa.Column("output_tokens", sa.Integer, nullable=True),
        sa.Column("total_tokens", sa.Integer, nullable=True),
        sa.Column("credits_charged", sa.Integer, nullable=False, server_default="0"),
        timestamp("created_at"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_ai_messages_conversation_seq"),
    )
    op.create_table(
        "ai_quota_usage",
        user_reference(primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ai_quota_usage")
    op.drop_table("ai_messages")
    drop_indexed("ai_conversations", "ix_ai_conversations_user_updated")
