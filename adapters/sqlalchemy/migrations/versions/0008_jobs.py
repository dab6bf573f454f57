"""job runs and processed messages

Revision ID: 0008_jobs
Revises: 0007_identity

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0008_jobs"
down_revision = "0007_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
