"""The access context's unit of work (organizations, teams, projects, roles, members)."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import (
    MembershipRepository,
    OrganizationRepository,
    ProjectRepository,
    RoleRepository,
    ScopeChainReader,
    TeamRepository,
)
from application.account.ports import ActivityUnitOfWork
from application.identity.ports import UserRepository
from application.invitations.ports import InvitationRepository
from application.ports.audit import AuditLog


class AccessUnitOfWork(ActivityUnitOfWork, Protocol):
    """Removing or demoting a member revokes the invitations they can no longer grant."""

    scopes: ScopeChainReader
    organizations: OrganizationRepository
    teams: TeamRepository
    projects: ProjectRepository
    roles: RoleRepository
    memberships: MembershipRepository
    invitations: InvitationRepository
    users: UserRepository
    audit: AuditLog
