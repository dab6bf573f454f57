"""An organization: the top scope, public or not, open to joining or not."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from domain.access.errors import NotJoinable
from domain.access.scopes import ScopeNode, organization_node
from domain.access.slugs import validate_slug
from domain.errors import ValidationFailed

ORG_NAME_MAX = 100
ORG_SLUG_MAX = 50


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    slug: str
    is_public: bool
    join_enabled: bool
    created_at: datetime
    updated_at: datetime
    timezone: str | None = None
    description: str | None = None
    website: str | None = None
    logo_url: str | None = None
    deleted_at: datetime | None = None

    def __post_init__(self) -> None:
        check_org_name(self.name)
        validate_slug(self.slug, min_length=1, max_length=ORG_SLUG_MAX)

    @property
    def node(self) -> ScopeNode:
        deleted = self.deleted_at is not None
        return organization_node(self.id, is_public=self.is_public, deleted=deleted)

    def check_joinable(self) -> None:
        """Joining without an invitation needs a public organization with joining enabled."""
        if not (self.is_public and self.join_enabled):
            raise NotJoinable()

    def deleted(self, now: datetime) -> Organization:
        return replace(self, deleted_at=now, updated_at=now)


def check_org_name(name: str) -> None:
    if not 1 <= len(name.strip()) <= ORG_NAME_MAX or name != name.strip():
        raise ValidationFailed(
            "Invalid name",
            details=[{"field": "name", "message": f"1..{ORG_NAME_MAX} characters, trimmed"}],
        )
