"""Membership: one role held by one user on one scope, and the principal asking for access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.access.permissions import ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeRef


@dataclass(frozen=True)
class Membership:
    """``user_id`` holds ``role`` on the scope named by the most specific of the three ids."""

    user_id: str
    role: Role
    organization_id: str
    team_id: str | None = None
    project_id: str | None = None

    def __post_init__(self) -> None:
        if self.project_id is not None and self.team_id is None:
            raise ValueError("a project membership names its team")
        if self.role.scope is not self.scope.kind:
            raise ValueError(f"a {self.role.scope.value} role on a {self.scope.kind.value}")

    @property
    def scope(self) -> ScopeRef:
        if self.project_id is not None:
            return ScopeRef(ScopeKind.PROJECT, self.project_id)
        if self.team_id is not None:
            return ScopeRef(ScopeKind.TEAM, self.team_id)
        return ScopeRef(ScopeKind.ORGANIZATION, self.organization_id)

    def is_below(self, scope: ScopeRef) -> bool:
        """True when this membership sits strictly inside ``scope``."""
        if scope.kind is ScopeKind.ORGANIZATION:
            return self.organization_id == scope.id and self.scope != scope
        if scope.kind is ScopeKind.TEAM:
            return self.team_id == scope.id and self.project_id is not None
        return False


@dataclass(frozen=True)
class AccessPrincipal:
    """The caller: ``user_id`` None for anonymous. ``memberships`` may hold more than needed."""

    user_id: str | None
    memberships: tuple[Membership, ...] = field(default=())

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    def held_on(self, scope: ScopeRef) -> Membership | None:
        for m in self.memberships:
            if m.scope == scope and m.user_id == self.user_id:
                return m
        return None

    @staticmethod
    def of(user_id: str | None, memberships: Iterable[Membership]) -> AccessPrincipal:
        return AccessPrincipal(user_id, tuple(m for m in memberships if m.user_id == user_id))


def cascade_removal(
    removed: Membership, memberships: Iterable[Membership]
) -> tuple[Membership, ...]:
    """The user's memberships that go with ``removed``: it and every one below its scope."""
    return tuple(
        m
        for m in memberships
        if m.user_id == removed.user_id and (m == removed or m.is_below(removed.scope))
    )
