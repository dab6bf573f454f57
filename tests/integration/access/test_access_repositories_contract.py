"""Organizations, teams, projects, custom roles, memberships and the scope chain reader on memory,
PostgreSQL and SQLite: uniqueness, soft delete, role replacement and the member views."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from application.pagination import PageRequest, decode_cursor
from application.ports.storage_errors import DuplicateKey
from domain.access import roles as r
from domain.access.errors import NameTaken
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import Permission, ScopeKind
from domain.access.roles import Role
from domain.access.scopes import ScopeRef
from domain.access.team import Project, Team
from domain.access.visibility import Visibility
from domain.ids import new_id
from tests.integration.contract_builders import NOW, a_user

pytestmark = pytest.mark.integration


async def _scopes(uow: Any, slug: str) -> tuple[Organization, Team, Project, str]:
    org = Organization(new_id(), f"Org {slug}", slug, False, False, NOW, NOW)
    team = Team(new_id(), org.id, "Team", "team", Visibility.INTERNAL, NOW, NOW)
    owner = a_user(f"owner-{slug}")
    project = Project(
        new_id(), org.id, team.id, "Proj", "proj", Visibility.PRIVATE, owner.id, NOW, NOW
    )
    async with uow() as u:
        await u.users.add(owner)
        await u.organizations.add(org)
        await u.teams.add(team)
        await u.projects.add(project)
        await u.commit()
    return org, team, project, owner.id


async def test_names_and_slugs_are_unique_within_their_parent(contract_uow: Any) -> None:
    uow = contract_uow
    org, team, project, _ = await _scopes(uow, "acme")
    other, other_team, _, _ = await _scopes(uow, "other")
    with pytest.raises(NameTaken):
        async with uow() as u:
            await u.organizations.add(replace(org, id=new_id(), slug="acme-2"))  # same name
    with pytest.raises(NameTaken):
        async with uow() as u:
            await u.organizations.save(replace(other, slug="acme"))
    with pytest.raises(NameTaken):
        async with uow() as u:
            await u.teams.add(replace(team, id=new_id(), name="Team 2"))  # same slug
    second = replace(project, id=new_id(), name="Second", slug="second")
    async with uow() as u:
        await u.projects.add(second)
        await u.commit()
    with pytest.raises(NameTaken):
        async with uow() as u:
            await u.projects.save(replace(second, name="Proj"))
    # _scopes gave every organization a team "Team" and a project "Proj": siblings only clash
    async with uow() as u:
        assert await u.organizations.taken("slug", ["acme", "free"]) == {"acme"}
        assert await u.organizations.taken("slug", ["acme"], exclude_id=org.id) == set()
        assert await u.teams.taken(other.id, "name", ["Team", "x"]) == {"Team"}
        assert await u.teams.taken(org.id, "slug", ["team"], exclude_id=team.id) == set()
        assert await u.projects.taken(team.id, "slug", ["proj"]) == {"proj"}
        assert await u.projects.taken(other_team.id, "slug", ["second"]) == set()


async def test_scope_chains_carry_the_callers_memberships_and_counts(contract_uow: Any) -> None:
    uow = contract_uow
    org, team, project, owner = await _scopes(uow, "chain")
    gone = replace(project, id=new_id(), name="Gone", slug="gone", deleted_at=NOW)
    async with uow() as u:
        await u.projects.add(gone)
        await u.memberships.put(Membership(owner, r.ORG_MEMBER, org.id), NOW)
        await u.memberships.put(Membership(owner, r.TEAM_ADMIN, org.id, team.id), NOW)
        await u.memberships.put(
            Membership(owner, r.PROJECT_VIEWER, org.id, team.id, project.id), NOW
        )
        await u.commit()
    async with uow() as u:
        by_slug = await u.scopes.organization("chain", owner)
        by_id = await u.scopes.organization(org.id, None)
        assert by_slug is not None and by_id is not None
        assert by_slug.organization == by_id.organization == org
        assert by_slug.memberships == (Membership(owner, r.ORG_MEMBER, org.id),)
        assert by_id.memberships == ()
        chain = await u.scopes.team(team.id, owner, counts=True)
        assert chain is not None and chain.team == team and chain.project is None
        assert {m.role for m in chain.memberships} == {r.ORG_MEMBER, r.TEAM_ADMIN}
        assert (chain.member_count, chain.child_count) == (1, 1)  # the deleted project not
        plain = await u.scopes.team(team.id, owner)
        assert plain is not None and (plain.member_count, plain.child_count) == (None, None)
        deep = await u.scopes.project(project.id, owner, counts=True)
        assert deep is not None and deep.project == project and deep.member_count == 1
        assert len(deep.memberships) == 3
        assert await u.scopes.project(new_id(), owner) is None
        assert await u.scopes.organization("nowhere", owner) is None


async def test_a_membership_is_one_role_per_scope(contract_uow: Any) -> None:
    uow = contract_uow
    org, team, project, owner = await _scopes(uow, "members")
    users = [a_user(f"m{i}") for i in range(3)]
    async with uow() as u:
        for i, user in enumerate(users):
            await u.users.add(user)
            await u.memberships.put(
                Membership(user.id, r.ORG_OWNER, org.id), NOW + timedelta(minutes=i)
            )
        await u.memberships.put(Membership(users[0].id, r.TEAM_MEMBER, org.id, team.id), NOW)
        await u.memberships.put(
            Membership(users[0].id, r.PROJECT_EDITOR, org.id, team.id, project.id), NOW
        )
        await u.commit()
    later = NOW + timedelta(hours=1)
    async with uow() as u:
        await u.memberships.put(Membership(users[2].id, r.ORG_MEMBER, org.id), later)
        await u.commit()
    org_ref = ScopeRef(ScopeKind.ORGANIZATION, org.id)
    async with uow() as u:
        assert await u.memberships.get(users[2].id, org_ref) == Membership(
            users[2].id, r.ORG_MEMBER, org.id
        )
        assert await u.memberships.get(owner, org_ref) is None
        assert await u.memberships.count_role(org.id, r.ORG_OWNER.id) == 2
        first = await u.memberships.list_members(org_ref, PageRequest(limit=2))
        rest = await u.memberships.list_members(
            org_ref, PageRequest(limit=2, after=decode_cursor(first.next_cursor))
        )
    views = first.items + rest.items
    assert rest.next_cursor is None and len(views) == 3
    assert {(v.user_id, v.role, v.email, v.name) for v in views} == {
        (users[0].id, r.ORG_OWNER, "m0@example.com", "F"),
        (users[1].id, r.ORG_OWNER, "m1@example.com", "F"),
        (users[2].id, r.ORG_MEMBER, "m2@example.com", "F"),
    }
    # the replaced role keeps the membership's first joining time
    assert next(v for v in views if v.user_id == users[2].id).joined_at == NOW + timedelta(
        minutes=2
    )
    async with uow() as u:
        removed = await u.memberships.remove_with_below(
            users[0].id, ScopeRef(ScopeKind.TEAM, team.id)
        )
        assert {m.role for m in removed} == {r.TEAM_MEMBER, r.PROJECT_EDITOR}
        assert await u.memberships.get(users[0].id, org_ref) is not None
        removed = await u.memberships.remove_with_below(users[0].id, org_ref)
        assert [m.role for m in removed] == [r.ORG_OWNER]
        await u.commit()


async def test_custom_roles_are_named_once_per_organization_and_scope(contract_uow: Any) -> None:
    uow = contract_uow
    org, team, _, owner = await _scopes(uow, "roles")
    other, _, _, _ = await _scopes(uow, "roles-other")
    reviewer = Role(new_id(), "Reviewer", ScopeKind.TEAM, frozenset({Permission.TEAM_READ}), org.id)
    async with uow() as u:
        await u.roles.add(reviewer)
        await u.roles.add(replace(reviewer, id=new_id(), scope=ScopeKind.PROJECT))
        await u.roles.add(replace(reviewer, id=new_id(), organization_id=other.id))
        await u.memberships.put(Membership(owner, reviewer, org.id, team.id), NOW)
        await u.commit()
    for clash in (replace(reviewer, id=new_id(), name="REVIEWER"), reviewer):
        with pytest.raises(DuplicateKey):
            async with uow() as u:
                await u.roles.add(clash)
    renamed = replace(reviewer, name="Critic", permissions=frozenset())
    async with uow() as u:
        await u.roles.save(renamed)
        await u.commit()
    async with uow() as u:
        assert [x.name for x in await u.roles.list_for_organization(org.id)].count("Critic") == 1
        assert await u.roles.holders(reviewer.id) == 1
        held = await u.memberships.get(owner, ScopeRef(ScopeKind.TEAM, team.id))
        assert held is not None and held.role == renamed  # memberships see the current role
        await u.roles.delete(reviewer.id)
        await u.commit()
    async with uow() as u:
        assert reviewer.id not in {x.id for x in await u.roles.list_for_organization(org.id)}
