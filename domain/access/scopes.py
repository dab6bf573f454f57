"""A resource as the decision function sees it: a scope node and its ancestors."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access.permissions import ScopeKind
from domain.access.visibility import Visibility


@dataclass(frozen=True)
class ScopeRef:
    kind: ScopeKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.id}"


@dataclass(frozen=True)
class ScopeNode:
    """One organization, team or project with what authorization needs to know about it.

    An organization's visibility is PUBLIC when ``isPublic`` and PRIVATE otherwise."""

    ref: ScopeRef
    visibility: Visibility
    deleted: bool = False
    parent: ScopeNode | None = None

    def __post_init__(self) -> None:
        expected = self.ref.kind.parent
        actual = self.parent.ref.kind if self.parent else None
        if expected is not actual:
            raise ValueError(f"a {self.ref.kind.value} node needs parent {expected}, got {actual}")

    @property
    def kind(self) -> ScopeKind:
        return self.ref.kind

    @property
    def chain(self) -> tuple[ScopeNode, ...]:
        """Root (organization) first, this node last."""
        return (*self.parent.chain, self) if self.parent else (self,)

    @property
    def organization(self) -> ScopeNode:
        return self.chain[0]

    @property
    def hidden(self) -> bool:
        """Soft-deleted here or above: the node grants nothing and exists for nobody."""
        return any(n.deleted for n in self.chain)


def organization_node(org_id: str, *, is_public: bool, deleted: bool = False) -> ScopeNode:
    visibility = Visibility.PUBLIC if is_public else Visibility.PRIVATE
    return ScopeNode(ScopeRef(ScopeKind.ORGANIZATION, org_id), visibility, deleted)


def team_node(
    team_id: str, visibility: Visibility, org: ScopeNode, *, deleted: bool = False
) -> ScopeNode:
    return ScopeNode(ScopeRef(ScopeKind.TEAM, team_id), visibility, deleted, org)


def project_node(
    project_id: str, visibility: Visibility, team: ScopeNode, *, deleted: bool = False
) -> ScopeNode:
    return ScopeNode(ScopeRef(ScopeKind.PROJECT, project_id), visibility, deleted, team)
