"""plans, payments, payment events

Revision ID: 0003_payments
Revises: 0002_ledger

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0003_payments"
down_revision = "0002_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
