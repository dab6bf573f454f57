"""Invitations and the organization audit trail on PostgreSQL and SQLite: the status filter in SQL
agrees with the domain's ``status_at``, lookups are scoped, the trail keeps organizations apart."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.pagination import PageRequest, decode_cursor
from application.ports.audit import AuditEntry
from application.ports.clock import SystemClock
from application.ports.storage_errors import DuplicateKey
from domain.access import roles as r
from domain.access.memberships import Membership
from domain.access.organization import Organization
from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from domain.access.team import Project, Team
from domain.access.visibility import Visibility
from domain.identity.user import User
from domain.ids import new_id
from domain.invitations.codes import issue_code
from domain.invitations.invitation import (
    Invitation,
    InvitationStatus,
    InvitationTarget,
    new_invitation,
)

pytestmark = pytest.mark.integration
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def uow(contract_uow):
    """Every test here is a contract: memory, PostgreSQL and SQLite."""
    return contract_uow


def _user(email: str) -> User:
    return User(new_id(), f"sub-{email}", email, "F", None, None, None, NOW, NOW)


async def _scopes(uow, slug: str) -> tuple[Organization, Team, Project]:
    org = Organization(new_id(), f"Org {slug}", slug, False, False, NOW, NOW)
    team = Team(new_id(), org.id, "Team", "team", Visibility.INTERNAL, NOW, NOW)
    owner = _user(f"owner-{slug}@x.test")
    project = Project(
        new_id(), org.id, team.id, "Proj", "proj", Visibility.PRIVATE, owner.id, NOW, NOW
    )
    async with uow() as u:
        await u.users.add(owner)
        await u.organizations.add(org)
        await u.teams.add(team)
        await u.projects.add(project)
        await u.commit()
    return org, team, project


def _random_invitations(target: InvitationTarget, rnd: random.Random, n: int) -> list[Invitation]:
    made = []
    for i in range(n):
        created = NOW - timedelta(days=rnd.randint(0, 20), minutes=i)
        inv, _ = new_invitation(
            invitation_id=new_id(),
            target=target,
            email=f"p{i}@x.test",
            role_id=r.TEAM_MEMBER.id,
            invited_by="u",
            now=created,
            expires_in_days=rnd.randint(1, 30),
        )
        match rnd.randint(0, 4):
            case 0:
                inv = inv.revoke(by="u", now=created)
            case 1 if inv.status_at(created) is InvitationStatus.PENDING:
                inv = inv.accept(user_id="u2", email=inv.email, now=created)
            case 2 if inv.status_at(created) is InvitationStatus.PENDING:
                inv = inv.decline(user_id="u2", email=inv.email, now=created)
        made.append(inv)
    return made


@pytest.mark.parametrize("seed", [7, 8])
async def test_status_filter_in_sql_matches_the_domain(uow, seed):
    org, team, _ = await _scopes(uow, f"f{seed}")
    rnd = random.Random(seed)
    target = InvitationTarget.team(org.id, team.id)
    mine = _random_invitations(target, rnd, 30)
    others = _random_invitations(InvitationTarget.organization(org.id), rnd, 5)
    async with uow() as u:
        for inv in mine + others:
            await u.invitations.add(inv)
        await u.commit()
    scope = ScopeRef(ScopeKind.TEAM, team.id)
    for status in [None, *InvitationStatus]:
        expected = sorted(
            (i.id for i in mine if status is None or i.status_at(NOW) is status), reverse=True
        )
        seen: list[str] = []
        page = PageRequest(limit=4)
        async with uow() as u:
            while True:
                got = await u.invitations.list_for_scope(scope, status, NOW, page)
                seen += [i.id for i in got.items]
                if got.next_cursor is None:
                    break
                page = PageRequest(limit=4, after=decode_cursor(got.next_cursor))
        assert seen == expected, status
    async with uow() as u:
        loaded = await u.invitations.get(mine[0].id)
    assert loaded == mine[0]


async def test_open_and_member_emails_are_scoped(uow):
    org, team, _ = await _scopes(uow, "emails")
    other_org, other_team, _ = await _scopes(uow, "elsewhere")
    ann, bob = _user("Ann@X.test"), _user("bob@x.test")
    live, _ = new_invitation(
        invitation_id=new_id(),
        target=InvitationTarget.team(org.id, team.id),
        email="cy@x.test",
        role_id="team.member",
        invited_by="u",
        now=NOW,
    )
    old, _ = new_invitation(
        invitation_id=new_id(),
        target=InvitationTarget.team(org.id, team.id),
        email="dee@x.test",
        role_id="team.member",
        invited_by="u",
        now=NOW - timedelta(days=8),
    )
    elsewhere, _ = new_invitation(
        invitation_id=new_id(),
        target=InvitationTarget.team(other_org.id, other_team.id),
        email="eve@x.test",
        role_id="team.member",
        invited_by="u",
        now=NOW,
    )
    async with uow() as u:
        for user in (ann, bob):
            await u.users.add(user)
        await u.memberships.put(Membership(ann.id, r.ORG_MEMBER, org.id), NOW)
        await u.memberships.put(Membership(ann.id, r.TEAM_MEMBER, org.id, team.id), NOW)
        await u.memberships.put(Membership(bob.id, r.ORG_MEMBER, org.id), NOW)
        for inv in (live, old, elsewhere):
            await u.invitations.add(inv)
        await u.commit()
    emails = ["ann@x.test", "bob@x.test", "cy@x.test", "dee@x.test", "eve@x.test"]
    team_ref = ScopeRef(ScopeKind.TEAM, team.id)
    async with uow() as u:
        assert await u.invitations.member_emails(team_ref, emails) == {"ann@x.test"}
        org_ref = ScopeRef(ScopeKind.ORGANIZATION, org.id)
        assert await u.invitations.member_emails(org_ref, emails) == {"ann@x.test", "bob@x.test"}
        assert await u.invitations.open_emails(team_ref, emails, NOW) == {"cy@x.test"}
        assert await u.invitations.member_emails(team_ref, []) == set()


@pytest.mark.parametrize("seed", [11])
async def test_open_invitations_by_organization_and_inviter(uow, seed):
    """What the inviter-authority sweep re-checks: pending and unexpired only, of one
    organization and/or by one inviter, oldest first."""
    rnd = random.Random(seed)
    orgs = [await _scopes(uow, f"sweep{n}") for n in range(2)]
    made: list[Invitation] = []
    for org, team, project in orgs:
        for target in (
            InvitationTarget.organization(org.id),
            InvitationTarget.team(org.id, team.id),
            InvitationTarget.project(org.id, team.id, project.id),
        ):
            for inv in _random_invitations(target, rnd, 12):
                made.append(replace(inv, invited_by=rnd.choice(["ua", "ub"])))
    async with uow() as u:
        for inv in made:
            await u.invitations.add(inv)
        await u.commit()
    for org_id in (None, orgs[0][0].id, orgs[1][0].id):
        for inviter in (None, "ua", "ub"):
            if org_id is None and inviter is None:
                continue
            expected = sorted(
                i.id
                for i in made
                if i.status_at(NOW) is InvitationStatus.PENDING
                and org_id in (None, i.target.organization_id)
                and inviter in (None, i.invited_by)
            )
            async with uow() as u:
                got = await u.invitations.open_invitations(
                    NOW, organization_id=org_id, invited_by=inviter
                )
            assert [i.id for i in got] == expected, (org_id, inviter)
            assert expected  # the seed gives every combination something pending
    async with uow() as u:
        with pytest.raises(ValueError):
            await u.invitations.open_invitations(NOW)


async def test_codes_are_found_by_digest_only_and_digests_are_unique(uow):
    org, _, _ = await _scopes(uow, "digests")
    inv, code = new_invitation(
        invitation_id=new_id(),
        target=InvitationTarget.organization(org.id),
        email="a@x.test",
        role_id="org.member",
        invited_by="u",
        now=NOW,
    )
    async with uow() as u:
        await u.invitations.add(inv)
        await u.commit()
    async with uow() as u:
        assert await u.invitations.by_digest(inv.code_digest, for_update=True) == inv
        assert await u.invitations.by_digest(code.plaintext) is None
        assert await u.invitations.by_digest(issue_code().digest) is None
    clash = Invitation(**{**inv.__dict__, "id": new_id()})
    for twin in (clash, replace(inv, code_digest=issue_code().digest)):  # same digest; same id
        with pytest.raises(DuplicateKey):
            async with uow() as u:
                await u.invitations.add(twin)
                await u.commit()


async def test_the_audit_trail_of_an_organization_includes_its_teams_and_projects_only(uow):
    org, team, project = await _scopes(uow, "trail")
    other, other_team, _ = await _scopes(uow, "trail-other")
    actor = _user("actor@x.test")
    entries = [
        ("organization", org.id),
        ("team", team.id),
        ("project", project.id),
        ("organization", other.id),
        ("team", other_team.id),
    ]
    ids = sorted(new_id() for _ in entries)  # appends within one millisecond: force id order
    async with uow() as u:
        await u.users.add(actor)
        for (kind, scope_id), entry_id in zip(entries, ids, strict=True):
            await u.audit.append(
                AuditEntry(
                    kind, scope_id, actor.id, f"{kind}.touched", kind, scope_id, NOW, id=entry_id
                )
            )
        await u.commit()
    async with uow() as u:
        first = await u.audit_trail.for_organization(org.id, PageRequest(limit=2))
        assert first.next_cursor is not None
        rest = await u.audit_trail.for_organization(
            org.id, PageRequest(limit=2, after=decode_cursor(first.next_cursor))
        )
    got = [(x.entry.scope_type, x.entry.scope_id) for x in first.items + rest.items]
    assert got == [("project", project.id), ("team", team.id), ("organization", org.id)]
    assert {x.actor_name for x in first.items} == {"F"}


async def test_the_audit_trail_refuses_update_delete_and_truncate_on_postgres(pg_url):
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    engine = build_engine(pg_url)
    factory = SqlAlchemyUnitOfWorkFactory(engine, SystemClock())
    try:
        org, _, _ = await _scopes(factory, "append-only")
        async with factory() as u:
            await u.audit.append(
                AuditEntry(
                    "organization",
                    org.id,
                    None,
                    "invitation.created",
                    "invitation",
                    "i1",
                    NOW,
                    after={"email": "a@x.test"},
                )
            )
            await u.commit()
        for statement in (
            "UPDATE audit_log SET action = 'forged'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            async with engine.connect() as conn:
                with pytest.raises(DBAPIError, match="append-only"):
                    await conn.execute(sa.text(statement))
        async with factory() as u:
            trail = await u.audit_trail.for_organization(org.id, PageRequest())
        assert [r.entry.action for r in trail.items] == ["invitation.created"]
    finally:
        await engine.dispose()
