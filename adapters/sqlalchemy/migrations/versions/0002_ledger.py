"""ledger (owned by the ledger work)

Revision ID: 0002_ledger
Revises: 0001_foundation

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0002_ledger"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
