"""The roles an invitation to a scope may carry, and how invitations name their scope."""

from __future__ import annotations

from application.access.ports import ScopeChain
from application.invitations.unit_of_work import ScopeRolesUnitOfWork
from application.invitations.views import ScopeName
from domain.access.permissions import ScopeKind
from domain.access.power import Power
from domain.access.roles import DEFAULT_ROLES, Role
from domain.invitations.requests import RoleCatalogue


async def scope_roles(
    uow: ScopeRolesUnitOfWork, organization_id: str, kind: ScopeKind
) -> tuple[Role, ...]:
    """Default roles of ``kind`` first, then the organization's custom roles of that scope."""
    custom = await uow.roles.list_for_organization(organization_id)
    return (*DEFAULT_ROLES[kind], *(r for r in custom if r.scope is kind))


def catalogue(roles: tuple[Role, ...], inviter: Power) -> RoleCatalogue:
    """Every role may be named; only those no stronger than the inviter's own may be granted."""
    return RoleCatalogue(
        by_id={r.id: r.name for r in roles},
        grantable=frozenset(r.id for r in roles if inviter.covers(r)),
    )


def names(chain: ScopeChain) -> tuple[ScopeName, ScopeName | None, ScopeName | None]:
    org, team, project = chain.organization, chain.team, chain.project
    return (
        ScopeName(org.id, org.name, org.slug),
        ScopeName(team.id, team.name, team.slug) if team else None,
        ScopeName(project.id, project.name, project.slug) if project else None,
    )


def scope_hidden(chain: ScopeChain | None) -> bool:
    """Missing or soft-deleted (here or above): an invitation to it can no longer be used."""
    if chain is None:
        return True
    return any(
        s is not None and s.deleted_at is not None
        for s in (chain.organization, chain.team, chain.project)
    )
