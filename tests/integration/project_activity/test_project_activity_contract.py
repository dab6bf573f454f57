"""Project activity on every adapter: one entry per (delivery, project), pages, linked projects."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from application.pagination import PageRequest, decode_cursor
from domain.access.organization import Organization
from domain.access.team import Project, Team
from domain.access.visibility import Visibility
from domain.ids import new_id
from domain.project_activity.activity import ProjectActivity, parse_push
from tests.fixtures.github_signing import push

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
URL = "https://github.com/acme/arena"


async def _projects(contract_uow, n: int) -> list[Project]:
    org = Organization(
        id=new_id(),
        name="Acme",
        slug=f"acme-{new_id()[-6:].lower()}",
        is_public=True,
        join_enabled=False,
        created_at=NOW,
        updated_at=NOW,
    )
    team = Team(
        id=new_id(),
        organization_id=org.id,
        name="Core",
        slug="core",
        visibility=Visibility.INTERNAL,
        created_at=NOW,
        updated_at=NOW,
    )
    made = [
        Project(
            id=new_id(),
            organization_id=org.id,
            team_id=team.id,
            name=f"P{i}",
            slug=f"p{i}",
            visibility=Visibility.INTERNAL,
            created_by="u",
            created_at=NOW,
            updated_at=NOW,
            repository_url=URL if i < 2 else None,
        )
        for i in range(n)
    ]
    async with contract_uow() as u:
        await u.organizations.add(org)
        await u.teams.add(team)
        for p in made:
            await u.projects.add(p)
        await u.commit()
    return made


async def test_activity_contract(contract_uow) -> None:
    linked, other, _unlinked = await _projects(contract_uow, 3)
    push_ = parse_push(push("Acme/Arena"))
    async with contract_uow() as u:
        assert await u.project_activity.linked_projects(URL) == sorted([linked.id, other.id])
        await u.projects.save(other.deleted(NOW))
        await u.commit()
    entries = [
        ProjectActivity.of_push(
            push_,
            id=new_id(),
            project_id=linked.id,
            webhook_id=f"w{i}",
            now=NOW + timedelta(seconds=i),
        )
        for i in range(3)
    ]
    async with contract_uow() as u:
        assert await u.project_activity.linked_projects(URL) == [linked.id]
        for e in entries:
            assert await u.project_activity.add(e) is True
        assert await u.project_activity.add(replace(entries[0], id=new_id())) is False
        await u.commit()
    async with contract_uow() as u:
        first = await u.project_activity.list_for_project(linked.id, PageRequest(limit=2))
        assert [e.id for e in first.items] == [entries[2].id, entries[1].id]
        assert first.items[0] == entries[2]
        rest = await u.project_activity.list_for_project(
            linked.id, PageRequest(limit=2, after=decode_cursor(first.next_cursor))
        )
        assert [e.id for e in rest.items] == [entries[0].id] and rest.next_cursor is None
