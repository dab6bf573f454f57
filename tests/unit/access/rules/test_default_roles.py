"""The default roles and permission strings are exactly those of API.md."""

from __future__ import annotations

import pytest

from domain.access import roles as r
from domain.access.errors import UnknownPermission, UnknownRole
from domain.access.implications import IMPLICATIONS, implied_by
from domain.access.permissions import PERMISSIONS_BY_SCOPE, ScopeKind, parse_permissions
from domain.access.roles import resolve_role
from domain.access.visibility import Visibility


def names(role: r.Role) -> set[str]:
    return {p.value for p in role.permissions}


def test_permission_strings_are_the_api_ones() -> None:
    assert {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.ORGANIZATION]} == {
        "org:read",
        "org:update",
        "org:delete",
        "org:billing:manage",
        "org:members:read",
        "org:members:invite",
        "org:members:manage",
        "org:roles:manage",
        "org:teams:create",
        "org:audit:read",
    }
    assert {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.TEAM]} == {
        "team:read",
        "team:update",
        "team:delete",
        "team:members:read",
        "team:members:invite",
        "team:members:manage",
        "team:projects:create",
        "team:audit:read",
    }
    assert {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.PROJECT]} == {
        "project:read",
        "project:update",
        "project:delete",
        "project:members:read",
        "project:members:invite",
        "project:members:manage",
    }


def test_org_roles() -> None:
    org_all = {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.ORGANIZATION]}
    assert names(r.ORG_OWNER) == org_all
    assert names(r.ORG_CO_OWNER) == org_all - {"org:delete", "org:billing:manage"}
    assert names(r.ORG_MAINTAINER) == {
        "org:read",
        "org:members:read",
        "org:members:invite",
        "org:teams:create",
    }
    assert names(r.ORG_MEMBER) == {"org:read", "org:members:read"}


def test_team_and_project_roles() -> None:
    team_all = {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.TEAM]}
    assert names(r.TEAM_OWNER) == team_all
    assert names(r.TEAM_ADMIN) == team_all - {"team:delete"}
    assert names(r.TEAM_MEMBER) == {"team:read", "team:members:read", "team:projects:create"}
    assert names(r.PROJECT_OWNER) == {p.value for p in PERMISSIONS_BY_SCOPE[ScopeKind.PROJECT]}
    assert names(r.PROJECT_EDITOR) == {
        "project:read",
        "project:update",
        "project:members:read",
        "project:members:invite",
    }
    assert names(r.PROJECT_VIEWER) == {"project:read", "project:members:read"}


@pytest.mark.parametrize(
    ("source", "visibility", "expected"),
    [
        (r.ORG_OWNER, Visibility.PRIVATE, (r.TEAM_OWNER,)),
        (r.ORG_CO_OWNER, Visibility.PRIVATE, (r.TEAM_ADMIN,)),
        (r.ORG_MAINTAINER, Visibility.INTERNAL, (r.TEAM_ADMIN,)),
        (r.ORG_MEMBER, Visibility.PUBLIC, ()),
        (r.TEAM_OWNER, Visibility.PRIVATE, (r.PROJECT_OWNER,)),
        (r.TEAM_ADMIN, Visibility.PRIVATE, (r.PROJECT_EDITOR,)),
        (r.TEAM_MEMBER, Visibility.INTERNAL, (r.PROJECT_VIEWER,)),
        (r.TEAM_MEMBER, Visibility.PUBLIC, (r.PROJECT_VIEWER,)),
        (r.TEAM_MEMBER, Visibility.PRIVATE, ()),
        (r.PROJECT_OWNER, Visibility.PRIVATE, ()),
    ],
)
def test_implication_table(
    source: r.Role, visibility: Visibility, expected: tuple[r.Role, ...]
) -> None:
    assert implied_by(source, visibility) == expected


def test_implications_go_exactly_one_scope_down() -> None:
    for imp in IMPLICATIONS:
        assert imp.target.scope is imp.source.scope.child


def test_resolve_role_by_id_or_name() -> None:
    assert resolve_role("org.maintainer", ScopeKind.ORGANIZATION) is r.ORG_MAINTAINER
    assert resolve_role("co-owner", ScopeKind.ORGANIZATION) is r.ORG_CO_OWNER
    assert resolve_role("Member", ScopeKind.TEAM) is r.TEAM_MEMBER
    with pytest.raises(UnknownRole):
        resolve_role("Admin", ScopeKind.ORGANIZATION)
    with pytest.raises(UnknownRole):
        resolve_role("team.owner", ScopeKind.PROJECT)


def test_parse_permissions_rejects_unknown_and_foreign() -> None:
    parsed = parse_permissions(["org:read"], ScopeKind.ORGANIZATION)
    assert {p.value for p in parsed} == {"org:read"}
    with pytest.raises(UnknownPermission) as unknown:
        parse_permissions(["org:read", "org:fly"], ScopeKind.ORGANIZATION)
    assert unknown.value.details == [
        {"field": "permissions", "message": "unknown permission: org:fly"}
    ]
    with pytest.raises(UnknownPermission):
        parse_permissions(["team:read"], ScopeKind.ORGANIZATION)
