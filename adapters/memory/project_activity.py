"""Project activity in memory."""

from __future__ import annotations

from datetime import datetime

from adapters.memory.paging import newest_first
from adapters.memory.registry import REPOSITORIES, MemoryRepository
from application.pagination import Page, PageRequest
from domain.project_activity.activity import ProjectActivity


def _key(activity: ProjectActivity) -> tuple[datetime, str]:
    return activity.created_at, activity.id


@REPOSITORIES.register("project_activity")
class MemoryProjectActivityRepository(MemoryRepository):
    async def add(self, activity: ProjectActivity) -> bool:
        entries = self._s.project_activity.entries
        if any(
            e.webhook_id == activity.webhook_id and e.project_id == activity.project_id
            for e in entries.values()
        ):
            return False
        entries[activity.id] = activity
        return True

    async def list_for_project(self, project_id: str, page: PageRequest) -> Page[ProjectActivity]:
        found = [e for e in self._s.project_activity.entries.values() if e.project_id == project_id]
        return newest_first(sorted(found, key=_key, reverse=True), page, _key)

    async def linked_projects(self, repository_url: str) -> list[str]:
        return sorted(
            p.id
            for p in self._s.access.projects.values()
            if p.repository_url == repository_url and p.deleted_at is None
        )
