"""NUL characters are refused at the edge with 400 (PostgreSQL text cannot store them).

Found by tests/e2e/test_openapi_contract.py: ``{"ids": ["a\\u0000"]}`` was a 500 on PostgreSQL.
"""

from __future__ import annotations

from tests.conftest import bearer


async def _refused(resp, field):
    assert resp.status == 400
    body = await resp.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert {"field": field, "message": "NUL characters are not allowed"} in body["error"]["details"]


async def test_nul_in_a_body_string_is_a_400_and_changes_nothing(app_client, token):
    auth = bearer(token())
    resp = await app_client.put(
        "/api/v1/profile", json={"firstName": "Ali\u0000ce", "skills": ["ok"]}, headers=auth
    )
    await _refused(resp, "firstName")
    profile = await (await app_client.get("/api/v1/profile", headers=auth)).json()
    assert "\u0000" not in (profile["data"]["firstName"] or "")


async def test_nul_inside_a_list_names_its_position(app_client, token):
    resp = await app_client.post(
        "/api/v1/notifications/mark-read",
        json={"ids": ["fine", "bad\u0000id"]},
        headers=bearer(token()),
    )
    await _refused(resp, "ids.1")


async def test_nul_in_a_path_parameter_or_query_is_a_400(app_client, token):
    auth = bearer(token())
    await _refused(await app_client.delete("/api/v1/notifications/x%00y", headers=auth), "id")
    await _refused(
        await app_client.get("/api/v1/profile/views?cursor=a%00b", headers=auth), "cursor"
    )
