"""Persistence of project activity (``uow.project_activity``); never commits."""

from __future__ import annotations

from typing import Protocol

from application.pagination import Page, PageRequest
from domain.project_activity.activity import ProjectActivity


class ProjectActivityRepository(Protocol):
    async def add(self, activity: ProjectActivity) -> bool:
        """Store it; False when the same (delivery, project) is already stored."""
        ...

    async def list_for_project(self, project_id: str, page: PageRequest) -> Page[ProjectActivity]:
        """Newest first."""
        ...

    async def linked_projects(self, repository_url: str) -> list[str]:
        """Ids of the live (not deleted) projects linked to this canonical repository URL."""
        ...
