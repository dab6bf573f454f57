"""Community: reports, feedback (+ the weekly job's claims), newsletter subscribers.

Stars live in ``profile_stars`` (tables/profiles.py), which the public profile reads too.
"""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, lifecycle, metadata, timestamp, unique_where

#: Report statuses that count as open (domain/community/reports.py OPEN_STATUSES).
OPEN_REPORT = "status IN ('QUEUED', 'IN_REVIEW', 'ESCALATED')"

reports = sa.Table(
    "reports",
    metadata,
    id_column(primary_key=True),
    id_column("reporter_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    id_column("entity_id", nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("details", sa.String(500)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("resolution", sa.String(1000)),
    id_column("moderator_id", sa.ForeignKey("users.id")),
    *lifecycle(),
    # One open report per (reporter, entity): a partial unique index on both dialects.
    unique_where(
        "uq_reports_open_per_reporter", "reporter_id", "entity_type", "entity_id", where=OPEN_REPORT
    ),
    sa.Index("ix_reports_reporter", "reporter_id", "created_at"),
    sa.Index("ix_reports_status", "status", "id"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE")),
    sa.Column("code_digest", sa.String(64), unique=True),
    sa.Column("channel", sa.String(20)),
    sa.Column("rating", sa.Integer),
    sa.Column("message", sa.String(1000)),
    sa.Column("page", sa.String(500)),
    timestamp("created_at"),
    timestamp("submitted_at", nullable=True),
)

feedback_weekly = sa.Table(
    "feedback_weekly",
    metadata,
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("week", sa.String(10), primary_key=True),
    sa.Column("channel", sa.String(20), primary_key=True),
    timestamp("sent_at"),
)

newsletter_subscribers = sa.Table(
    "newsletter_subscribers",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    *lifecycle(),
    timestamp("confirmation_sent_at", nullable=True),
    timestamp("confirmed_at", nullable=True),
    timestamp("unsubscribed_at", nullable=True),
)
