"""Invitations to an organization, team or project. Only the SHA-256 digest of a code is stored."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import id_column, metadata, scope_placement, timestamp

invitations = sa.Table(
    "invitations",
    metadata,
    id_column(primary_key=True),
    *scope_placement(),
    sa.Column("email", sa.String(254), nullable=False),  # normalised (lower-case)
    id_column("role_id", nullable=False),
    sa.Column("code_digest", sa.String(64), nullable=False, unique=True),
    id_column("invited_by", nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # pending/used/declined/revoked
    timestamp("created_at"),
    timestamp("expires_at"),
    timestamp("closed_at", nullable=True),
    id_column("closed_by", nullable=True),
    sa.CheckConstraint(
        "state IN ('pending', 'used', 'declined', 'revoked')", name="invitation_state"
    ),
    sa.Index("ix_invitations_scope_created", "scope_id", "created_at", "id"),
    sa.Index("ix_invitations_scope_email", "scope_id", "email", "state"),
    # The inviter-authority sweep (ADR 0041): open invitations by inviter, or by organization.
    sa.Index("ix_invitations_inviter_open", "invited_by", "state", "expires_at"),
    sa.Index("ix_invitations_org_open", "organization_id", "state", "expires_at"),
)
