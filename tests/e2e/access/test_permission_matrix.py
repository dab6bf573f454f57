"""Every route of issue 4, every kind of caller, PUBLIC/INTERNAL/PRIVATE: exact statuses.

The policy is the table beside this file (permission_matrix.txt). Each cell is one HTTP request
against a world holding an organization, a team and a project of that visibility, with one caller
per role; cells that would delete the world get a fresh one.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.access import roles as r
from entrypoints.http.app import all_specs
from tests.e2e.access.helpers import Actor
from tests.e2e.access.matrix import (
    CALLERS,
    DESTRUCTIVE,
    Anonymous,
    Row,
    World,
    build_world,
    grant,
    load_table,
    new_person,
    unique,
)
from tests.e2e.invitations.helpers import code_for

ROWS = load_table()
ISSUE_4_PREFIXES = ("/api/v1/organization", "/api/v1/team", "/api/v1/project", "/api/v1/invites")


def test_the_table_covers_every_route_of_issue_4() -> None:
    routes = {
        (s.method, s.path.removeprefix("/api/v1"))
        for s in all_specs()
        if s.path.startswith(ISSUE_4_PREFIXES)
    }

    def shape(path: str) -> str:
        return "/".join("{}" if p.startswith("{") else p for p in path.split("/"))

    tabled = {(row.method, shape(row.path)) for row in ROWS}
    assert {(m, shape(p)) for m, p in routes} == tabled
    for vis in ("PUB", "INT", "PRI"):
        per_world = [(row.method, row.path) for row in ROWS if vis in row.worlds]
        assert len(per_world) == len(set(per_world)) == len(tabled), vis


async def _cell(
    client: Any, token: Any, people: dict[str, Actor], world: World, row: Row, caller: str
) -> tuple[str, dict[str, Any] | None]:
    """The concrete path and body of one cell, creating what it needs (victims, invites...)."""
    owner = people["O"]
    values: dict[str, str] = {
        "org": world.org,
        "team": world.team,
        "project": world.project,
        "code": world.code,
    }
    path = row.path
    if "{orgVictim}" in path:
        victim = await new_person(client, token, "victim")
        await grant(client, victim.user_id, r.ORG_MEMBER, world.org)
        values["orgVictim"] = victim.user_id
    if "{teamVictim}" in path:
        victim = await new_person(client, token, "victim")
        await grant(client, victim.user_id, r.ORG_MEMBER, world.org)
        await grant(client, victim.user_id, r.TEAM_MEMBER, world.org, world.team)
        values["teamVictim"] = victim.user_id
    if "{projectVictim}" in path:
        victim = await new_person(client, token, "victim")
        await grant(client, victim.user_id, r.ORG_MEMBER, world.org)
        await grant(client, victim.user_id, r.PROJECT_VIEWER, world.org, world.team, world.project)
        values["projectVictim"] = victim.user_id
    if "{role}" in path:
        role = await owner.ok(
            "POST",
            f"/organization/{world.org}/roles",
            {"name": unique("Role "), "permissions": ["org:read"]},
            status=201,
        )
        values["role"] = role["id"]
    for key, prefix, body in (
        ("orgInvite", f"/organization/{world.org}/invites", {}),
        ("teamInvite", "/team/invite", {"teamId": world.team}),
        ("projectInvite", f"/project/{world.project}/invites", {}),
    ):
        if "{" + key + "}" in path:
            role = "Viewer" if key == "projectInvite" else "Member"
            made = await owner.ok(
                "POST",
                prefix,
                {**body, "email": f"{unique('inv')}@matrix.test", "role": role},
                status=201,
            )
            values[key] = made["created"][0]["id"]
    my_code = None
    if "{myCode}" in path or path == "/team/accept-invite":
        my_code = await _my_code(client, token, people, world, row, caller)
        values["myCode"] = my_code
    return path.format(**values), _body(row, world, my_code, people["M"].user_id)


async def _my_code(
    client: Any, token: Any, people: dict[str, Actor], world: World, row: Row, caller: str
) -> str:
    """An invitation addressed to the caller, to a team of another organization (one lobby
    organization per route, so no inviter runs into the invitation rate limit)."""
    lobby = world.extra.get(row.path)
    if lobby is None:
        lobby_owner = await new_person(client, token, "lobby")
        slug = unique("lobby")
        org = await lobby_owner.ok(
            "POST", "/organization", {"name": f"L {slug}", "slug": slug}, status=201
        )
        lobby = world.extra[row.path] = (lobby_owner, org["id"])
    lobby_owner, org_id = lobby
    team = await lobby_owner.ok(
        "POST",
        "/team",
        {"organizationId": org_id, "name": unique("Lobby "), "slug": unique("lobby-")},
        status=201,
    )
    email = people[caller].extra_email if caller != "A" else f"{unique('anon')}@matrix.test"
    made = await lobby_owner.ok(
        "POST", "/team/invite", {"teamId": team["id"], "email": email, "role": "Member"}, status=201
    )
    return await code_for(client, made["created"][0]["id"])


def _body(row: Row, world: World, my_code: str | None, member: str) -> dict[str, Any] | None:
    vis = {"PUB": "PUBLIC", "INT": "INTERNAL", "PRI": "PRIVATE"}[world.vis]
    slug = unique("s-")
    match (row.method, row.path):
        case ("POST", "/organization"):
            return {"name": f"New {slug}", "slug": slug}
        case (
            ("PATCH", "/organization/{org}")
            | ("PATCH", "/team/{team}")
            | ("PATCH", "/project/{project}")
        ):
            return {"description": "changed by the matrix"}
        case ("PATCH", "/organization/{org}/members/{orgVictim}") | (
            "PATCH",
            "/team/{team}/members/{teamVictim}",
        ):
            return {"role": "Member"}
        case ("PATCH", "/project/{project}/members/{projectVictim}"):
            return {"role": "Viewer"}
        case ("POST", "/organization/{org}/roles"):
            return {"name": unique("Custom "), "permissions": ["org:read"]}
        case ("PATCH", "/organization/{org}/roles/{role}"):
            return {"permissions": ["org:read", "org:members:read"]}
        case ("POST", "/organization/{org}/invites"):
            return {"email": f"{unique('new')}@matrix.test", "role": "Member"}
        case ("POST", "/team"):
            return {
                "organizationId": world.org,
                "name": f"T {slug}",
                "slug": slug,
                "visibility": vis,
            }
        case ("POST", "/team/invite"):
            return {"teamId": world.team, "email": f"{unique('new')}@matrix.test", "role": "Member"}
        case ("POST", "/project"):
            return {"teamId": world.team, "name": f"P {slug}", "slug": slug, "visibility": vis}
        case ("POST", "/project/{project}/invites"):
            return {"email": f"{unique('new')}@matrix.test", "role": "Viewer"}
        case ("POST", "/team/accept-invite"):
            return {"code": my_code}
        case ("POST", "/organization/{org}/credits/spend"):
            return {"amount": 1, "purpose": "matrix"}
        case ("POST", "/organization/{org}/credits/transfer"):
            return {"to": {"userId": member}, "amount": 1}
    return None


@pytest.mark.parametrize("vis", ["PUB", "INT", "PRI"])
async def test_permission_matrix(app_client, token, vis):
    people: dict[str, Actor] = {}
    for key in CALLERS:
        if key == "A":
            people[key] = Anonymous(app_client, "")
            continue
        person = await new_person(app_client, token, key)
        person.extra_email = await _email_of(person)  # type: ignore[attr-defined]
        people[key] = person
    world = await build_world(app_client, people, vis)
    mismatches = []
    cells = 0
    for row in ROWS:
        if vis not in row.worlds:
            continue
        for caller in CALLERS:
            expected = row.expected[caller]
            destructive = row.method == "DELETE" and row.path in DESTRUCTIVE
            here = (
                await build_world(app_client, people, vis)
                if destructive and expected < 300
                else world
            )
            path, body = await _cell(app_client, token, people, here, row, caller)
            key = {"Idempotency-Key": unique("key-")} if row.method == "POST" else {}
            got, reply = await people[caller].call(row.method, path, body, key)
            cells += 1
            if got != expected:
                error = reply.get("error", {}) if isinstance(reply, dict) else {}
                mismatches.append(
                    f"line {row.line}: {row.method} {row.path} [{vis}] as {caller}: "
                    f"expected {expected}, got {got} {error.get('code', '')} "
                    f"{error.get('message', '')}"
                )
            if destructive and got < 300 and here is world:
                world = await build_world(app_client, people, vis)  # keep the rest meaningful
    assert cells > 400
    assert not mismatches, "\n" + "\n".join(mismatches)


async def _email_of(person: Actor) -> str:
    import base64
    import json

    payload = person.token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["email"])
