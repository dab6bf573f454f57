"""Organizations, teams, projects (soft delete), custom roles and memberships.

Memberships carry the ids of every scope above them and a ``scope_id`` (the most specific one):
``UNIQUE (user_id, scope_id)`` is "one role per scope per user" and is also the index that serves
the per-request lookup ``user_id = ? AND scope_id IN (org, team, project)``. Default roles are not
rows (stable ids such as ``org.owner``); custom roles are."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import Json, id_column, metadata, timestamp

organizations = sa.Table(
    "organizations",
    metadata,
    id_column(primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("slug", sa.String(50), nullable=False, unique=True),
    sa.Column("is_public", sa.Boolean, nullable=False),
    sa.Column("join_enabled", sa.Boolean, nullable=False),
    sa.Column("timezone", sa.String(64)),
    sa.Column("description", sa.String(1000)),
    sa.Column("website", sa.String(500)),
    sa.Column("logo_url", sa.String(1000)),
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("deleted_at", nullable=True),
)

teams = sa.Table(
    "teams",
    metadata,
    id_column(primary_key=True),
    id_column(
        "organization_id", sa.ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False
    ),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("description", sa.String(500)),
    sa.Column("join_enabled", sa.Boolean, nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("deleted_at", nullable=True),
    sa.UniqueConstraint("organization_id", "name", name="uq_teams_org_name"),
    sa.UniqueConstraint("organization_id", "slug", name="uq_teams_org_slug"),
    sa.Index("ix_teams_org_visibility", "organization_id", "visibility", "id"),
)

projects = sa.Table(
    "projects",
    metadata,
    id_column(primary_key=True),
    id_column(
        "organization_id", sa.ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False
    ),
    id_column("team_id", sa.ForeignKey("teams.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("description", sa.String(500)),
    id_column("created_by", nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    timestamp("deleted_at", nullable=True),
    sa.UniqueConstraint("team_id", "name", name="uq_projects_team_name"),
    sa.UniqueConstraint("team_id", "slug", name="uq_projects_team_slug"),
    sa.Index("ix_projects_team_visibility", "team_id", "visibility", "id"),
    sa.Column("repository_url", sa.String(300)),  # GitHub pushes → project activity
    sa.Index("ix_projects_repository_url", "repository_url"),
)

roles = sa.Table(
    "roles",
    metadata,
    id_column(primary_key=True),
    id_column(
        "organization_id", sa.ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False
    ),
    sa.Column("scope_type", sa.String(12), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("name_key", sa.String(50), nullable=False),  # case-folded, for uniqueness
    sa.Column("permissions", Json, nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    sa.UniqueConstraint("organization_id", "scope_type", "name_key", name="uq_roles_org_name"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    id_column(primary_key=True),
    id_column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    id_column(
        "organization_id", sa.ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False
    ),
    id_column("team_id", sa.ForeignKey("teams.id", ondelete="RESTRICT"), nullable=True),
    id_column("project_id", sa.ForeignKey("projects.id", ondelete="RESTRICT"), nullable=True),
    id_column("scope_id", nullable=False),
    sa.Column("scope_type", sa.String(12), nullable=False),
    sa.Column("role_id", sa.String(36), nullable=False),
    timestamp("created_at"),
    timestamp("updated_at"),
    sa.UniqueConstraint("user_id", "scope_id", name="uq_memberships_user_scope"),
    sa.Index("ix_memberships_scope", "scope_id", "id"),
    sa.Index("ix_memberships_user_org", "user_id", "organization_id"),
    sa.Index("ix_memberships_role", "role_id"),
    sa.Index("ix_memberships_team", "team_id"),
)
