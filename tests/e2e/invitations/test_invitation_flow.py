"""Invitations over HTTP on PostgreSQL and SQLite: invite, preview, accept, decline, revoke."""

from __future__ import annotations

from tests.e2e.access.helpers import actor, make_org, make_project, make_team
from tests.e2e.invitations.helpers import code_for, invite, person, travel


async def test_org_invitation_round_trip_never_shows_the_code(app_client, token):
    owner = await actor(app_client, token, "Olive Owner")
    org = await make_org(owner, "acme", isPublic=False)
    ann = await person(app_client, token, "ann.lee@example.com")
    status, body = await owner.call(
        "POST",
        f"/organization/{org['id']}/invites",
        {"email": "Ann.Lee@Example.com", "role": "Maintainer"},
    )
    assert status == 201, body
    created = body["data"]["created"]
    assert body["data"]["skipped"] == []
    assert [(c["email"], c["role"]["name"], c["status"]) for c in created] == [
        ("ann.lee@example.com", "Maintainer", "pending")
    ]
    code = await code_for(app_client, created[0]["id"])
    assert code not in str(body)

    preview = await app_client.get(f"/api/v1/invites/{code}")  # public
    data = (await preview.json())["data"]
    assert preview.status == 200
    assert data["email"] == "a***e@e***.com" and data["role"]["name"] == "Maintainer"
    assert data["organization"]["slug"] == "acme" and data["invitedBy"] == "Olive Owner"

    assert (await ann.call("GET", f"/organization/{org['id']}"))[0] == 404  # private, not a member
    accepted = await ann.ok("POST", f"/invites/{code}/accept")
    assert accepted["role"]["name"] == "Maintainer" and accepted["alreadyMember"] is False
    got = await ann.ok("GET", f"/organization/{org['id']}")
    assert got["myRole"]["name"] == "Maintainer"

    status, body = await ann.call("POST", "/team/accept-invite", {"code": code})
    assert status == 410 and body["error"]["code"] == "GONE"
    assert (await app_client.get(f"/api/v1/invites/{code}")).status == 410
    listed = await owner.ok("GET", f"/organization/{org['id']}/invites?status=used")
    assert [i["id"] for i in listed] == [created[0]["id"]]
    assert await owner.ok("GET", f"/organization/{org['id']}/invites") == []  # default: pending


async def test_accepting_a_team_invite_makes_you_an_org_member_too(app_client, token):
    """The original's bug 19: team invitees were locked out of their own team."""
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme", isPublic=False)
    team = await make_team(owner, org["id"], "core", visibility="PRIVATE")
    bob = await person(app_client, token, "bob@example.com")
    data = await invite(
        owner, "/team/invite", {"teamId": team["id"], "email": "bob@example.com", "role": "Admin"}
    )
    code = await code_for(app_client, data["created"][0]["id"])
    accepted = await bob.ok("POST", "/team/accept-invite", {"code": code})
    assert accepted["scope"] == "team" and accepted["team"]["slug"] == "core"
    assert (await bob.ok("GET", f"/team/{team['id']}"))["myRole"]["name"] == "Admin"
    assert (await bob.ok("GET", f"/organization/{org['id']}"))["myRole"]["name"] == "Member"


