"""identity provider additions

Revision ID: 0007_identity
Revises: 0006_invites

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0007_identity"
down_revision = "0006_invites"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
