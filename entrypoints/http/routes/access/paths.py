"""Where a scope of each kind lives in the API: ``/api/v1/<kind>/{<param>}``."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access.permissions import ScopeKind

_PARAM = {ScopeKind.ORGANIZATION: "orgId", ScopeKind.TEAM: "teamId", ScopeKind.PROJECT: "projectId"}


@dataclass(frozen=True)
class ScopePath:
    collection: str  # "/api/v1/team": create here
    param: str  # "teamId"

    @property
    def one(self) -> str:
        """``/api/v1/team/{teamId}``: one scope, and the base of everything below it."""
        return f"{self.collection}/{{{self.param}}}"


def scope_path(kind: ScopeKind) -> ScopePath:
    return ScopePath(f"/api/v1/{kind.value}", _PARAM[kind])
