"""Reading the permission matrix and building the worlds its cells run in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.access import roles as r
from domain.access.memberships import Membership
from domain.access.roles import Role
from tests.e2e.access.helpers import Actor
from tests.e2e.invitations.helpers import code_for, container_of

TABLE = Path(__file__).with_name("permission_matrix.txt")
CALLERS = ("O", "CO", "MT", "M", "TO", "TA", "TM", "PO", "PE", "PV", "X", "A")
VISIBILITY = {"PUB": "PUBLIC", "INT": "INTERNAL", "PRI": "PRIVATE"}
# Deleting the scope itself: a cell expected to succeed gets a world of its own.
DESTRUCTIVE = {"/organization/{org}", "/team/{team}", "/project/{project}"}

# What each caller holds: (org role, team role, project role).
HOLDS: dict[str, tuple[Role | None, Role | None, Role | None]] = {
    "CO": (r.ORG_CO_OWNER, None, None),
    "MT": (r.ORG_MAINTAINER, None, None),
    "M": (r.ORG_MEMBER, None, None),
    "TO": (r.ORG_MEMBER, r.TEAM_OWNER, None),
    "TA": (r.ORG_MEMBER, r.TEAM_ADMIN, None),
    "TM": (r.ORG_MEMBER, r.TEAM_MEMBER, None),
    "PO": (r.ORG_MEMBER, None, r.PROJECT_OWNER),
    "PE": (r.ORG_MEMBER, None, r.PROJECT_EDITOR),
    "PV": (r.ORG_MEMBER, None, r.PROJECT_VIEWER),
}

_serial = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


@dataclass(frozen=True)
class Row:
    line: int
    method: str
    path: str
    worlds: tuple[str, ...]
    expected: dict[str, int]


def load_table() -> list[Row]:
    rows = []
    for number, raw in enumerate(TABLE.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        method, path, vis, *statuses = line.split()
        assert len(statuses) == len(CALLERS), f"line {number}: {len(statuses)} statuses"
        worlds = tuple(VISIBILITY) if vis == "*" else tuple(vis.split(","))
        assert set(worlds) <= set(VISIBILITY), f"line {number}: {vis}"
        expected = dict(zip(CALLERS, (int(s) for s in statuses), strict=True))
        rows.append(Row(number, method, path, worlds, expected))
    return rows


class Anonymous(Actor):
    @property
    def headers(self) -> dict[str, str]:
        return {}


@dataclass
class World:
    vis: str
    org: str
    team: str
    project: str
    code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


async def grant(
    client: Any,
    user_id: str,
    role: Role,
    org: str,
    team: str | None = None,
    project: str | None = None,
) -> None:
    """Give a role directly (the matrix tests decisions, not the invitation flow)."""
    container = container_of(client)
    async with container.infrastructure.uow()() as uow:
        await uow.memberships.put(Membership(user_id, role, org, team, project), datetime.now(UTC))
        await uow.commit()


async def new_person(client: Any, token: Any, key: str) -> Actor:
    a = Actor(client, token(f"{unique(key.lower())}@matrix.test"))
    a.user_id = (await a.ok("GET", "/profile"))["userId"]
    return a


async def build_world(client: Any, people: dict[str, Actor], vis: str) -> World:
    owner = people["O"]
    visibility = VISIBILITY[vis]
    slug = unique("m")
    org = await owner.ok(
        "POST",
        "/organization",
        {"name": f"Org {slug}", "slug": slug, "isPublic": vis == "PUB"},
        status=201,
    )
    team = await owner.ok(
        "POST",
        "/team",
        {
            "organizationId": org["id"],
            "name": "Team one",
            "slug": "team-one",
            "visibility": visibility,
        },
        status=201,
    )
    project = await owner.ok(
        "POST",
        "/project",
        {
            "teamId": team["id"],
            "name": "Project one",
            "slug": "project-one",
            "visibility": visibility,
        },
        status=201,
    )
    world = World(vis, org["id"], team["id"], project["id"])
    for key, (org_role, team_role, project_role) in HOLDS.items():
        user = people[key].user_id
        if org_role:
            await grant(client, user, org_role, world.org)
        if team_role:
            await grant(client, user, team_role, world.org, world.team)
        if project_role:
            await grant(client, user, project_role, world.org, world.team, world.project)
    invited = await owner.ok(
        "POST",
        f"/organization/{world.org}/invites",
        {"email": f"{unique('preview')}@matrix.test", "role": "Member"},
        status=201,
    )
    world.code = await code_for(client, invited["created"][0]["id"])
    return world
