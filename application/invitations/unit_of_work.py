"""The invitations context's units of work."""

from __future__ import annotations

from typing import Protocol

from application.access.ports import (
    MembershipRepository,
    OrganizationRepository,
    RoleRepository,
    ScopeChainReader,
)
from application.account.ports import ActivityUnitOfWork
from application.identity.ports import UserRepository
from application.invitations.ports import InvitationRepository
from application.ports.audit import AuditLog
from application.ports.outbox import Outbox
from application.ports.unit_of_work import UnitOfWork


class ScopeRolesUnitOfWork(UnitOfWork, Protocol):
    """What reading a scope's chain and its grantable roles needs."""

    scopes: ScopeChainReader
    roles: RoleRepository


class RevocationUnitOfWork(ScopeRolesUnitOfWork, Protocol):
    """What revoking lapsed invitations needs, inside another context's transaction (a member
    removed or demoted, a role edited, a user deleted)."""

    invitations: InvitationRepository
    users: UserRepository
    audit: AuditLog


class InvitationsUnitOfWork(RevocationUnitOfWork, ActivityUnitOfWork, Protocol):
    """Accepting an invitation writes a membership of the access context in one transaction."""

    organizations: OrganizationRepository
    memberships: MembershipRepository
    outbox: Outbox
