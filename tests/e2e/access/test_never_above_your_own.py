"""Issue 7, item 3: "never above your own" for role edits, deletions and what roles imply.

Editing or deleting a custom role needs power over the role as it is, not only as it will be; and
a default role counts with what it implies below (Maintainer is team Admin everywhere), so a
custom role that manages members cannot hand it out — not even to its own holder."""

from __future__ import annotations

from typing import Any

from tests.e2e.access.helpers import Actor, actors, join, make_org, make_team


async def _custom_role(owner: Actor, org_id: str, name: str, permissions: list[str]) -> Any:
    return await owner.ok(
        "POST",
        f"/organization/{org_id}/roles",
        {"name": name, "permissions": permissions},
        status=201,
    )


async def _give(owner: Actor, org_id: str, user: Actor, role: str) -> None:
    await owner.ok("PATCH", f"/organization/{org_id}/members/{user.user_id}", {"role": role})


async def test_a_weaker_role_manager_can_neither_weaken_nor_delete_a_stronger_role(
    app_client, token
):
    owner, admin, treasurer = await actors(app_client, token, 3)
    org = await make_org(owner, "roles-ladder", joinEnabled=True)
    org_id = org["id"]
    await join(admin, org_id)
    await join(treasurer, org_id)
    role_admin = await _custom_role(owner, org_id, "Role admin", ["org:roles:manage"])
    strong = await _custom_role(owner, org_id, "Treasurer", ["org:billing:manage"])
    unused = await _custom_role(owner, org_id, "Vault", ["org:billing:manage", "org:update"])
    reader = await _custom_role(owner, org_id, "Reader", [])
    await _give(owner, org_id, admin, role_admin["id"])
    await _give(owner, org_id, treasurer, strong["id"])
    base = f"/organization/{org_id}/roles"

    # Stripping the Treasurer's billing permission: the new set is within the admin's own, but
    # the role as it is is not.
    status, body = await admin.call("PATCH", f"{base}/{strong['id']}", {"permissions": []})
    assert status == 403 and body["error"]["code"] == "FORBIDDEN", body
    status, _ = await admin.call("PATCH", f"{base}/{strong['id']}", {"name": "Cashier"})
    assert status == 403
    status, body = await admin.call("DELETE", f"{base}/{unused['id']}")
    assert status == 403 and body["error"]["code"] == "FORBIDDEN", body

    mine = await treasurer.ok("GET", f"/organization/{org_id}")
    assert "org:billing:manage" in mine["myPermissions"]
    roles = {r["id"]: r for r in await owner.ok("GET", base)}
    assert roles[strong["id"]]["name"] == "Treasurer"
    assert unused["id"] in roles
    audit = await owner.ok("GET", f"/organization/{org_id}/audit")
    role_changes = [e for e in audit if e["action"].startswith("role.")]
    assert admin.user_id not in {(e["actor"] or {}).get("id") for e in role_changes}

    # What lies within the admin's power stays editable by them; the Owner may do anything.
    edited = await admin.ok("PATCH", f"{base}/{reader['id']}", {"name": "Readers"})
    assert edited["name"] == "Readers"
    await admin.ok("DELETE", f"{base}/{reader['id']}")
    await owner.ok("PATCH", f"{base}/{strong['id']}", {"permissions": []})
    await owner.ok("DELETE", f"{base}/{unused['id']}")


async def test_a_custom_member_manager_cannot_hand_out_what_a_role_implies_below(app_client, token):
    owner, manager, member, maintainer = await actors(app_client, token, 4)
    org = await make_org(owner, "implied-ladder", joinEnabled=True)
    org_id = org["id"]
    secret = await make_team(owner, org_id, "secret", "PRIVATE")
    for person in (manager, member, maintainer):
        await join(person, org_id)
    people = await _custom_role(
        owner,
        org_id,
        "People manager",
        ["org:members:read", "org:members:invite", "org:members:manage", "org:teams:create"],
    )
    await _give(owner, org_id, manager, people["id"])
    await _give(owner, org_id, maintainer, "Maintainer")
    members = f"/organization/{org_id}/members"

    # Maintainer's org permissions are all within the custom role, but Maintainer is also team
    # Admin on every team, PRIVATE ones included, which the manager is not.
    assert (await manager.call("PATCH", f"{members}/{manager.user_id}", {"role": "Maintainer"}))[
        0
    ] == 403
    assert (await manager.call("PATCH", f"{members}/{member.user_id}", {"role": "Maintainer"}))[
        0
    ] == 403
    assert (await manager.call("PATCH", f"{members}/{maintainer.user_id}", {"role": "Member"}))[
        0
    ] == 403
    assert (await manager.call("DELETE", f"{members}/{maintainer.user_id}"))[0] == 403
    status, body = await manager.call(
        "POST",
        f"/organization/{org_id}/invites",
        {"email": "someone@implied.test", "role": "Maintainer"},
    )
    assert status == 403 and body["error"]["code"] == "FORBIDDEN", body
    assert (await manager.call("GET", f"/team/{secret['id']}"))[0] == 404
    assert (await member.call("GET", f"/team/{secret['id']}"))[0] == 404

    # Within its power the custom role still manages members.
    await manager.ok("PATCH", f"{members}/{member.user_id}", {"role": people["id"]})
    await manager.ok("PATCH", f"{members}/{member.user_id}", {"role": "Member"})
    await manager.ok("DELETE", f"{members}/{member.user_id}")
