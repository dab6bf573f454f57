"""Use cases on the memory adapters: audit entries, decisions with reasons, immediate effect."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from application.access.organizations import (
    OrganizationFields,
)
from application.access.teams import ScopeFields
from application.identity.principal import Principal
from application.pagination import PageRequest
from domain.access.errors import LastOwner, PermissionDenied, ScopeNotFound
from domain.access.permissions import ScopeKind
from domain.access.visibility import Visibility
from domain.identity.user import User
from domain.request_context import RequestContext

CTX = RequestContext(request_id="req-1", ip="203.0.113.9", user_agent="pytest")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def who(user_id: str) -> Principal:
    return Principal(
        user_id=user_id, subject=f"sub-{user_id}", email=f"{user_id}@x.io", name=user_id
    )


@pytest.fixture
def uc(use_cases: Any, memory_store: MemoryStore) -> Any:
    """The access context's use cases as the container wires them, on memory adapters."""
    for uid in ("owner", "member", "outsider"):
        memory_store.state.identity.users[uid] = User(
            uid, f"sub-{uid}", f"{uid}@x.io", uid.title(), None, None, None, NOW, NOW
        )
    return use_cases.access


async def _org(uc, slug: str = "acme", **kw):
    fields = OrganizationFields(name=f"Org {slug}", slug=slug, **kw)
    return await uc.create_organization()(who("owner"), fields, CTX)


async def test_every_change_is_audited_with_request_context(uc, memory_store):
    org = await _org(uc, join_enabled=True)
    await uc.join_organization()(who("member"), org.id, CTX)
    await uc.change_member_role()(
        who("owner"), ScopeKind.ORGANIZATION, org.id, "member", "Maintainer", CTX
    )
    await uc.update_organization()(who("owner"), org.id, OrganizationFields(name="Renamed"), CTX)
    await uc.create_role()(
        who("owner"), org.id, "Auditor", ScopeKind.ORGANIZATION, ["org:audit:read"], CTX
    )
    await uc.remove_member()(who("owner"), ScopeKind.ORGANIZATION, org.id, "member", CTX)
    await uc.delete_organization()(who("owner"), org.id, CTX)
    entries = memory_store.state.audit.entries
    assert [e.action for e in entries] == [
        "organization.created",
        "member.added",
        "member.joined",
        "member.role_changed",
        "organization.updated",
        "role.created",
        "member.removed",
        "organization.deleted",
    ]
    changed = entries[3]
    assert changed.before == {"roleId": "org.member", "role": "Member"}
    assert changed.after == {"roleId": "org.maintainer", "role": "Maintainer"}
    assert changed.actor_id == "owner" and changed.target_id == "member"
    assert all(e.context == CTX and e.scope_id == org.id for e in entries)
    assert entries[4].before["name"] == "Org acme" and entries[4].after["name"] == "Renamed"


async def test_denials_are_not_found_or_forbidden(uc):
    org = await _org(uc, is_public=False)
    with pytest.raises(ScopeNotFound):
        await uc.get_organization()(who("outsider"), org.id)
    public = await _org(uc, "public", join_enabled=True)
    await uc.join_organization()(who("member"), public.id, CTX)
    with pytest.raises(PermissionDenied):
        await uc.update_organization()(who("member"), public.id, OrganizationFields(), CTX)


async def test_a_removed_member_loses_access_at_once(uc):
    org = await _org(uc, join_enabled=True)
    team = await uc.create_team()(
        who("owner"),
        org.id,
        ScopeFields(name="Core", slug="core", visibility=Visibility.INTERNAL),
        CTX,
    )
    await uc.join_organization()(who("member"), org.id, CTX)
    assert (await uc.get_team()(who("member"), team.team.id)).team.id == team.team.id
    await uc.remove_member()(who("owner"), ScopeKind.ORGANIZATION, org.id, "member", CTX)
    with pytest.raises(ScopeNotFound):
        await uc.get_team()(who("member"), team.team.id)


async def test_last_owner_rule_through_the_use_cases(uc):
    org = await _org(uc)
    with pytest.raises(LastOwner):
        await uc.remove_member()(who("owner"), ScopeKind.ORGANIZATION, org.id, "owner", CTX)
    page = await uc.list_my_organizations()(who("owner"), PageRequest())
    assert [s.organization.id for s in page.items] == [org.id]
    assert page.items[0].role.id == "org.owner" and page.items[0].member_count == 1


async def test_decision_reason_names_the_role_and_where(uc):
    org = await _org(uc)
    team = await uc.create_team()(
        who("owner"),
        org.id,
        ScopeFields(name="Core", slug="core", visibility=Visibility.PRIVATE),
        CTX,
    )
    project = await uc.create_project()(
        who("owner"), team.team.id, ScopeFields(name="Site", slug="site"), CTX
    )
    assert project.decision.reason == f"project role Owner on project {project.project.id}"
    assert "org.owner" in {m.role.id for m in project.principal.memberships}
