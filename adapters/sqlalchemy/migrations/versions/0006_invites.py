"""invitations

Revision ID: 0006_invites
Revises: 0005_rbac

Invitations to organizations, teams and projects; only the SHA-256 digest of a code is stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_invites"
down_revision = "0005_rbac"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("project_id", sa.String(length=36), nullable=True),
        sa.Column("scope_type", sa.String(length=12), nullable=False),
        sa.Column("scope_id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role_id", sa.String(length=36), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'used', 'declined', 'revoked')",
            name=op.f("ck_invitations_invitation_state"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_invitations_team_id_teams"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_invitations_project_id_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_invitations_code_digest")),
    )
    op.create_index("ix_invitations_scope_created", "invitations", ["scope_id", "created_at", "id"])
    op.create_index("ix_invitations_scope_email", "invitations", ["scope_id", "email", "state"])


def downgrade() -> None:
    op.drop_index("ix_invitations_scope_email", table_name="invitations")
    op.drop_index("ix_invitations_scope_created", table_name="invitations")
    op.drop_table("invitations")