async def test_project_invitation(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme", isPublic=False)
    team = await make_team(owner, org["id"], "core", visibility="PRIVATE")
    project = await make_project(owner, team["id"], "site", visibility="PRIVATE")
    cy = await person(app_client, token, "cy@example.com")
    data = await invite(
        owner, f"/project/{project['id']}/invites", {"email": "cy@example.com", "role": "Editor"}
    )
    code = await code_for(app_client, data["created"][0]["id"])
    await cy.ok("POST", f"/invites/{code}/accept")
    assert (await cy.ok("GET", f"/project/{project['id']}"))["myRole"]["name"] == "Editor"
    assert (await cy.call("GET", f"/team/{team['id']}"))[0] == 404  # a PRIVATE team stays hidden


async def test_wrong_email_is_forbidden_and_decline_closes_it(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    eve = await person(app_client, token, "eve@example.com")
    dan = await person(app_client, token, "dan@example.com")
    data = await invite(
        owner, f"/organization/{org['id']}/invites", {"email": "dan@example.com", "role": "Member"}
    )
    code = await code_for(app_client, data["created"][0]["id"])
    for path in (f"/invites/{code}/accept", f"/invites/{code}/decline"):
        status, body = await eve.call("POST", path)
        assert status == 403 and body["error"]["code"] == "FORBIDDEN"
    assert (await dan.ok("POST", f"/invites/{code}/decline")) == {"declined": True}
    assert (await dan.call("POST", f"/invites/{code}/accept"))[0] == 410
    declined = await owner.ok("GET", f"/organization/{org['id']}/invites?status=declined")
    assert [i["status"] for i in declined] == ["declined"]


async def test_unknown_and_malformed_codes_are_404(app_client, token):
    someone = await actor(app_client, token)
    for code in ["x" * 43, "short", "../../etc"]:
        assert (await app_client.get(f"/api/v1/invites/{code}")).status == 404
        assert (await someone.call("POST", "/team/accept-invite", {"code": code}))[0] == 404


async def test_expired_invitations_are_gone_and_listed_as_expired(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    fay = await person(app_client, token, "fay@example.com")
    data = await invite(
        owner,
        f"/organization/{org['id']}/invites",
        {"email": "fay@example.com", "role": "Member", "expiresInDays": 1},
    )
    code = await code_for(app_client, data["created"][0]["id"])
    travel(app_client, 1.01)
    assert (await app_client.get(f"/api/v1/invites/{code}")).status == 410
    status, body = await fay.call("POST", f"/invites/{code}/accept")
    assert status == 410 and body["error"]["code"] == "GONE"
    expired = await owner.ok("GET", f"/organization/{org['id']}/invites?status=expired")
    assert [i["status"] for i in expired] == ["expired"]
    # An expired invitation no longer blocks a new one.
    again = await invite(
        owner, f"/organization/{org['id']}/invites", {"email": "fay@example.com", "role": "Member"}
    )
    assert len(again["created"]) == 1


async def test_revoke_then_the_code_is_gone_and_ids_from_elsewhere_are_not_found(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    other = await make_team(owner, org["id"], "other")
    data = await invite(
        owner, "/team/invite", {"teamId": team["id"], "email": "gus@example.com", "role": "Member"}
    )
    invite_id = data["created"][0]["id"]
    code = await code_for(app_client, invite_id)
    assert (await owner.call("DELETE", f"/team/{other['id']}/invites/{invite_id}"))[0] == 404
    assert (await owner.call("DELETE", f"/organization/{org['id']}/invites/{invite_id}"))[0] == 404
    revoked = await owner.ok("DELETE", f"/team/{team['id']}/invites/{invite_id}")
    assert revoked["status"] == "revoked"
    assert (await app_client.get(f"/api/v1/invites/{code}")).status == 410
    status, body = await owner.call("DELETE", f"/team/{team['id']}/invites/{invite_id}")
    assert status == 409 and body["error"]["code"] == "CONFLICT"


async def test_bulk_and_csv_report_every_row(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    await invite(
        owner, "/team/invite", {"teamId": team["id"], "email": "old@example.com", "role": "Member"}
    )
    bulk = await invite(
        owner,
        "/team/invite",
        {
            "teamId": team["id"],
            "invites": [
                {"email": "a@example.com", "role": "Member"},
                {"email": "A@example.com", "role": "Admin"},
                {"email": "old@example.com", "role": "Member"},
                {"email": "nope", "role": "Member"},
                {"email": "b@example.com", "role": "Wizard"},
            ],
        },
    )
    assert [c["email"] for c in bulk["created"]] == ["a@example.com"]
    assert [(s["row"], s["reason"]) for s in bulk["skipped"]] == [
        (2, "duplicate"),
        (3, "already_invited"),
        (4, "bad_row"),
        (5, "bad_row"),
    ]
    csv = (
        "Name,Email,Role\nCat,cat@example.com,admin\nDog,dog@example.com,\n,a@example.com,Member\n"
    )
    result = await invite(
        owner, "/team/invite", {"teamId": team["id"], "csv": csv, "expiresInDays": 30}
    )
    assert [(c["email"], c["role"]["name"]) for c in result["created"]] == [
        ("cat@example.com", "Admin")
    ]
    assert [(s["row"], s["reason"], s["message"]) for s in result["skipped"]] == [
        (3, "bad_row", "missing role"),
        (4, "already_invited", "already has a pending invitation"),
    ]


async def test_bad_input_is_rejected_whole_and_writes_nothing(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    path = "/team/invite"
    cases = [
        {
            "teamId": team["id"],
            "invites": [{"email": f"u{i}@x.com", "role": "Member"} for i in range(101)],
        },
        {
            "teamId": team["id"],
            "csv": "email,role\n" + "u@x.com,Member," + "x" * (1024 * 1024) + "\n",
        },
        {
            "teamId": team["id"],
            "csv": "email,role\n" + "".join(f"u{i}@x.com,Member\n" for i in range(1001)),
        },
        {"teamId": team["id"], "csv": "mail,role\nu@x.com,Member\n"},
        {"teamId": team["id"], "email": "u@x.com", "role": "Member", "expiresInDays": 31},
        {"teamId": team["id"], "email": "u@x.com", "role": "Member", "csv": "email,role\n"},
        {"teamId": team["id"], "email": "not-an-email", "role": "Member"},
        {"teamId": team["id"], "email": "u@x.com", "role": "Wizard"},
    ]
    for body in cases:
        status, reply = await owner.call("POST", path, body)
        assert status == 400 and reply["error"]["code"] == "VALIDATION_ERROR", (body.keys(), reply)
    assert await owner.ok("GET", f"/team/{team['id']}/invites?status=all") == []


async def test_single_invitations_fail_loudly(app_client, token):
    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    maint = await person(app_client, token, "maint@example.com")
    data = await invite(
        owner,
        f"/organization/{org['id']}/invites",
        {"email": "maint@example.com", "role": "Maintainer"},
    )
    await maint.ok(
        "POST", f"/invites/{await code_for(app_client, data['created'][0]['id'])}/accept"
    )
    path = f"/organization/{org['id']}/invites"
    status, body = await maint.call("POST", path, {"email": "x@example.com", "role": "Owner"})
    assert status == 403 and body["error"]["code"] == "FORBIDDEN"  # above the inviter's own role
    await invite(maint, path, {"email": "x@example.com", "role": "Member"})
    status, body = await maint.call("POST", path, {"email": "X@example.com", "role": "Member"})
    assert status == 409 and body["error"]["code"] == "CONFLICT"  # already invited
    status, body = await owner.call("POST", path, {"email": "MAINT@example.com", "role": "Member"})
    assert status == 409 and body["error"]["code"] == "CONFLICT"  # already a member


async def test_the_audit_trail_records_invitations(app_client, token):
    owner = await actor(app_client, token, "Olive Owner")
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    hal = await person(app_client, token, "hal@example.com", "Hal")
    data = await invite(
        owner, "/team/invite", {"teamId": team["id"], "email": "hal@example.com", "role": "Member"}
    )
    await hal.ok("POST", f"/invites/{await code_for(app_client, data['created'][0]['id'])}/accept")
    status, body = await owner.call("GET", f"/organization/{org['id']}/audit?limit=3")
    assert status == 200, body
    entries = body["data"]
    assert [e["action"] for e in entries] == ["invitation.accepted", "member.added", "member.added"]
    assert entries[0]["actor"] == {"id": hal.user_id, "name": "Hal"}
    assert entries[0]["scope"]["type"] == "team" and entries[0]["after"]["status"] == "used"
    assert entries[0]["requestId"]
    cursor = body["meta"]["nextCursor"]
    rest = await owner.ok("GET", f"/organization/{org['id']}/audit?cursor={cursor}")
    assert "invitation.created" in [e["action"] for e in rest]
    assert (await hal.call("GET", f"/organization/{org['id']}/audit"))[0] == 403
    outsider = await actor(app_client, token)
    assert (await outsider.call("GET", f"/organization/{org['id']}/audit"))[0] == 403  # public org


async def test_codes_never_reach_the_access_log(app_client, token):
    from structlog.testing import capture_logs

    owner = await actor(app_client, token)
    org = await make_org(owner, "acme")
    ivy = await person(app_client, token, "ivy@example.com")
    data = await invite(
        owner, f"/organization/{org['id']}/invites", {"email": "ivy@example.com", "role": "Member"}
    )
    code = await code_for(app_client, data["created"][0]["id"])
    with capture_logs() as logs:
        assert (await app_client.get(f"/api/v1/invites/{code}")).status == 200
        await ivy.ok("POST", f"/invites/{code}/decline")
    requests = [entry for entry in logs if entry.get("event") == "http.request"]
    assert [e["path"] for e in requests] == [
        "/api/v1/invites/{code}",
        "/api/v1/invites/{code}/decline",
    ]
    assert code not in repr(logs)


async def test_the_invitation_email_carries_the_link_and_is_sent_once(app_client, token):
    import json

    from entrypoints.jobs.handlers import outbox_handlers
    from tests.e2e.invitations.helpers import container_of

    owner = await actor(app_client, token, "Olive Owner")
    org = await make_org(owner, "acme")
    team = await make_team(owner, org["id"], "core")
    data = await invite(
        owner, "/team/invite", {"teamId": team["id"], "email": "jo@example.com", "role": "Admin"}
    )
    invitation_id = data["created"][0]["id"]
    code = await code_for(app_client, invitation_id)
    container = container_of(app_client)
    from datetime import UTC, datetime

    async with container.infrastructure.uow()() as uow:
        pending = await uow.outbox.claim_pending(100, datetime.now(UTC))
    message = next(m for m in pending if m.topic == "invitation.email")
    handler = outbox_handlers(container)["invitation.email"]
    await handler(message.id, message.payload)
    await handler(message.id, message.payload)  # a redelivery mails nothing more
    sender = container.infrastructure.email_sender()
    lines = [json.loads(x) for x in sender.path.read_text().splitlines()]
    mails = [m for m in lines if m["to"] == "jo@example.com"]
    assert len(mails) == 1
    link = f"{container.config().frontend_url.rstrip('/')}/invites/{code}"
    assert link in mails[0]["text"] and "Olive Owner" in mails[0]["subject"]
    assert "team" in mails[0]["text"] and "Admin" in mails[0]["text"]
