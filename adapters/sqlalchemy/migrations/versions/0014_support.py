"""Support desk (tickets, threads) and GitHub project activity (issue 11, items 6-7)

Revision ID: 0014_support
Revises: 0013_community
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sqlalchemy.dialects import postgresql

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0014_support"
down_revision = "0013_community"
branch_labels = None
depends_on = None


from typing import Any


def _id(name: str, *args: Any, **kwargs: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(36), *args, **kwargs)


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "support_tickets",
        _id("id", primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message", sa.String(5000), nullable=False),
        _id("requester_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("requester_email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("type", sa.String(24)),
        sa.Column("severity", sa.String(16)),
        sa.Column("short_description", sa.String(200)),
        sa.Column("triage_source", sa.String(8)),
        _at("triaged_at", nullable=True),
        sa.Column("type_by_agent", sa.Boolean, nullable=False),
        sa.Column("severity_by_agent", sa.Boolean, nullable=False),
        _id("assignee_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        _at("first_response_due_at"),
        _at("first_responded_at", nullable=True),
        _at("breached_at", nullable=True),
        sa.Column("client_ip", sa.String(64)),
    )
    op.create_index(
        "ix_support_tickets_requester", "support_tickets", ["requester_id", "created_at", "id"]
    )
    op.create_index(
        "ix_support_tickets_email_created", "support_tickets", ["requester_email", "created_at"]
    )
    op.create_index("ix_support_tickets_ip_created", "support_tickets", ["client_ip", "created_at"])
    op.create_index("ix_support_tickets_queue", "support_tickets", ["created_at", "id"])
    op.create_index("ix_support_tickets_due", "support_tickets", ["first_response_due_at"])
    op.create_table(
        "support_ticket_messages",
        _id("id", primary_key=True),
        _id("ticket_id", sa.ForeignKey("support_tickets.id", ondelete="CASCADE"), nullable=False),
        _id("author_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("from_agent", sa.Boolean, nullable=False),
        sa.Column("body", sa.String(5000), nullable=False),
        sa.Column("internal", sa.Boolean, nullable=False),
        _at("created_at"),
    )
    op.create_index(
        "ix_support_ticket_messages_ticket",
        "support_ticket_messages",
        ["ticket_id", "created_at", "id"],
    )

    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("repository_url", sa.String(300), nullable=True))
    op.create_index("ix_projects_repository_url", "projects", ["repository_url"])
    op.create_table(
        "project_activity",
        _id("id", primary_key=True),
        _id("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        _id("webhook_id", nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("repository", sa.String(200), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("pusher", sa.String(200), nullable=False),
        sa.Column("commit_count", sa.Integer, nullable=False),
        sa.Column("head_commit", Json),
        sa.Column("commits", Json, nullable=False),
        _at("created_at"),
        sa.UniqueConstraint("webhook_id", "project_id", name="uq_project_activity_webhook_id"),
    )
    op.create_index(
        "ix_project_activity_project_created", "project_activity", ["project_id", "created_at", "id"]
    )


def downgrade() -> None:
    op.drop_table("project_activity")
    op.drop_index("ix_projects_repository_url", table_name="projects")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("repository_url")
    op.drop_table("support_ticket_messages")
    op.drop_table("support_tickets")
