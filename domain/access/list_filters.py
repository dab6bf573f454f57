"""Which children of a scope a caller may list, as a filter a query can apply in one statement.

A child is listed when it is not deleted and: the caller's roles on the parent imply a role on
children of its visibility, or its visibility lets the caller read it, or the caller holds a role
on the child itself. This is exactly ``can_read`` on each child, computed once for the parent."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access.decision import can_read, grants_on
from domain.access.implications import implied_visibilities
from domain.access.memberships import AccessPrincipal
from domain.access.scopes import ScopeNode
from domain.access.visibility import Visibility


@dataclass(frozen=True)
class ChildFilter:
    """Children with a visibility in ``visibilities``, plus those on which ``member_user_id``
    holds a role directly (None: no such children count). ``nothing``: the parent is unreadable."""

    visibilities: frozenset[Visibility]
    member_user_id: str | None
    nothing: bool = False

    @property
    def everything(self) -> bool:
        return not self.nothing and self.visibilities == frozenset(Visibility)

    def admits(self, visibility: Visibility, caller_holds_role: bool) -> bool:
        if self.nothing:
            return False
        return visibility in self.visibilities or (
            caller_holds_role and self.member_user_id is not None
        )


def child_filter(principal: AccessPrincipal, parent: ScopeNode) -> ChildFilter:
    if parent.hidden or not principal.signed_in:
        return ChildFilter(frozenset(), None, nothing=True)
    grants = grants_on(principal, parent)
    visibilities: frozenset[Visibility] = frozenset()
    for g in grants:
        visibilities |= implied_visibilities(g.role)
    if can_read(principal, parent):
        visibilities |= {Visibility.PUBLIC}
    if grants:
        visibilities |= {Visibility.INTERNAL}
    org_member = principal.held_on(parent.organization.ref) is not None
    return ChildFilter(visibilities, principal.user_id if org_member else None)
