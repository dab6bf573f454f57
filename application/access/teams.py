"""Teams: create under an organization, read, edit, soft-delete, join, list those one may see."""

from __future__ import annotations

from application.access.ports import TeamSummary
from application.access.scope_types import TEAMS, ScopeFields
from application.access.scope_use_cases import (
    CreateChildScope,
    DeleteScope,
    GetScope,
    JoinScope,
    ListChildren,
    UpdateChildScope,
)
from application.pagination import Page, PageRequest
from domain.access.list_filters import ChildFilter
from domain.access.permissions import ScopeKind
from domain.access.team import Team

__all__ = [
    "CreateTeam",
    "DeleteTeam",
    "GetTeam",
    "JoinTeam",
    "ListTeams",
    "ScopeFields",
    "UpdateTeam",
]


class CreateTeam(CreateChildScope[Team, ScopeFields]):
    """A team in an organization (org:teams:create); its creator becomes its Owner."""

    scope_type = TEAMS


class GetTeam(GetScope[Team, ScopeFields]):
    scope_type = TEAMS


class UpdateTeam(UpdateChildScope[Team, ScopeFields]):
    scope_type = TEAMS


class DeleteTeam(DeleteScope[Team, ScopeFields]):
    """Soft delete: the team and its projects disappear for everyone."""

    scope_type = TEAMS


class JoinTeam(JoinScope[Team, ScopeFields]):
    """An organization member joins a team they can see that has joining enabled (as Member)."""

    scope_type = TEAMS


class ListTeams(ListChildren[TeamSummary]):
    """The teams of an organization the caller may read, filtered in one query."""

    parent = ScopeKind.ORGANIZATION

    async def _page(self, parent_id: str, flt: ChildFilter, page: PageRequest) -> Page[TeamSummary]:
        return await self._lists.teams(parent_id, flt, page)
