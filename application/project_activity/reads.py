"""``GET /project/{id}/activity``: what linked repositories did, for those with project:read."""

from __future__ import annotations

from dataclasses import dataclass

from application.access.authorizer import Authorizer
from application.identity.principal import Principal
from application.pagination import Page, PageRequest
from application.ports.unit_of_work import UnitOfWorkFactory
from application.project_activity.unit_of_work import ProjectActivityUnitOfWork
from domain.access.permissions import Permission, ScopeKind
from domain.project_activity.activity import ProjectActivity


@dataclass(frozen=True, eq=False)
class ListProjectActivity:
    uow: UnitOfWorkFactory[ProjectActivityUnitOfWork]
    authorizer: Authorizer

    async def __call__(
        self, caller: Principal, project_id: str, page: PageRequest
    ) -> Page[ProjectActivity]:
        async with self.uow() as uow:
            access = await self.authorizer.scope(
                uow.scopes, caller.user_id, ScopeKind.PROJECT, project_id, Permission.PROJECT_READ
            )
            return await uow.project_activity.list_for_project(access.project.id, page)
