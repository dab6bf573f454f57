"""Teams and projects: the two lower scopes, each with a visibility."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.access.repository_url import github_repository_url
from domain.access.scopes import ScopeNode, project_node, team_node
from domain.access.slugs import validate_slug
from domain.access.visibility import Visibility
from domain.errors import ValidationFailed

NAME_MIN, NAME_MAX = 2, 100
SLUG_MIN, SLUG_MAX = 2, 100
DESCRIPTION_MAX = 500


def check_name(name: str) -> None:
    if not NAME_MIN <= len(name) <= NAME_MAX or name != name.strip():
        raise ValidationFailed(
            "Invalid name",
            details=[{"field": "name", "message": f"{NAME_MIN}..{NAME_MAX} characters, trimmed"}],
        )


def check_description(description: str | None) -> None:
    if description is not None and len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(
            "Description too long",
            details=[{"field": "description", "message": f"at most {DESCRIPTION_MAX} characters"}],
        )


@dataclass(frozen=True)
class Team:
    id: str
    organization_id: str
    name: str
    slug: str
    visibility: Visibility
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    join_enabled: bool = False
    deleted_at: datetime | None = None

    def __post_init__(self) -> None:
        check_name(self.name)
        validate_slug(self.slug, min_length=SLUG_MIN, max_length=SLUG_MAX)
        check_description(self.description)

    def node(self, org: ScopeNode) -> ScopeNode:
        if org.ref.id != self.organization_id:
            raise ValueError("team placed under another organization")
        return team_node(self.id, self.visibility, org, deleted=self.deleted_at is not None)

    def deleted(self, now: datetime) -> Team:
        return replace(self, deleted_at=now, updated_at=now)


@dataclass(frozen=True)
class Project:
    id: str
    organization_id: str
    team_id: str
    name: str
    slug: str
    visibility: Visibility
    created_by: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    deleted_at: datetime | None = None
    repository_url: str | None = None  # canonical (domain/access/repository_url.py)

    def __post_init__(self) -> None:
        check_name(self.name)
        validate_slug(self.slug, min_length=SLUG_MIN, max_length=SLUG_MAX)
        check_description(self.description)
        if self.repository_url is not None:
            object.__setattr__(self, "repository_url", github_repository_url(self.repository_url))

    def node(self, team: ScopeNode) -> ScopeNode:
        if team.ref.id != self.team_id:
            raise ValueError("project placed under another team")
        return project_node(self.id, self.visibility, team, deleted=self.deleted_at is not None)

    def deleted(self, now: datetime) -> Project:
        return replace(self, deleted_at=now, updated_at=now)
