"""Project activity answers (API.md "Community": GitHub)."""

from __future__ import annotations

from typing import Any

from domain.project_activity.activity import ProjectActivity
from entrypoints.http.schemas.base import ApiOutput, UtcTime, shown


class ProjectActivityOut(ApiOutput):
    id: str
    kind: str
    repository: str
    ref: str
    pusher: str
    commit_count: int
    head_commit: dict[str, Any] | None
    commits: list[dict[str, Any]]
    created_at: UtcTime


def activity_out(a: ProjectActivity) -> ProjectActivityOut:
    return shown(
        ProjectActivityOut,
        a,
        head_commit=dict(a.head_commit) if a.head_commit is not None else None,
        commits=[dict(c) for c in a.commits],
    )
