"""organizations, teams, projects, roles, memberships

Teams, projects and memberships keep their rows when a scope is soft-deleted (``deleted_at``);
foreign keys RESTRICT so nothing below a scope vanishes with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.migrations.shapes import (
    drop_indexed,
    foreign_key,
    id_column,
    json_column,
    lifecycle,
    primary_key,
    unique,
)

revision = "0005_rbac"
down_revision = "0004_phone"


def upgrade() -> None:
    op.create_table(
        "organizations",
        id_column(),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=50), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("join_enabled", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("logo_url", sa.String(length=1000), nullable=True),
        *lifecycle(soft_delete=True),
        primary_key("organizations", "id"),
        unique("organizations", "name"),
        unique("organizations", "slug"),
    )
    op.create_table(
        "roles",
        id_column(),
        id_column("organization_id"),
        sa.Column("scope_type", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_key", sa.String(length=50), nullable=False),
        json_column("permissions"),
        *lifecycle(),
        foreign_key("roles", "organization_id", "organizations.id", ondelete="RESTRICT"),
        primary_key("roles", "id"),
        sa.UniqueConstraint("organization_id", "scope_type", "name_key", name="uq_roles_org_name"),
    )
    op.create_table(
        "teams",
        id_column(),
        id_column("organization_id"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("join_enabled", sa.Boolean(), nullable=False),
        *lifecycle(soft_delete=True),
        foreign_key("teams", "organization_id", "organizations.id", ondelete="RESTRICT"),
        primary_key("teams", "id"),
        sa.UniqueConstraint("organization_id", "name", name="uq_teams_org_name"),
        sa.UniqueConstraint("organization_id", "slug", name="uq_teams_org_slug"),
    )
    op.create_index("ix_teams_org_visibility", "teams", ["organization_id", "visibility", "id"])

    op.create_table(
        "projects",
        id_column(),
        id_column("organization_id"),
        id_column("team_id"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        id_column("created_by"),
        *lifecycle(soft_delete=True),
        foreign_key("projects", "organization_id", "organizations.id", ondelete="RESTRICT"),
        foreign_key("projects", "team_id", "teams.id", ondelete="RESTRICT"),
        primary_key("projects", "id"),
        sa.UniqueConstraint("team_id", "name", name="uq_projects_team_name"),
        sa.UniqueConstraint("team_id", "slug", name="uq_projects_team_slug"),
    )
    op.create_index("ix_projects_team_visibility", "projects", ["team_id", "visibility", "id"])

    op.create_table(
        "memberships",
        id_column(),
        id_column("user_id"),
        id_column("organization_id"),
        id_column("team_id", nullable=True),
        id_column("project_id", nullable=True),
        id_column("scope_id"),
        sa.Column("scope_type", sa.String(length=12), nullable=False),
        id_column("role_id"),
        *lifecycle(),
        foreign_key("memberships", "organization_id", "organizations.id", ondelete="RESTRICT"),
        foreign_key("memberships", "project_id", "projects.id", ondelete="RESTRICT"),
        foreign_key("memberships", "team_id", "teams.id", ondelete="RESTRICT"),
        foreign_key("memberships", "user_id", "users.id", ondelete="CASCADE"),
        primary_key("memberships", "id"),
        sa.UniqueConstraint("user_id", "scope_id", name="uq_memberships_user_scope"),
    )
    op.create_index("ix_memberships_role", "memberships", ["role_id"])
    op.create_index("ix_memberships_scope", "memberships", ["scope_id", "id"])
    op.create_index("ix_memberships_team", "memberships", ["team_id"])
    op.create_index("ix_memberships_user_org", "memberships", ["user_id", "organization_id"])


def downgrade() -> None:
    drop_indexed(
        "memberships",
        "ix_memberships_user_org",
        "ix_memberships_team",
        "ix_memberships_scope",
        "ix_memberships_role",
    )
    drop_indexed("projects", "ix_projects_team_visibility")
    drop_indexed("teams", "ix_teams_org_visibility")
    op.drop_table("roles")
    op.drop_table("organizations")
