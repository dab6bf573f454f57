"""refund request fingerprints, per-payment reconciliation backoff

``payment_refunds.request_fingerprint``: what the admin asked under the Idempotency-Key that names
the refund (a retry under the same key must ask the same). ``payments.reconcile_failures`` and
``payments.next_reconcile_at``: a payment whose gateway lookup keeps failing is re-checked less and
less often instead of taking a place in every reconciliation batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import timestamp

revision = "0009_money_hardening"
down_revision = "0008_jobs"


def upgrade() -> None:
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_fingerprint", sa.String(length=64), nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reconcile_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(timestamp("next_reconcile_at", nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("next_reconcile_at")
        batch_op.drop_column("reconcile_failures")
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_column("request_fingerprint")
