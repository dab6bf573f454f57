"""The one decision function: (principal, resource, permission) → Decision with its reason.

Deny by default. A role grants on the scope it is held on and, through the implication table, on
the scopes below. Visibility alone grants only the read permission. Roles below the organization
count only while the user is still a member of the organization. Soft-deleted scopes (and every
scope below one) grant nothing and do not exist for anyone."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.access.implications import implied_by
from domain.access.memberships import AccessPrincipal
from domain.access.permissions import READ_PERMISSION, Permission
from domain.access.roles import Role
from domain.access.scopes import ScopeNode, ScopeRef
from domain.access.visibility import Visibility


class Outcome(StrEnum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the caller may see the resource but not do this
    NOT_FOUND = "not_found"  # the caller may not even know the resource exists


@dataclass(frozen=True)
class Grant:
    """``role`` applies to the resource because ``held`` was held on ``held_on``; ``path`` is the
    implication chain from ``held`` to ``role`` (just ``(held,)`` for a direct membership)."""

    role: Role
    held_on: ScopeRef
    path: tuple[Role, ...]

    @property
    def held(self) -> Role:
        return self.path[0]

    def explain(self) -> str:
        text = f"{self.held.scope.value} role {self.held.name} on {self.held_on}"
        if len(self.path) > 1:
            text += " implies " + " → ".join(f"{r.scope.value} {r.name}" for r in self.path[1:])
        return text


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    permission: Permission
    resource: ScopeRef
    reason: str
    grant: Grant | None = None  # the role that allowed it (None when visibility did)

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


def grants_on(principal: AccessPrincipal, node: ScopeNode) -> tuple[Grant, ...]:
    """Every role the principal holds on ``node``, directly or by implication."""
    if node.hidden or not principal.signed_in:
        return ()
    chain = node.chain
    org_membership = principal.held_on(chain[0].ref)
    if org_membership is None:
        return ()  # roles below an organization lapse with the organization membership
    grants: tuple[Grant, ...] = (Grant(org_membership.role, chain[0].ref, (org_membership.role,)),)
    for child in chain[1:]:
        implied = tuple(
            Grant(target, g.held_on, (*g.path, target))
            for g in grants
            for target in implied_by(g.role, child.visibility)
        )
        direct = principal.held_on(child.ref)
        # A role held right here explains a decision best, so it comes first.
        grants = ((Grant(direct.role, child.ref, (direct.role,)),) if direct else ()) + implied
    return grants


def visible_without_role(principal: AccessPrincipal, node: ScopeNode) -> bool:
    """Readable through visibility alone: PUBLIC to the signed-in who can read the parent,
    INTERNAL to those holding a role on the parent, PRIVATE to nobody."""
    if node.hidden or not principal.signed_in or node.visibility is Visibility.PRIVATE:
        return False
    if node.parent is None:
        return node.visibility is Visibility.PUBLIC
    if node.visibility is Visibility.INTERNAL:
        return bool(grants_on(principal, node.parent))
    return can_read(principal, node.parent)


def can_read(principal: AccessPrincipal, node: ScopeNode) -> bool:
    read = READ_PERMISSION[node.kind]
    return any(read in g.role.permissions for g in grants_on(principal, node)) or (
        visible_without_role(principal, node)
    )


def effective_permissions(principal: AccessPrincipal, node: ScopeNode) -> frozenset[Permission]:
    perms: frozenset[Permission] = frozenset()
    for g in grants_on(principal, node):
        perms |= g.role.permissions
    if visible_without_role(principal, node):
        perms |= {READ_PERMISSION[node.kind]}
    return perms


def decide(principal: AccessPrincipal, node: ScopeNode, permission: Permission) -> Decision:
    """Allow or deny ``permission`` on ``node`` for ``principal``, saying why."""
    if permission.scope is not node.kind:
        raise ValueError(f"{permission.value} does not apply to a {node.kind.value}")

    def deny(outcome: Outcome, reason: str) -> Decision:
        return Decision(outcome, permission, node.ref, reason)

    if node.hidden:
        return deny(Outcome.NOT_FOUND, f"{node.kind.value} is deleted or lies in a deleted scope")
    if not principal.signed_in:
        return deny(Outcome.NOT_FOUND, "anonymous callers hold no roles")
    grants = grants_on(principal, node)
    for g in grants:
        if permission in g.role.permissions:
            return Decision(Outcome.ALLOWED, permission, node.ref, g.explain(), g)
    read = READ_PERMISSION[node.kind]
    visible = visible_without_role(principal, node)
    if permission is read and visible:
        return Decision(
            Outcome.ALLOWED,
            permission,
            node.ref,
            f"{node.visibility.value} {node.kind.value} readable without a role",
        )
    if not visible and not any(read in g.role.permissions for g in grants):
        return deny(Outcome.NOT_FOUND, f"no role on {node.ref} and it is not visible to the caller")
    held = "; ".join(g.explain() for g in grants) or "no role, visible only by visibility"
    return deny(Outcome.FORBIDDEN, f"{permission.value} not granted ({held})")
