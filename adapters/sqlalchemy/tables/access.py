"""Organizations, teams, projects (soft delete), custom roles and memberships.

Memberships carry the ids of every scope above them and a ``scope_id`` (the most specific one):
``UNIQUE (user_id, scope_id)`` is "one role per scope per user" and is also the index that serves
the per-request lookup ``user_id = ? AND scope_id IN (org, team, project)``. Default roles are not
rows (stable ids such as ``org.owner``); custom roles are."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.tables.base import (
    Json,
    id_column,
    lifecycle,
    metadata,
    scope_placement,
    scope_reference,
    user_reference,
)

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
    *lifecycle(soft_delete=True),
)


def _nested_scope(
    name: str, parents: tuple[str, ...], parent_alias: str, *own: sa.Column[Any] | sa.Index
) -> sa.Table:
    """A team (in an organization) or a project (in a team): named and slugged uniquely within
    its parent (the last of ``parents``), listed by visibility, soft-deleted."""
    parent_id = f"{parents[-1].removesuffix('s')}_id"
    return sa.Table(
        name,
        metadata,
        id_column(primary_key=True),
        *(scope_reference(parent) for parent in parents),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("description", sa.String(500)),
        *own,
        *lifecycle(soft_delete=True),
        sa.UniqueConstraint(parent_id, "name", name=f"uq_{name}_{parent_alias}_name"),
        sa.UniqueConstraint(parent_id, "slug", name=f"uq_{name}_{parent_alias}_slug"),
        sa.Index(f"ix_{name}_{parent_alias}_visibility", parent_id, "visibility", "id"),
    )


teams = _nested_scope(
    "teams", ("organizations",), "org", sa.Column("join_enabled", sa.Boolean, nullable=False)
)
projects = _nested_scope(
    "projects",
    ("organizations", "teams"),
    "team",
    id_column("created_by", nullable=False),
    sa.Column("repository_url", sa.String(300)),  # GitHub pushes → project activity
    sa.Index("ix_projects_repository_url", "repository_url"),
)

roles = sa.Table(
    "roles",
    metadata,
    id_column(primary_key=True),
    scope_reference("organizations"),
    sa.Column("scope_type", sa.String(12), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("name_key", sa.String(50), nullable=False),  # case-folded, for uniqueness
    sa.Column("permissions", Json, nullable=False),
    *lifecycle(),
    sa.UniqueConstraint("organization_id", "scope_type", "name_key", name="uq_roles_org_name"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    id_column(primary_key=True),
    user_reference(nullable=False),
    *scope_placement(),
    id_column("role_id", nullable=False),
    *lifecycle(),
    sa.UniqueConstraint("user_id", "scope_id", name="uq_memberships_user_scope"),
    sa.Index("ix_memberships_scope", "scope_id", "id"),
    sa.Index("ix_memberships_user_org", "user_id", "organization_id"),
    sa.Index("ix_memberships_role", "role_id"),
    sa.Index("ix_memberships_team", "team_id"),
)
