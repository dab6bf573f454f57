"""Projects: create under a team, read, edit, soft-delete, list those the caller may see."""

from __future__ import annotations

from application.access.ports import ProjectSummary
from application.access.scope_types import PROJECTS, ScopeFields
from application.access.scope_use_cases import (
    CreateChildScope,
    DeleteScope,
    GetScope,
    ListChildren,
    UpdateChildScope,
)
from application.pagination import Page, PageRequest
from domain.access.list_filters import ChildFilter
from domain.access.permissions import ScopeKind
from domain.access.team import Project


class CreateProject(CreateChildScope[Project, ScopeFields]):
    """A project in a team (team:projects:create); its creator becomes its Owner."""

    scope_type = PROJECTS


class GetProject(GetScope[Project, ScopeFields]):
    scope_type = PROJECTS


class UpdateProject(UpdateChildScope[Project, ScopeFields]):
    scope_type = PROJECTS


class DeleteProject(DeleteScope[Project, ScopeFields]):
    scope_type = PROJECTS


class ListProjects(ListChildren[ProjectSummary]):
    """The projects of a team the caller may read, filtered in one query."""

    parent = ScopeKind.TEAM

    async def _page(
        self, parent_id: str, flt: ChildFilter, page: PageRequest
    ) -> Page[ProjectSummary]:
        return await self._lists.projects(parent_id, flt, page)
