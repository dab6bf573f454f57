"""organizations, teams, projects, roles, memberships

Revision ID: 0005_rbac
Revises: 0004_phone

Reserved in the chain so parallel work never creates two heads; filled in by its owner.
"""

from __future__ import annotations

revision = "0005_rbac"
down_revision = "0004_phone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
