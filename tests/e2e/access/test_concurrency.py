"""Races on PostgreSQL: two Owners demoting each other at once never leave zero Owners."""

from __future__ import annotations

import asyncio

from tests.e2e.access.helpers import actor, join, make_org


async def test_two_owners_demoting_each_other_keep_one_owner(pg_client, token):
    for attempt in range(3):
        first, second = await actor(pg_client, token), await actor(pg_client, token)
        org = await make_org(first, f"race-{attempt}", joinEnabled=True)
        await join(second, org["id"])
        base = f"/organization/{org['id']}/members"
        await first.ok("PATCH", f"{base}/{second.user_id}", {"role": "Owner"})
        results = await asyncio.gather(
            first.call("PATCH", f"{base}/{second.user_id}", {"role": "Member"}),
            second.call("PATCH", f"{base}/{first.user_id}", {"role": "Member"}),
        )
        statuses = sorted(status for status, _ in results)
        assert statuses[0] == 200 and statuses[1] in (403, 409), results
        members = await first.call("GET", base)
        if members[0] != 200:
            members = await second.call("GET", base)
        owners = [m for m in members[1]["data"] if m["role"]["id"] == "org.owner"]
        assert len(owners) == 1


async def test_two_owners_leaving_at_once_keep_one_owner(pg_client, token):
    first, second = await actor(pg_client, token), await actor(pg_client, token)
    org = await make_org(first, "race-leave", joinEnabled=True)
    await join(second, org["id"])
    base = f"/organization/{org['id']}/members"
    await first.ok("PATCH", f"{base}/{second.user_id}", {"role": "Owner"})
    results = await asyncio.gather(
        first.call("DELETE", f"{base}/{first.user_id}"),
        second.call("DELETE", f"{base}/{second.user_id}"),
    )
    assert sorted(status for status, _ in results) == [200, 409], results
