"""Teams and projects over HTTP: creation, visibility in lists, implied roles, soft delete."""

from __future__ import annotations

from tests.e2e.access.helpers import actor, actors, join, make_org, make_project, make_team


async def test_team_lifecycle_and_my_role(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "lifecycle")
    team = await make_team(owner, org["id"], "core", "PRIVATE")
    assert team["myRole"]["id"] == "team.owner" and team["memberCount"] == 1
    assert team["projectCount"] == 0
    status, body = await owner.call(
        "POST", "/team", {"organizationId": org["id"], "name": "Team core", "slug": "other"}
    )
    assert status == 409 and body["error"]["details"]["field"] == "name"
    status, body = await owner.call(
        "POST", "/team", {"organizationId": org["id"], "name": "Another", "slug": "core"}
    )
    assert status == 409 and body["error"]["details"]["suggestion"] == "core-1"
    edited = await owner.ok(
        "PATCH", f"/team/{team['id']}", {"visibility": "PUBLIC", "description": "hello"}
    )
    assert edited["visibility"] == "PUBLIC" and edited["description"] == "hello"
    project = await make_project(owner, team["id"], "site")
    assert project["myRole"]["id"] == "project.owner"
    assert (await owner.ok("GET", f"/team/{team['id']}"))["projectCount"] == 1
    await owner.ok("DELETE", f"/team/{team['id']}")
    assert (await owner.call("GET", f"/team/{team['id']}"))[0] == 404
    assert (await owner.call("GET", f"/project/{project['id']}"))[0] == 404
    assert await owner.ok("GET", f"/organization/{org['id']}/teams") == []


async def test_team_list_is_filtered_by_visibility_and_membership(app_client, token):
    owner, member, outsider = await actors(app_client, token, 3)
    org = await make_org(owner, "listing", joinEnabled=True)
    public = await make_team(owner, org["id"], "pub", "PUBLIC")
    internal = await make_team(owner, org["id"], "int", "INTERNAL")
    private = await make_team(owner, org["id"], "priv", "PRIVATE")
    await join(member, org["id"])

    def ids(items):
        return {t["id"] for t in items}

    everything = {public["id"], internal["id"], private["id"]}
    assert ids(await owner.ok("GET", f"/organization/{org['id']}/teams")) == everything
    assert ids(await member.ok("GET", f"/organization/{org['id']}/teams")) == {
        public["id"],
        internal["id"],
    }
    assert ids(await outsider.ok("GET", f"/organization/{org['id']}/teams")) == {public["id"]}
    assert (await member.call("GET", f"/team/{private['id']}"))[0] == 404
    assert (await outsider.call("GET", f"/team/{internal['id']}"))[0] == 404
    seen = await outsider.ok("GET", f"/team/{public['id']}")
    assert seen["myRole"] is None and seen["myPermissions"] == ["team:read"]


async def test_org_maintainer_is_team_admin_but_cannot_delete(app_client, token):
    owner, maint = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "maint", joinEnabled=True)
    await join(maint, org["id"])
    await owner.ok(
        "PATCH", f"/organization/{org['id']}/members/{maint.user_id}", {"role": "Maintainer"}
    )
    team = await make_team(owner, org["id"], "secret-team", "PRIVATE")
    seen = await maint.ok("GET", f"/team/{team['id']}")
    assert seen["myRole"] is None and "team:members:manage" in seen["myPermissions"]
    assert "team:delete" not in seen["myPermissions"]
    assert (await maint.call("DELETE", f"/team/{team['id']}"))[0] == 403
    created = await make_team(maint, org["id"], "maint-team")
    assert created["myRole"]["id"] == "team.owner"


async def test_project_visibility_and_listing(app_client, token):
    owner, teammate, org_member = await actors(app_client, token, 3)
    org = await make_org(owner, "projects", joinEnabled=True)
    team = await make_team(owner, org["id"], "builders", "INTERNAL")
    internal = await make_project(owner, team["id"], "open-work", "INTERNAL")
    private = await make_project(owner, team["id"], "closed-work", "PRIVATE")
    await join(teammate, org["id"])
    await join(org_member, org["id"])
    # Team roles are handed out by invitation; the member routes only change existing ones.
    status, _ = await owner.call(
        "PATCH", f"/team/{team['id']}/members/{teammate.user_id}", {"role": "Member"}
    )
    assert status == 404
    listed = await owner.ok("GET", f"/team/{team['id']}/projects")
    assert {p["id"] for p in listed} == {internal["id"], private["id"]}
    assert await org_member.ok("GET", f"/team/{team['id']}/projects") == []
    assert (await org_member.call("GET", f"/project/{internal['id']}"))[0] == 404
    assert (
        await owner.call("POST", "/project", {"teamId": team["id"], "name": "x", "slug": "ok"})
    )[0] == 400


async def test_team_join_needs_org_membership_and_join_enabled(app_client, token):
    owner, member, outsider = await actors(app_client, token, 3)
    org = await make_org(owner, "team-join", joinEnabled=True)
    open_team = await owner.ok(
        "POST",
        "/team",
        {
            "organizationId": org["id"],
            "name": "Open",
            "slug": "open",
            "visibility": "PUBLIC",
            "joinEnabled": True,
        },
        status=201,
    )
    closed = await make_team(owner, org["id"], "closed", "PUBLIC")
    private = await owner.ok(
        "POST",
        "/team",
        {
            "organizationId": org["id"],
            "name": "Hidden",
            "slug": "hidden",
            "visibility": "PRIVATE",
            "joinEnabled": True,
        },
        status=201,
    )
    await join(member, org["id"])
    assert (await outsider.call("POST", f"/team/{open_team['id']}/join"))[0] == 403
    assert (await member.call("POST", f"/team/{closed['id']}/join"))[0] == 403
    assert (await member.call("POST", f"/team/{private['id']}/join"))[0] == 404
    joined = await member.ok("POST", f"/team/{open_team['id']}/join", status=201)
    assert joined["role"]["id"] == "team.member"
    assert (await member.call("POST", f"/team/{open_team['id']}/join"))[0] == 409
    members = await member.ok("GET", f"/team/{open_team['id']}/members")
    assert {m["userId"] for m in members} == {owner.user_id, member.user_id}


async def test_team_member_views_non_private_projects(app_client, token):
    owner, teammate = await actors(app_client, token, 2)
    org = await make_org(owner, "viewers", joinEnabled=True)
    team = await owner.ok(
        "POST",
        "/team",
        {"organizationId": org["id"], "name": "Crew", "slug": "crew", "joinEnabled": True},
        status=201,
    )
    internal = await make_project(owner, team["id"], "shared", "INTERNAL")
    private = await make_project(owner, team["id"], "secret", "PRIVATE")
    await join(teammate, org["id"])
    await teammate.ok("POST", f"/team/{team['id']}/join", status=201)
    seen = await teammate.ok("GET", f"/project/{internal['id']}")
    assert seen["myRole"] is None
    assert seen["myPermissions"] == ["project:members:read", "project:read"]
    assert (await teammate.call("PATCH", f"/project/{internal['id']}", {"name": "xx"}))[0] == 403
    assert (await teammate.call("GET", f"/project/{private['id']}"))[0] == 404
    listed = await teammate.ok("GET", f"/team/{team['id']}/projects")
    assert [p["id"] for p in listed] == [internal["id"]]
    mine = await make_project(teammate, team["id"], "mine", "PRIVATE")
    assert mine["myRole"]["id"] == "project.owner"
    assert (await owner.ok("GET", f"/project/{mine['id']}"))["myRole"] is None
