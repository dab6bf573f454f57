"""The one-statement list filters on memory, PostgreSQL and SQLite agree with the pure decision
function on every child of random worlds (teams of an organization, projects of a team), and
the scope chain loader returns exactly the caller's memberships."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from application.access.authorizer import node_of
from application.pagination import PageRequest, decode_cursor
from domain.access.decision import can_read
from domain.access.list_filters import child_filter
from domain.access.memberships import AccessPrincipal, Membership
from domain.access.organization import Organization
from domain.access.permissions import ScopeKind
from domain.access.roles import DEFAULT_ROLES
from domain.access.team import Project, Team
from domain.access.visibility import Visibility
from domain.identity.user import User
from tests.integration.contract_builders import scope_reads

pytestmark = pytest.mark.integration
NOW = datetime(2026, 1, 1, tzinfo=UTC)
PAGE = PageRequest(limit=100)


def _world(
    seed: int,
) -> tuple[list[str], list[Organization], list[Team], list[Project], list[Membership]]:
    rnd = random.Random(seed)
    users = [f"00000000-0000-7000-8000-{seed:04d}{i:08d}" for i in range(5)]
    orgs = [
        Organization(
            f"00000000-0000-7000-8001-{seed:04d}{i:08d}",
            f"Org {seed}-{i}",
            f"org-{seed}-{i}",
            rnd.random() < 0.5,
            False,
            NOW,
            NOW,
        )
        for i in range(2)
    ]
    teams = [
        Team(
            f"00000000-0000-7000-8002-{seed:04d}{i:08d}",
            rnd.choice(orgs).id,
            f"Team {i}",
            f"team-{i}",
            rnd.choice(list(Visibility)),
            NOW,
            NOW,
            deleted_at=NOW if rnd.random() < 0.1 else None,
        )
        for i in range(6)
    ]
    projects = []
    for i in range(10):
        team = rnd.choice(teams)
        projects.append(
            Project(
                f"00000000-0000-7000-8003-{seed:04d}{i:08d}",
                team.organization_id,
                team.id,
                f"Project {i}",
                f"project-{i}",
                rnd.choice(list(Visibility)),
                users[0],
                NOW,
                NOW,
                deleted_at=NOW if rnd.random() < 0.1 else None,
            )
        )
    memberships = []
    for user in users:
        for org in orgs:
            if rnd.random() < 0.6:
                role = rnd.choice(DEFAULT_ROLES[ScopeKind.ORGANIZATION])
                memberships.append(Membership(user, role, org.id))
        for team in teams:
            if rnd.random() < 0.3:
                role = rnd.choice(DEFAULT_ROLES[ScopeKind.TEAM])
                memberships.append(Membership(user, role, team.organization_id, team.id))
        for project in projects:
            if rnd.random() < 0.2:
                role = rnd.choice(DEFAULT_ROLES[ScopeKind.PROJECT])
                memberships.append(
                    Membership(user, role, project.organization_id, project.team_id, project.id)
                )
    return users, orgs, teams, projects, memberships


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_list_filters_match_the_decision(contract_uow: Any, seed: int) -> None:
    users, orgs, teams, projects, memberships = _world(seed)
    uow_factory = contract_uow
    async with uow_factory() as uow:
        for u in users:
            await uow.users.add(
                User(u, f"sub-{u}", f"{u}@example.com", None, None, None, None, NOW, NOW)
            )
        for o in orgs:
            await uow.organizations.add(o)
        for t in teams:
            await uow.teams.add(t)
        for p in projects:
            await uow.projects.add(p)
        for m in memberships:
            await uow.memberships.put(m, NOW)
        await uow.commit()

    async with uow_factory() as uow:
        for user in [*users, None]:
            for org in orgs:
                chain = await uow.scopes.organization(org.id, user)
                assert chain is not None
                principal = AccessPrincipal(user, chain.memberships)
                expected_held = {
                    m for m in memberships if m.user_id == user and m.scope.id == org.id
                }
                assert set(chain.memberships) == expected_held
                listed = await uow.teams.list_visible(
                    org.id, child_filter(principal, node_of(chain)), PAGE
                )
                expected = set()
                for team in teams:
                    if team.organization_id != org.id or team.deleted_at is not None:
                        continue
                    team_chain = await uow.scopes.team(team.id, user)
                    assert team_chain is not None
                    if can_read(AccessPrincipal(user, team_chain.memberships), node_of(team_chain)):
                        expected.add(team.id)
                assert {s.team.id for s in listed.items} == expected, (user, org.id)
            for team in teams:
                chain = await uow.scopes.team(team.id, user)
                assert chain is not None
                principal = AccessPrincipal(user, chain.memberships)
                listed_p = await uow.projects.list_visible(
                    team.id, child_filter(principal, node_of(chain)), PAGE
                )
                expected = set()
                for project in projects:
                    if project.team_id != team.id or project.deleted_at is not None:
                        continue
                    p_chain = await uow.scopes.project(project.id, user)
                    assert p_chain is not None
                    if can_read(AccessPrincipal(user, p_chain.memberships), node_of(p_chain)):
                        expected.add(project.id)
                assert {s.project.id for s in listed_p.items} == expected, (user, team.id)


async def test_member_counts_and_pagination(contract_uow: Any) -> None:
    users, orgs, teams, _, _ = _world(9)
    uow_factory = contract_uow
    org = orgs[0]
    live = [t for t in teams if t.organization_id == org.id and t.deleted_at is None]
    async with uow_factory() as uow:
        for u in users:
            await uow.users.add(User(u, f"sub-{u}", None, "A", "B", None, None, NOW, NOW))
        await uow.organizations.add(org)
        for t in teams:
            if t.organization_id == org.id:
                await uow.teams.add(t)
        for u in users:
            await uow.memberships.put(
                Membership(u, DEFAULT_ROLES[ScopeKind.ORGANIZATION][0], org.id), NOW
            )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.memberships.count_role(org.id, "org.owner") == len(users)
        chain = await uow.scopes.organization(org.slug, users[0])
        assert chain is not None
        flt = child_filter(AccessPrincipal(users[0], chain.memberships), node_of(chain))
        assert flt.everything
        seen, cursor = [], None
        while True:
            page = await uow.teams.list_visible(
                org.id,
                flt,
                PageRequest(limit=2, after=decode_cursor(cursor) if cursor else None),
            )
            seen += [s.team.id for s in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == sorted(t.id for t in live)
    # the same pages through the plain-read adapter (asyncpg directly on PostgreSQL)
    reads = scope_reads(uow_factory)
    seen, cursor = [], None
    while True:
        page = await reads.teams(
            org.id, flt, PageRequest(limit=2, after=decode_cursor(cursor) if cursor else None)
        )
        seen += [s.team.id for s in page.items]
        assert all(s.member_count == 0 for s in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(t.id for t in live)
    chain = await reads.organization(org.id, users[1])
    assert chain is not None and [m.user_id for m in chain.memberships] == [users[1]]
    async with uow_factory() as uow:
        members = await uow.memberships.list_members(node_of(chain).ref, PAGE)
        assert {m.user_id for m in members.items} == set(users)
        assert all(m.name == "A B" for m in members.items)
