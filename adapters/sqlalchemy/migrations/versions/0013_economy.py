"""Credits economy: when a wallet's promotional credits expire next (issue 15)

Revision ID: 0013_economy
Revises: 0012_assistant
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_economy"
down_revision = "0012_assistant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "credit_wallets", sa.Column("expiring_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_credit_wallets_expiring_at", "credit_wallets", ["expiring_at"])


def downgrade() -> None:
    op.drop_index("ix_credit_wallets_expiring_at", table_name="credit_wallets")
    op.drop_column("credit_wallets", "expiring_at")
