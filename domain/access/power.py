"""Power: what a role, or a member, can do from one scope downwards — the measure behind "nobody
grants, edits or touches a role above their own".

A permission set alone is not the measure: a default role implies roles below its scope (org
Maintainer is team Admin on every team). Comparing sets only let a custom organization role
holding ``org:members:manage`` hand out Maintainer — team Admin on PRIVATE teams its holder cannot
even see — or give it to themselves. Power compares the scope itself and a hypothetical child and
grandchild of every visibility, so what a role implies counts as much as what it grants here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

from domain.access.decision import effective_permissions
from domain.access.implications import implied_by
from domain.access.memberships import AccessPrincipal
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeNode, ScopeRef
from domain.access.visibility import Visibility

# Where, relative to a scope: () the scope itself, (v,) a child of visibility v, (v, w) a
# grandchild of visibility w under a child of visibility v.
Position = tuple[Visibility, ...]

# Never a stored id, so a member's direct roles on real children do not count as power over
# every child: only what they hold here (and what it implies below) does.
_HYPOTHETICAL = ""


def depth(kind: ScopeKind) -> int:
    """0 for an organization, 1 for a team, 2 for a project."""
    return 0 if kind.parent is None else depth(kind.parent) + 1


def positions(kind: ScopeKind) -> tuple[Position, ...]:
    """Every position from a scope of ``kind`` down to projects, the scope itself first."""
    levels = 2 - depth(kind)
    return tuple(p for n in range(levels + 1) for p in product(tuple(Visibility), repeat=n))


@dataclass(frozen=True)
class Power:
    """Permissions held at every position below (and at) a scope of kind ``scope``."""

    scope: ScopeKind
    at: Mapping[Position, frozenset[Permission]]

    @property
    def here(self) -> frozenset[Permission]:
        return self.at.get((), frozenset())

    def covers(self, role: Role) -> bool:
        """A member with this power may hand out ``role`` on any scope of its kind at or below
        this one, whatever its visibility: everything the role grants there and implies below
        is held at the same place."""
        offset = depth(role.scope) - depth(self.scope)
        if offset < 0:
            return False
        granted = role_power(role).at
        return all(
            perms <= self.at.get(where + rel, frozenset())
            for where in positions(self.scope)
            if len(where) == offset
            for rel, perms in granted.items()
        )


def role_power(role: Role) -> Power:
    """What holding ``role`` alone on a scope gives there and, by implication, below it."""
    held: dict[Position, tuple[Role, ...]] = {(): (role,)}
    for where in positions(role.scope)[1:]:  # parents come before their children
        held[where] = tuple(
            implied for above in held[where[:-1]] for implied in implied_by(above, where[-1])
        )
    at = {where: frozenset().union(*(r.permissions for r in rs)) for where, rs in held.items()}
    return Power(role.scope, at)


def member_power(principal: AccessPrincipal, node: ScopeNode) -> Power:
    """What ``principal`` holds on ``node`` and, through it, on any child or grandchild of it."""
    at: dict[Position, frozenset[Permission]] = {}
    for where in positions(node.kind):
        at[where] = effective_permissions(principal, _descendant(node, where))
    return Power(node.kind, at)


def _descendant(node: ScopeNode, where: Position) -> ScopeNode:
    for visibility in where:
        kind = node.kind.child
        if kind is None:
            raise ValueError(f"a {node.kind.value} has no children")
        node = ScopeNode(ScopeRef(kind, _HYPOTHETICAL), visibility, False, node)
    return node
