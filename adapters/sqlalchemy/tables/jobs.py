"""Jobs: which outbox messages ran to completion, and which periodic-job slots ran."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, metadata, timestamp

# One row per outbox message whose handler finished (or failed for good, with ``error``).
# No foreign key: outbox rows may be purged before or after their record.
processed_messages = sa.Table(
    "processed_messages",
    metadata,
    id_column("message_id", primary_key=True),
    sa.Column("topic", sa.String(100), nullable=False),
    timestamp("processed_at"),
    sa.Column("error", sa.String(1000)),
    sa.Index("ix_processed_messages_processed_at", "processed_at"),
)

# One row per (periodic job, time slot): the unique pair is what lets only one scheduler run it.
job_runs = sa.Table(
    "job_runs",
    metadata,
    id_column(primary_key=True),
    sa.Column("job", sa.String(100), nullable=False),
    timestamp("slot"),
    timestamp("started_at"),
    timestamp("finished_at", nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    sa.Column("error", sa.String(1000)),
    sa.UniqueConstraint("job", "slot", name="uq_job_runs_job_slot"),
)
