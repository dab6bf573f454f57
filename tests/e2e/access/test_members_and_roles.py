"""Members and roles over HTTP: last Owner, no escalation, removal effective at once, custom
roles, cross-organization ids."""

from __future__ import annotations

from tests.e2e.access.helpers import actor, actors, join, make_org, make_team


async def test_last_owner_cannot_leave_or_be_demoted(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "solo")
    path = f"/organization/{org['id']}/members/{owner.user_id}"
    status, body = await owner.call("DELETE", path)
    assert status == 409 and body["error"]["code"] == "CONFLICT"
    status, _ = await owner.call("PATCH", path, {"role": "Member"})
    assert status == 409


async def test_second_owner_allows_leaving(app_client, token):
    first, second = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(first, "duo", joinEnabled=True)
    await join(second, org["id"])
    await first.ok(
        "PATCH", f"/organization/{org['id']}/members/{second.user_id}", {"role": "org.owner"}
    )
    left = await first.ok("DELETE", f"/organization/{org['id']}/members/{first.user_id}")
    assert left["removed"] == [{"scope": "organization", "id": org["id"]}]
    assert (await first.call("GET", f"/organization/{org['id']}/members"))[0] == 403


async def test_no_granting_above_oneself(app_client, token):
    owner, co, member = await actors(app_client, token, 3)
    org = await make_org(owner, "ladder", joinEnabled=True)
    await join(co, org["id"])
    await join(member, org["id"])
    await owner.ok("PATCH", f"/organization/{org['id']}/members/{co.user_id}", {"role": "Co-Owner"})
    base = f"/organization/{org['id']}/members"
    assert (await co.call("PATCH", f"{base}/{member.user_id}", {"role": "Owner"}))[0] == 403
    assert (await co.call("PATCH", f"{base}/{owner.user_id}", {"role": "Member"}))[0] == 403
    assert (await co.call("DELETE", f"{base}/{owner.user_id}"))[0] == 403
    assert (await co.ok("PATCH", f"{base}/{member.user_id}", {"role": "Maintainer"}))["role"][
        "name"
    ] == "Maintainer"
    assert (await member.call("PATCH", f"{base}/{co.user_id}", {"role": "Member"}))[0] == 403
    status, body = await owner.call("PATCH", f"{base}/{member.user_id}", {"role": "Wizard"})
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"


async def test_removed_member_is_denied_on_the_very_next_request(app_client, token):
    owner, member = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "gone", isPublic=True, joinEnabled=True)
    team = await make_team(owner, org["id"], "inside", "INTERNAL")
    await join(member, org["id"])
    assert (await member.call("GET", f"/team/{team['id']}"))[0] == 200
    await owner.ok("DELETE", f"/organization/{org['id']}/members/{member.user_id}")
    assert (await member.call("GET", f"/team/{team['id']}"))[0] == 404
    assert (await member.call("GET", f"/organization/{org['id']}/members"))[0] == 403


async def test_member_list_shows_email_only_to_managers(app_client, token):
    owner, member = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "emails", joinEnabled=True)
    await join(member, org["id"])
    seen_by_owner = await owner.ok("GET", f"/organization/{org['id']}/members")
    seen_by_member = await member.ok("GET", f"/organization/{org['id']}/members")
    assert [m["userId"] for m in seen_by_owner] == [owner.user_id, member.user_id]
    assert all(m["email"] for m in seen_by_owner)
    assert all(m["email"] is None for m in seen_by_member)


async def test_custom_roles(app_client, token):
    owner, member = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "custom", joinEnabled=True)
    await join(member, org["id"])
    base = f"/organization/{org['id']}/roles"
    role = await owner.ok(
        "POST", base, {"name": "Auditor", "permissions": ["org:audit:read"]}, status=201
    )
    assert set(role["permissions"]) == {"org:read", "org:audit:read"}
    assert not role["isDefault"]
    status, body = await owner.call("POST", base, {"name": "Bad", "permissions": ["org:fly"]})
    assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR"
    assert (await owner.call("POST", base, {"name": "auditor", "permissions": []}))[0] == 409
    assert (await member.call("POST", base, {"name": "Mine", "permissions": []}))[0] == 403
    await owner.ok(
        "PATCH", f"/organization/{org['id']}/members/{member.user_id}", {"role": role["id"]}
    )
    mine = await member.ok("GET", f"/organization/{org['id']}")
    assert mine["myRole"]["id"] == role["id"]
    assert mine["myPermissions"] == ["org:audit:read", "org:read"]
    assert (await owner.call("DELETE", f"{base}/{role['id']}"))[0] == 409  # still held
    assert (await owner.call("DELETE", f"{base}/org.member"))[0] == 409  # default
    edited = await owner.ok("PATCH", f"{base}/{role['id']}", {"name": "Reader", "permissions": []})
    assert edited["name"] == "Reader" and edited["permissions"] == ["org:read"]
    names = [r["name"] for r in await member.ok("GET", base)]
    assert names[:5] == ["Owner", "Co-Owner", "Maintainer", "Member", "Reader"]
    await owner.ok(
        "PATCH", f"/organization/{org['id']}/members/{member.user_id}", {"role": "Member"}
    )
    await owner.ok("DELETE", f"{base}/{role['id']}")


