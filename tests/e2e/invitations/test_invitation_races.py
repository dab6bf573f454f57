"""Racing answers on PostgreSQL: one code, two simultaneous accepts -> exactly one joins."""

from __future__ import annotations

import asyncio

from tests.e2e.access.helpers import actor, make_org
from tests.e2e.invitations.helpers import code_for, invite, person


async def test_two_simultaneous_accepts_of_one_code_join_once(pg_client, token):
    owner = await actor(pg_client, token)
    org = await make_org(owner, "race", isPublic=False)
    kim = await person(pg_client, token, "kim@example.com")
    data = await invite(
        owner, f"/organization/{org['id']}/invites", {"email": "kim@example.com", "role": "Member"}
    )
    code = await code_for(pg_client, data["created"][0]["id"])
    results = await asyncio.gather(
        kim.call("POST", f"/invites/{code}/accept"),
        kim.call("POST", "/team/accept-invite", {"code": code}),
        kim.call("POST", f"/invites/{code}/decline"),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) == 1 and statuses.count(410) == 2, results
    audit = await owner.ok("GET", f"/organization/{org['id']}/audit?limit=100")
    answered = [
        e["action"] for e in audit if e["action"] in ("invitation.accepted", "invitation.declined")
    ]
    assert len(answered) == 1
