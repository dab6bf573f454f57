"""The Authorizer: the one place a use case (and so a handler) gets a permission decision from.

It loads the scope chain and the caller's memberships on it, asks the pure ``decide`` function,
logs the reason, and turns a denial into NotFound (the caller may not know the scope exists) or
Forbidden. Nothing is cached between requests: a membership change counts on the very next one."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.access.ports import ScopeChain, ScopeChainReader
from domain.access.decision import Decision, Outcome, decide, effective_permissions
from domain.access.errors import PermissionDenied, ScopeNotFound
from domain.access.memberships import AccessPrincipal, Membership
from domain.access.organization import Organization
from domain.access.permissions import Permission, ScopeKind
from domain.access.power import Power, member_power
from domain.access.scopes import ScopeNode
from domain.access.team import Project, Team

log = logging.getLogger("fairarena.rbac")


@dataclass(frozen=True)
class ScopeAccess:
    """A scope the caller was allowed to act on, with what they hold there."""

    chain: ScopeChain
    node: ScopeNode
    principal: AccessPrincipal
    decision: Decision

    @property
    def organization(self) -> Organization:
        return self.chain.organization

    @property
    def team(self) -> Team:
        if self.chain.team is None:
            raise LookupError(f"this access is to a {self.kind.value}, not a team")
        return self.chain.team

    @property
    def project(self) -> Project:
        if self.chain.project is None:
            raise LookupError(f"this access is to a {self.kind.value}, not a project")
        return self.chain.project

    @property
    def kind(self) -> ScopeKind:
        return self.node.kind

    @property
    def permissions(self) -> frozenset[Permission]:
        return effective_permissions(self.principal, self.node)

    @property
    def power(self) -> Power:
        """What the caller holds here and, through it, on any scope below (membership rules)."""
        return member_power(self.principal, self.node)

    @property
    def my_membership(self) -> Membership | None:
        return self.principal.held_on(self.node.ref)

    def allows(self, permission: Permission) -> bool:
        return decide(self.principal, self.node, permission).allowed


def node_of(chain: ScopeChain) -> ScopeNode:
    node = chain.organization.node
    if chain.team is not None:
        node = chain.team.node(node)
    if chain.project is not None:
        node = chain.project.node(node)
    return node


async def read_chain(
    reader: ScopeChainReader,
    kind: ScopeKind,
    ref: str,
    user_id: str | None,
    *,
    counts: bool = False,
) -> ScopeChain | None:
    """The chain of the scope ``ref`` of ``kind`` with ``user_id``'s memberships along it;
    ``counts`` loads a team's or project's member and child counts (an organization's chain has
    none)."""
    if kind is ScopeKind.ORGANIZATION:
        return await reader.organization(ref, user_id)
    if kind is ScopeKind.TEAM:
        return await reader.team(ref, user_id, counts=counts)
    return await reader.project(ref, user_id, counts=counts)


class Authorizer:
    """Decides ``permission`` for ``user_id`` on a loaded scope chain (None: it does not exist)."""

    def authorize(
        self, user_id: str | None, chain: ScopeChain | None, kind: ScopeKind, permission: Permission
    ) -> ScopeAccess:
        if chain is None:
            raise ScopeNotFound(kind.value)
        node = node_of(chain)
        principal = AccessPrincipal.of(user_id, chain.memberships)
        decision = decide(principal, node, permission)
        log.debug(
            "rbac.decision user=%s %s on %s: %s (%s)",
            user_id,
            permission.value,
            node.ref,
            decision.outcome.value,
            decision.reason,
        )
        if decision.outcome is Outcome.NOT_FOUND:
            raise ScopeNotFound(kind.value)
        if decision.outcome is Outcome.FORBIDDEN:
            raise PermissionDenied(f"Insufficient permissions: {permission.value} required")
        return ScopeAccess(chain, node, principal, decision)

    async def organization(
        self, reader: ScopeChainReader, user_id: str | None, ref: str, permission: Permission
    ) -> ScopeAccess:
        return await self.scope(reader, user_id, ScopeKind.ORGANIZATION, ref, permission)

    async def scope(
        self,
        reader: ScopeChainReader,
        user_id: str | None,
        kind: ScopeKind,
        ref: str,
        permission: Permission,
        *,
        counts: bool = False,
    ) -> ScopeAccess:
        """Any kind; ``counts`` as in ``read_chain``."""
        chain = await read_chain(reader, kind, ref, user_id, counts=counts)
        return self.authorize(user_id, chain, kind, permission)