async def test_cross_organization_ids_are_not_found(app_client, token):
    a_owner, b_owner = await actor(app_client, token), await actor(app_client, token)
    org_a = await make_org(a_owner, "tenant-a")
    org_b = await make_org(b_owner, "tenant-b")
    role_a = await a_owner.ok(
        "POST",
        f"/organization/{org_a['id']}/roles",
        {"name": "A-role", "permissions": []},
        status=201,
    )
    assert (
        await b_owner.call(
            "PATCH", f"/organization/{org_b['id']}/roles/{role_a['id']}", {"name": "stolen"}
        )
    )[0] == 404
    assert (await b_owner.call("DELETE", f"/organization/{org_b['id']}/roles/{role_a['id']}"))[
        0
    ] == 404
    assert (
        await b_owner.call(
            "PATCH", f"/organization/{org_b['id']}/members/{a_owner.user_id}", {"role": "Member"}
        )
    )[0] == 404
    status, _ = await b_owner.call(
        "PATCH", f"/organization/{org_b['id']}/members/{b_owner.user_id}", {"role": role_a["id"]}
    )
    assert status == 400  # another organization's role is unknown here


async def test_tenant_isolation(app_client, token):
    a_owner, b_owner = await actor(app_client, token), await actor(app_client, token)
    org_a = await make_org(a_owner, "iso-a", isPublic=False)
    team_a = await make_team(a_owner, org_a["id"], "a-team", "INTERNAL")
    await make_org(b_owner, "iso-b")
    for method, path, body in [
        ("GET", f"/organization/{org_a['id']}", None),
        ("PATCH", f"/organization/{org_a['id']}", {"name": "x"}),
        ("DELETE", f"/organization/{org_a['id']}", None),
        ("GET", f"/organization/{org_a['id']}/teams", None),
        ("GET", f"/organization/{org_a['id']}/members", None),
        ("GET", f"/organization/{org_a['id']}/roles", None),
        ("POST", f"/organization/{org_a['id']}/join", None),
        ("GET", f"/team/{team_a['id']}", None),
        ("PATCH", f"/team/{team_a['id']}", {"name": "xx"}),
        ("GET", f"/team/{team_a['id']}/projects", None),
        ("POST", "/team", {"organizationId": org_a["id"], "name": "in", "slug": "in"}),
        ("POST", "/project", {"teamId": team_a["id"], "name": "in", "slug": "in"}),
    ]:
        status, _ = await b_owner.call(method, path, body)
        assert status == 404, (method, path, status)


async def test_team_member_management_cascades_to_projects(app_client, token):
    owner, maint = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "cascade", joinEnabled=True)
    await join(maint, org["id"])
    await owner.ok(
        "PATCH", f"/organization/{org['id']}/members/{maint.user_id}", {"role": "Maintainer"}
    )
    team = await make_team(maint, org["id"], "t-cascade", "PRIVATE")
    project = await maint.ok(
        "POST",
        "/project",
        {"teamId": team["id"], "name": "Proj", "slug": "proj", "visibility": "PRIVATE"},
        status=201,
    )
    members = await owner.ok("GET", f"/team/{team['id']}/members")
    assert [m["userId"] for m in members] == [maint.user_id]
    roles = [r["id"] for r in await owner.ok("GET", f"/team/{team['id']}/roles")]
    assert roles == ["team.owner", "team.admin", "team.member"]
    removed = await owner.ok("DELETE", f"/organization/{org['id']}/members/{maint.user_id}")
    assert {r["scope"] for r in removed["removed"]} == {"organization", "team", "project"}
    assert await owner.ok("GET", f"/project/{project['id']}/members") == []
