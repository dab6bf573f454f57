"""job runs and processed messages"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import drop_indexed, id_column, primary_key, timestamp

revision = "0008_jobs"
down_revision = "0007_identity"


def upgrade() -> None:
    op.create_table(
        "processed_messages",
        id_column("message_id"),
        sa.Column("topic", sa.String(length=100), nullable=False),
        timestamp("processed_at"),
        sa.Column("error", sa.String(length=1000), nullable=True),
        primary_key("processed_messages", "message_id"),
    )
    op.create_index("ix_processed_messages_processed_at", "processed_messages", ["processed_at"])
    op.create_table(
        "job_runs",
        id_column(),
        sa.Column("job", sa.String(length=100), nullable=False),
        timestamp("slot"),
        timestamp("started_at"),
        timestamp("finished_at", nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="1", nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        primary_key("job_runs", "id"),
        sa.UniqueConstraint("job", "slot", name="uq_job_runs_job_slot"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    drop_indexed("processed_messages", "ix_processed_messages_processed_at")
