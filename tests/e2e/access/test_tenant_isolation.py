"""Tenant isolation: nothing of organization A is readable or writable by someone who belongs to
organization B only, not even B's Owner, and no id of A works under B's paths.

Generated from the permission-matrix table: every route that touches an organization, team or
project is called with A's ids by B's Owner and must answer 404 (A is private, so its existence is
not revealed), and A is unchanged afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.access.helpers import Actor
from tests.e2e.access.matrix import CALLERS, Anonymous, build_world, load_table, new_person, unique
from tests.e2e.access.test_permission_matrix import _cell
from tests.e2e.invitations.helpers import code_for

SCOPED = [
    row
    for row in load_table()
    if "INT" in row.worlds
    and (
        "{org}" in row.path
        or "{team}" in row.path
        or "{project}" in row.path
        or row.path in ("/team", "/project", "/team/invite")
    )
]


async def _people(client: Any, token: Any) -> dict[str, Actor]:
    people: dict[str, Actor] = {"A": Anonymous(client, "")}
    for key in CALLERS[:-1]:
        people[key] = await new_person(client, token, key)
    return people


FIELDS = ("id", "name", "slug", "visibility", "description", "isPublic", "joinEnabled")


def _state(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in FIELDS}


async def _snapshot(owner: Actor, world: Any) -> dict[str, Any]:
    """What B could have changed (counts move: the cells add victims and invitations as A)."""
    return {
        "org": _state(await owner.ok("GET", f"/organization/{world.org}")),
        "teams": [_state(t) for t in await owner.ok("GET", f"/organization/{world.org}/teams")],
        "team": _state(await owner.ok("GET", f"/team/{world.team}")),
        "project": _state(await owner.ok("GET", f"/project/{world.project}")),
    }


@pytest.mark.parametrize("vis", ["INT", "PRI", "PUBLIC-inside-private"])
async def test_a_member_of_b_only_gets_404_for_everything_of_a(app_client, token, vis):
    people = await _people(app_client, token)
    a_owner = people["O"]
    world = await build_world(app_client, people, "PRI" if vis == "PRI" else "INT")
    if vis == "PUBLIC-inside-private":
        # A PUBLIC team and project are public to those who can see the organization, only.
        team = await a_owner.ok(
            "POST",
            "/team",
            {"organizationId": world.org, "name": "Open", "slug": "open", "visibility": "PUBLIC"},
            status=201,
        )
        project = await a_owner.ok(
            "POST",
            "/project",
            {"teamId": team["id"], "name": "Open", "slug": "open", "visibility": "PUBLIC"},
            status=201,
        )
        world.team, world.project = team["id"], project["id"]
    b_owner = await new_person(app_client, token, "bowner")
    slug = f"b-{vis.lower()}"
    org_b = await b_owner.ok(
        "POST", "/organization", {"name": f"B {slug}", "slug": slug}, status=201
    )
    await b_owner.ok(
        "POST",
        "/team",
        {"organizationId": org_b["id"], "name": "B team", "slug": "b-team", "visibility": "PUBLIC"},
        status=201,
    )
    before = await _snapshot(a_owner, world)

    people["X"] = b_owner  # B's Owner plays the outsider of A
    leaks = []
    for row in SCOPED:
        path, body = await _cell(app_client, token, people, world, row, "X")
        # A well-formed request (money routes require a key), so only authorization can refuse it.
        key = {"Idempotency-Key": unique("key-")} if row.method == "POST" else {}
        status, reply = await b_owner.call(row.method, path, body, key)
        if status != 404:
            leaks.append(f"{row.method} {path}: {status} {reply}")
    assert not leaks, "\n".join(leaks)

    after = await _snapshot(a_owner, world)
    assert after == before
    listed = await b_owner.ok("GET", "/organization")
    assert [o["id"] for o in listed] == [org_b["id"]]


async def test_ids_of_a_do_not_work_under_b_paths(app_client, token):
    people = await _people(app_client, token)
    a_owner = people["O"]
    a = await build_world(app_client, people, "INT")
    b_people = await _people(app_client, token)
    b = await build_world(app_client, b_people, "INT")
    b_owner = b_people["O"]
    org_invite = await a_owner.ok(
        "POST",
        f"/organization/{a.org}/invites",
        {"email": "a1@iso.test", "role": "Member"},
        status=201,
    )
    team_invite = await a_owner.ok(
        "POST",
        "/team/invite",
        {"teamId": a.team, "email": "a2@iso.test", "role": "Member"},
        status=201,
    )
    project_invite = await a_owner.ok(
        "POST",
        f"/project/{a.project}/invites",
        {"email": "a3@iso.test", "role": "Viewer"},
        status=201,
    )
    a_ids = [x["created"][0]["id"] for x in (org_invite, team_invite, project_invite)]
    for invite_id in a_ids:
        for path in (
            f"/organization/{b.org}/invites/{invite_id}",
            f"/team/{b.team}/invites/{invite_id}",
            f"/project/{b.project}/invites/{invite_id}",
        ):
            status, _ = await b_owner.call("DELETE", path)
            assert status == 404, path
    for path in (
        f"/organization/{b.org}/members/{a_owner.user_id}",
        f"/team/{b.team}/members/{a_owner.user_id}",
        f"/project/{b.project}/members/{a_owner.user_id}",
    ):
        assert (await b_owner.call("DELETE", path))[0] == 404, path
    # B's lists show nothing of A, A's invitations are all still pending.
    assert await b_owner.ok("GET", f"/organization/{b.org}/invites?status=all") != []
    for listing in (
        f"/organization/{b.org}/invites?status=all",
        f"/team/{b.team}/invites",
        f"/project/{b.project}/invites",
    ):
        assert not {i["id"] for i in await b_owner.ok("GET", listing)} & set(a_ids)
    assert [i["status"] for i in await a_owner.ok("GET", f"/team/{a.team}/invites")] == ["pending"]
    audit_b = await b_owner.ok("GET", f"/organization/{b.org}/audit?limit=100")
    assert not {e["target"]["id"] for e in audit_b} & set(a_ids)
    # A code of A's organization still only joins A, and only for its invitee.
    code = await code_for(app_client, a_ids[0])
    assert (await b_owner.call("POST", f"/invites/{code}/accept"))[0] == 403
