"""Slug rules, slug suggestions and custom roles."""

from __future__ import annotations

import pytest

from domain.access.custom_roles import edited_custom_role, new_custom_role
from domain.access.errors import DefaultRoleImmutable, InvalidSlug, NameTaken, UnknownPermission
from domain.access.permissions import Permission as P
from domain.access.permissions import ScopeKind
from domain.access.roles import ORG_MEMBER
from domain.access.slugs import suggest, suggestion_candidates, validate_slug


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "Upper",
        "with space",
        "under_score",
        "x" * 51,
        "é",
        "0190a4e2-7c3b-7d4e-8f00-123456789abc",
    ],
)
def test_invalid_slugs(slug: str) -> None:
    with pytest.raises(InvalidSlug):
        validate_slug(slug, min_length=1, max_length=50)


def test_valid_slug() -> None:
    assert validate_slug("acme-2", min_length=1, max_length=50) == "acme-2"


def test_suggestion_is_the_first_free_numbered_slug() -> None:
    taken = {"acme-1", "acme-2"}
    assert suggest("acme", taken.__contains__, max_length=50) == "acme-3"
    assert suggest("acme", lambda _: True, max_length=50) is None
    long = "x" * 50
    assert suggest(long, lambda _: False, max_length=50) == "x" * 48 + "-1"
    assert suggestion_candidates("acme", max_length=50)[0] == "acme-1"


def test_custom_role_always_reads_its_scope() -> None:
    role = new_custom_role(
        role_id="r1",
        organization_id="o1",
        name="Inviter",
        scope=ScopeKind.TEAM,
        permissions=["team:members:invite"],
        existing=(),
    )
    assert role.permissions == {P.TEAM_READ, P.TEAM_MEMBERS_INVITE}
    assert not role.is_default


def test_custom_role_names_unique_and_not_default() -> None:
    first = new_custom_role(
        role_id="r1",
        organization_id="o1",
        name="Auditor",
        scope=ScopeKind.ORGANIZATION,
        permissions=[],
        existing=(),
    )
    with pytest.raises(NameTaken):
        new_custom_role(
            role_id="r2",
            organization_id="o1",
            name="auditor",
            scope=ScopeKind.ORGANIZATION,
            permissions=[],
            existing=(first,),
        )
    with pytest.raises(NameTaken):
        new_custom_role(
            role_id="r2",
            organization_id="o1",
            name="Owner",
            scope=ScopeKind.ORGANIZATION,
            permissions=[],
            existing=(),
        )
    with pytest.raises(UnknownPermission):
        new_custom_role(
            role_id="r2",
            organization_id="o1",
            name="X",
            scope=ScopeKind.ORGANIZATION,
            permissions=["team:read"],
            existing=(),
        )


def test_default_roles_cannot_be_edited() -> None:
    with pytest.raises(DefaultRoleImmutable):
        edited_custom_role(ORG_MEMBER, name="Crew", permissions=None, existing=())


def test_edit_keeps_read_and_own_name() -> None:
    role = new_custom_role(
        role_id="r1",
        organization_id="o1",
        name="Auditor",
        scope=ScopeKind.ORGANIZATION,
        permissions=["org:audit:read"],
        existing=(),
    )
    edited = edited_custom_role(role, name="Auditor", permissions=[], existing=(role,))
    assert edited.permissions == {P.ORG_READ}
