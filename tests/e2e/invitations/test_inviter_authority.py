"""Issue 7, item 2, over HTTP on PostgreSQL and SQLite: invitations do not outlive the inviter's
power. Removing or demoting the inviter revokes what they can no longer grant (audited with the
reason), and acceptance re-authorizes the inviter against their current roles: 410 ``GONE`` with
``details.reason`` when they no longer may, the invitation revoked for good."""

from __future__ import annotations

from typing import Any

from domain.access.permissions import ScopeKind
from domain.access.scopes import ScopeRef
from tests.e2e.access.helpers import Actor, actor, join, make_org, make_team
from tests.e2e.invitations.helpers import code_for, container_of, invite, person


async def _revocations(owner: Actor, org_id: str) -> list[dict[str, Any]]:
    audit = await owner.ok("GET", f"/organization/{org_id}/audit?limit=100")
    return [e for e in audit if e["action"] == "invitation.revoked"]


async def _promote(owner: Actor, org_id: str, who: Actor, role: str) -> None:
    await owner.ok("PATCH", f"/organization/{org_id}/members/{who.user_id}", {"role": role})


async def test_removing_the_inviter_revokes_their_pending_invitations(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme", isPublic=True, joinEnabled=True)
    org_id = org["id"]
    carl = await actor(app_client, token)
    await join(carl, org_id)
    await _promote(owner, org_id, carl, "Co-Owner")
    ann = await person(app_client, token, "ann@example.com")
    made = await invite(
        carl, f"/organization/{org_id}/invites", {"email": "ann@example.com", "role": "Member"}
    )
    invitation_id = made["created"][0]["id"]
    code = await code_for(app_client, invitation_id)
    kept = await invite(
        owner, f"/organization/{org_id}/invites", {"email": "bo@example.com", "role": "Member"}
    )

    await owner.ok("DELETE", f"/organization/{org_id}/members/{carl.user_id}")

    pending = await owner.ok("GET", f"/organization/{org_id}/invites")
    assert [i["id"] for i in pending] == [kept["created"][0]["id"]]
    revoked = await owner.ok("GET", f"/organization/{org_id}/invites?status=revoked")
    assert [i["id"] for i in revoked] == [invitation_id]
    [entry] = await _revocations(owner, org_id)
    assert entry["target"] == {"type": "invitation", "id": invitation_id}
    assert entry["actor"]["id"] == owner.user_id
    assert entry["after"] == {
        "status": "revoked",
        "reason": "inviter_no_longer_a_member",
        "invitedBy": carl.user_id,
        "cause": "member.removed",
    }
    status, body = await ann.call("POST", f"/invites/{code}/accept")
    assert status == 410 and body["error"]["code"] == "GONE", body
    assert (await ann.call("GET", f"/organization/{org_id}/members"))[0] == 403  # not a member


async def test_a_team_invitation_lapses_when_the_inviter_is_demoted_above(app_client, token):
    """A Maintainer is team Admin on every team by implication; demoted to Member, their
    invitation to a PRIVATE team as Admin has nobody left to vouch for it."""
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme", isPublic=True, joinEnabled=True)
    org_id = org["id"]
    team = await make_team(owner, org_id, "core", visibility="PRIVATE")
    mia = await actor(app_client, token)
    await join(mia, org_id)
    await _promote(owner, org_id, mia, "Maintainer")
    bob = await person(app_client, token, "bob@example.com")
    made = await invite(
        mia, "/team/invite", {"teamId": team["id"], "email": "bob@example.com", "role": "Admin"}
    )
    code = await code_for(app_client, made["created"][0]["id"])

    await _promote(owner, org_id, mia, "Member")

    [entry] = await _revocations(owner, org_id)
    assert (entry["after"]["reason"], entry["after"]["cause"]) == (
        "inviter_may_no_longer_invite",
        "member.role_changed",
    )
    status, body = await bob.call("POST", "/team/accept-invite", {"code": code})
    assert status == 410 and body["error"]["code"] == "GONE", body
    assert (await bob.call("GET", f"/team/{team['id']}"))[0] == 404


async def test_acceptance_re_authorizes_the_inviter(app_client, token):
    """Whatever took the inviter's power away — here a membership deleted behind the API's back,
    so no sweep ran — acceptance notices, refuses with the reason and revokes for good."""
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme", isPublic=True, joinEnabled=True)
    org_id = org["id"]
    carl = await actor(app_client, token)
    await join(carl, org_id)
    await _promote(owner, org_id, carl, "Co-Owner")
    ann = await person(app_client, token, "ann@example.com")
    made = await invite(
        carl, f"/organization/{org_id}/invites", {"email": "ann@example.com", "role": "Maintainer"}
    )
    invitation_id = made["created"][0]["id"]
    code = await code_for(app_client, invitation_id)
    async with container_of(app_client).infrastructure.uow()() as uow:
        org_ref = ScopeRef(ScopeKind.ORGANIZATION, org_id)
        await uow.memberships.remove_with_below(carl.user_id, org_ref)
        await uow.commit()

    preview = await app_client.get(f"/api/v1/invites/{code}")
    body = await preview.json()
    assert preview.status == 410 and body["error"]["code"] == "GONE", body
    assert body["error"]["details"] == {"reason": "inviter_no_longer_a_member"}
    status, body = await ann.call("POST", f"/invites/{code}/accept")
    assert status == 410 and body["error"]["code"] == "GONE", body
    assert body["error"]["details"] == {"reason": "inviter_no_longer_a_member"}
    assert (await ann.call("GET", f"/organization/{org_id}/members"))[0] == 403  # not a member

    revoked = await owner.ok("GET", f"/organization/{org_id}/invites?status=revoked")
    assert [i["id"] for i in revoked] == [invitation_id]
    [entry] = await _revocations(owner, org_id)
    assert entry["actor"] is None
    assert (entry["after"]["reason"], entry["after"]["cause"]) == (
        "inviter_no_longer_a_member",
        "acceptance",
    )
    status, body = await ann.call("POST", f"/invites/{code}/accept")
    assert status == 410 and body["error"]["code"] == "GONE"  # revoked, not re-decided
