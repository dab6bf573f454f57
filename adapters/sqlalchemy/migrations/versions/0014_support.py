"""Support desk (tickets, threads) and GitHub project activity (issue 11, items 6-7)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    id_column,
    json_column,
    lifecycle,
    timestamp,
    user_reference,
)

revision = "0014_support"
down_revision = "0013_community"


def upgrade() -> None:
    op.create_table(
        "support_tickets",
        id_column(primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message", sa.String(5000), nullable=False),
        user_reference("requester_id", nullable=True),
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
        id_column(primary_key=True),
        id_column("ticket_id", sa.ForeignKey("support_tickets.id", ondelete="CASCADE")),
        id_column("author_id", sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("from_agent", sa.Boolean, nullable=False),
        sa.Column("body", sa.String(5000), nullable=False),
        sa.Column("internal", sa.Boolean, nullable=False),
        timestamp("created_at"),
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
        id_column(primary_key=True),
        id_column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE")),
        id_column("webhook_id"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("repository", sa.String(200), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("pusher", sa.String(200), nullable=False),
        sa.Column("commit_count", sa.Integer, nullable=False),
        json_column("head_commit", nullable=True),
        json_column("commits"),
        timestamp("created_at"),
        sa.UniqueConstraint("webhook_id", "project_id", name="uq_project_activity_webhook_id"),
    )
    op.create_index(
        "ix_project_activity_project_created",
        "project_activity",
        ["project_id", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_table("project_activity")
    op.drop_index("ix_projects_repository_url", table_name="projects")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("repository_url")
    op.drop_table("support_ticket_messages")
    op.drop_table("support_tickets")
