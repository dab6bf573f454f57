"""phone verification and free credits

Revision ID: 0004_phone
Revises: 0003_payments

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0004_phone"
down_revision = "0003_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
