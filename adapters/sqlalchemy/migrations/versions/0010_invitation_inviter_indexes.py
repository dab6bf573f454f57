"""invitation indexes for the inviter-authority sweep (ADR 0041)"""

from __future__ import annotations

from alembic import op

revision = "0010_invitation_inviter_indexes"
down_revision = "0009_money_hardening"


def upgrade() -> None:
    # Removing, demoting or deleting an inviter re-checks their open invitations; editing a custom
    # role re-checks every open invitation of the organization.
    op.create_index(
        "ix_invitations_inviter_open", "invitations", ["invited_by", "state", "expires_at"]
    )
    op.create_index(
        "ix_invitations_org_open", "invitations", ["organization_id", "state", "expires_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_invitations_org_open", table_name="invitations")
    op.drop_index("ix_invitations_inviter_open", table_name="invitations")
