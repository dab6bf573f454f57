"""invitations

Invitations to organizations, teams and projects; only the SHA-256 digest of a code is stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    check,
    drop_indexed,
    drop_trigger,
    foreign_key,
    id_column,
    on_postgresql,
    one_of,
    primary_key,
    timestamp,
    unique,
)

revision = "0006_invites"
down_revision = "0005_rbac"


def upgrade() -> None:
    op.create_table(
        "invitations",
        id_column(),
        id_column("organization_id"),
        id_column("team_id", nullable=True),
        id_column("project_id", nullable=True),
        sa.Column("scope_type", sa.String(length=12), nullable=False),
        id_column("scope_id"),
        sa.Column("email", sa.String(length=254), nullable=False),
        id_column("role_id"),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        id_column("invited_by"),
        sa.Column("state", sa.String(length=10), nullable=False),
        timestamp("created_at"),
        timestamp("expires_at"),
        timestamp("closed_at", nullable=True),
        id_column("closed_by", nullable=True),
        check(
            "invitations",
            "invitation_state",
            one_of("state", "pending", "used", "declined", "revoked"),
        ),
        foreign_key("invitations", "organization_id", "organizations.id", ondelete="RESTRICT"),
        foreign_key("invitations", "team_id", "teams.id", ondelete="RESTRICT"),
        foreign_key("invitations", "project_id", "projects.id", ondelete="RESTRICT"),
        primary_key("invitations", "id"),
        unique("invitations", "code_digest"),
    )
    op.create_index("ix_invitations_scope_created", "invitations", ["scope_id", "created_at", "id"])
    op.create_index("ix_invitations_scope_email", "invitations", ["scope_id", "email", "state"])
    if on_postgresql():
        # Row triggers (0001) refuse UPDATE/DELETE on the audit trail; TRUNCATE skips row
        # triggers, so refuse it with a statement trigger too.
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )


def downgrade() -> None:
    drop_trigger("audit_log_no_truncate", "audit_log")
    drop_indexed("invitations", "ix_invitations_scope_email", "ix_invitations_scope_created")
