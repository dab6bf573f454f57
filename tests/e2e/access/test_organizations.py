"""Organizations over HTTP on PostgreSQL and SQLite: create, read, edit, delete, join, list."""

from __future__ import annotations

from tests.e2e.access.helpers import actor, join, make_org, make_team


async def test_create_read_list_and_my_role(app_client, token):
    owner = await actor(app_client, token, "Olive Owner")
    org = await make_org(owner, "acme", description="We build things")
    assert org["myRole"]["name"] == "Owner" and org["myRole"]["id"] == "org.owner"
    assert "org:delete" in org["myPermissions"]
    got = await owner.ok("GET", "/organization/acme")
    assert got["id"] == org["id"] and got["limited"] is False
    listed = await owner.call("GET", "/organization")
    assert listed[0] == 200
    items = listed[1]["data"]
    assert [o["slug"] for o in items] == ["acme"]
    assert items[0]["memberCount"] == 1 and items[0]["teamCount"] == 0
    assert listed[1]["meta"] == {"limit": 20, "nextCursor": None}


async def test_slug_and_name_collisions_suggest_a_free_slug(app_client, token):
    owner = await actor(app_client, token)
    await make_org(owner, "taken")
    status, body = await owner.call("POST", "/organization", {"name": "Other", "slug": "taken"})
    assert status == 409 and body["error"]["code"] == "CONFLICT"
    assert body["error"]["details"]["suggestion"] == "taken-1"
    status, body = await owner.call("POST", "/organization", {"name": "Org taken", "slug": "x"})
    assert status == 409 and body["error"]["details"]["field"] == "name"


async def test_invalid_slug_is_a_validation_error(app_client, token):
    owner = await actor(app_client, token)
    for slug in ["Bad Slug", "", "0190a4e2-7c3b-7d4e-8f00-123456789abc"]:
        status, body = await owner.call("POST", "/organization", {"name": "N", "slug": slug})
        assert status == 400 and body["error"]["code"] == "VALIDATION_ERROR", slug


async def test_private_org_is_not_found_for_outsiders_public_is_limited(app_client, token):
    owner, outsider = await actor(app_client, token), await actor(app_client, token)
    private = await make_org(owner, "secret", isPublic=False)
    public = await make_org(owner, "open")
    status, body = await outsider.call("GET", f"/organization/{private['id']}")
    assert status == 404 and body["error"]["code"] == "NOT_FOUND"
    limited = await outsider.ok("GET", "/organization/open")
    assert limited["limited"] is True and limited["myRole"] is None
    assert limited["myPermissions"] == ["org:read"]
    status, _ = await outsider.call("GET", f"/organization/{public['id']}/members")
    assert status == 403


async def test_join_only_public_and_enabled(app_client, token):
    owner, joiner = await actor(app_client, token), await actor(app_client, token)
    await make_org(owner, "closed")
    await make_org(owner, "welcome", joinEnabled=True)
    await make_org(owner, "hidden", isPublic=False, joinEnabled=True)
    assert (await joiner.call("POST", "/organization/closed/join"))[0] == 403
    assert (await joiner.call("POST", "/organization/hidden/join"))[0] == 404
    joined = await joiner.ok("POST", "/organization/welcome/join", status=201)
    assert joined["role"]["name"] == "Member"
    assert (await joiner.call("POST", "/organization/welcome/join"))[0] == 409
    assert (await joiner.ok("GET", "/organization/welcome"))["myRole"]["name"] == "Member"


async def test_update_and_soft_delete(app_client, token):
    owner, member = await actor(app_client, token), await actor(app_client, token)
    org = await make_org(owner, "editme", joinEnabled=True)
    await join(member, org["id"])
    assert (await member.call("PATCH", "/organization/editme", {"name": "Nope"}))[0] == 403
    edited = await owner.ok("PATCH", "/organization/editme", {"name": "Edited", "slug": "edited"})
    assert edited["name"] == "Edited" and edited["slug"] == "edited"
    team = await make_team(owner, org["id"], "crew")
    assert (await member.call("DELETE", "/organization/edited"))[0] == 403
    deleted = await owner.ok("DELETE", "/organization/edited")
    assert deleted["id"] == org["id"]
    assert (await owner.call("GET", "/organization/edited"))[0] == 404
    assert (await owner.call("GET", f"/team/{team['id']}"))[0] == 404
    assert (await owner.ok("GET", "/organization")) == []
