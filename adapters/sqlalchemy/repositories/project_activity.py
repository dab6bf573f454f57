"""Project activity on SQLAlchemy Core."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.sqlalchemy.paging import read_page
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import entity_of, entity_row, insert_ignoring_conflict
from adapters.sqlalchemy.tables.access import projects
from adapters.sqlalchemy.tables.project_activity import project_activity
from application.pagination import Page, PageRequest
from domain.project_activity.activity import ProjectActivity

a = project_activity.c


def _activity(row: Any) -> ProjectActivity:
    return entity_of(ProjectActivity, row, commits=tuple(row.commits))


@REPOSITORIES.register("project_activity")
class SqlProjectActivityRepository(SqlRepository):
    async def add(self, activity: ProjectActivity) -> bool:
        head = dict(activity.head_commit) if activity.head_commit is not None else None
        row = entity_row(activity, head_commit=head, commits=[dict(c) for c in activity.commits])
        return await insert_ignoring_conflict(
            self._conn, project_activity, row, keys=["webhook_id", "project_id"]
        )

    async def list_for_project(self, project_id: str, page: PageRequest) -> Page[ProjectActivity]:
        stmt = sa.select(project_activity).where(a.project_id == project_id)
        return await read_page(self._conn, stmt, page, _activity, by=a.created_at, id=a.id)

    async def linked_projects(self, repository_url: str) -> list[str]:
        stmt = (
            sa.select(projects.c.id)
            .where(projects.c.repository_url == repository_url, projects.c.deleted_at.is_(None))
            .order_by(projects.c.id)
        )
        return list((await self._conn.execute(stmt)).scalars())
