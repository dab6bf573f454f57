"""outbox.traceparent: the trace a stored command continues in its job (ADR 0093)

NULL for existing rows and whenever tracing is off.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_resilience"
down_revision = "0015_account"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("traceparent", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("traceparent")
