"""Community: reports (never deleted), feedback and the weekly job's claims, newsletter
subscribers (issue 11). Stars keep using ``profile_stars``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.ddl import REFUSE_CHANGE_FUNCTION
from adapters.sqlalchemy.migrations.shapes import (
    create_unique_where,
    drop_indexed,
    drop_trigger,
    foreign_key,
    id_column,
    lifecycle,
    on_postgresql,
    one_of,
    primary_key,
    refuse_deletes,
    timestamp,
    unique,
)

revision = "0013_community"
down_revision = "0012_assistant"


def upgrade() -> None:
    op.create_table(
        "newsletter_subscribers",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        *lifecycle(),
        timestamp("confirmation_sent_at", nullable=True),
        timestamp("confirmed_at", nullable=True),
        timestamp("unsubscribed_at", nullable=True),
        primary_key("newsletter_subscribers", "email"),
    )
    op.create_table(
        "feedback",
        id_column(),
        id_column("user_id", nullable=True),
        sa.Column("code_digest", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("page", sa.String(length=500), nullable=True),
        timestamp("created_at"),
        timestamp("submitted_at", nullable=True),
        foreign_key("feedback", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("feedback", "id"),
        unique("feedback", "code_digest"),
    )
    op.create_table(
        "feedback_weekly",
        id_column("user_id"),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        timestamp("sent_at"),
        foreign_key("feedback_weekly", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("feedback_weekly", "user_id", "week", "channel"),
    )
    op.create_table(
        "reports",
        id_column(),
        id_column("reporter_id"),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        id_column("entity_id"),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("details", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.String(length=1000), nullable=True),
        id_column("moderator_id", nullable=True),
        *lifecycle(),
        foreign_key("reports", "moderator_id", "users.id"),
        foreign_key("reports", "reporter_id", "users.id"),
        primary_key("reports", "id"),
    )
    op.create_index("ix_reports_reporter", "reports", ["reporter_id", "created_at"])
    op.create_index("ix_reports_status", "reports", ["status", "id"])
    create_unique_where(
        "uq_reports_open_per_reporter",
        "reports",
        ["reporter_id", "entity_type", "entity_id"],
        where=one_of("status", "QUEUED", "IN_REVIEW", "ESCALATED"),
    )
    # Reports are moderated (UPDATE) but never deleted.
    if on_postgresql():
        op.execute(REFUSE_CHANGE_FUNCTION)
    refuse_deletes("reports")


def downgrade() -> None:
    drop_trigger("reports_no_delete", "reports")
    drop_indexed(
        "reports", "uq_reports_open_per_reporter", "ix_reports_status", "ix_reports_reporter"
    )
    op.drop_table("feedback_weekly")
    op.drop_table("feedback")
    op.drop_table("newsletter_subscribers")
