"""invitations

Revision ID: 0006_invites
Revises: 0005_rbac

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0006_invites"
down_revision = "0005_rbac"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
