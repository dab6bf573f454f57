"""Profile routes through the real app, on PostgreSQL and SQLite."""

from __future__ import annotations

from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}


async def test_profile_is_created_on_first_call(app_client, token):
    t = token("ada@example.com", name="Ada Lovelace")
    resp = await app_client.get("/api/v1/profile", headers=bearer(t))
    assert resp.status == 200
    body = await resp.json()
    assert body["success"] is True
    assert body["data"]["firstName"] == "Ada"
    assert body["data"]["lastName"] == "Lovelace"
    assert resp.headers["X-Request-Id"]
    again = await (await app_client.get("/api/v1/profile", headers=bearer(t))).json()
    assert again["data"]["userId"] == body["data"]["userId"]


async def test_update_profile_returns_saved_profile_and_applies_rules(app_client, token):
    t = token()
    resp = await app_client.put(
        "/api/v1/profile",
        headers={**bearer(t), **JSON},
        json={
            "firstName": "Grace",
            "skills": ["cobol"],
            "requireAuth": False,
            "trackViews": True,
            "portfolioUrl": "",
            "yearsOfExperience": 40,
            "dateOfBirth": "1906-12-09",
        },
    )
    assert resp.status == 200
    data = (await resp.json())["data"]
    assert data["firstName"] == "Grace" and data["skills"] == ["cobol"]
    assert data["trackViews"] is False  # requireAuth=false forces trackViews=false
    read = await (await app_client.get("/api/v1/profile", headers=bearer(t))).json()
    assert read["data"]["skills"] == ["cobol"]  # read-your-writes through the cache


async def test_update_profile_rejects_bad_input_without_writing(app_client, token):
    t = token()
    before = await (await app_client.get("/api/v1/profile", headers=bearer(t))).json()
    cases = [
        {"firstName": ""},
        {"firstName": "A", "unknown": 1},
        {"firstName": "A", "skills": ["x" * 101]},
        {"firstName": "A", "yearsOfExperience": "5"},
        {"firstName": "A", "portfolioUrl": "not a url"},
        {"firstName": "A", "gender": "ROBOT"},
        {"lastName": "no first name"},
    ]
    for payload in cases:
        resp = await app_client.put("/api/v1/profile", headers={**bearer(t), **JSON}, json=payload)
        assert resp.status == 400, payload
        error = (await resp.json())["error"]
        assert error["code"] == "VALIDATION_ERROR" and error["details"], payload
    after = await (await app_client.get("/api/v1/profile", headers=bearer(t))).json()
    assert after == before


async def test_public_view_respects_visibility(app_client, token):
    owner, viewer = token(name="Owner Person"), token()
    me = (await (await app_client.get("/api/v1/profile", headers=bearer(owner))).json())["data"]
    url = f"/api/v1/profile/view/{me['userId']}"

    anon = await app_client.get(url)
    assert anon.status == 200
    data = (await anon.json())["data"]
    assert "email" not in data and data["starCount"] == 0 and data["hasStarred"] is None

    await app_client.put(
        "/api/v1/profile",
        headers={**bearer(owner), **JSON},
        json={"firstName": "Owner", "requireAuth": True, "trackViews": True},
    )
    assert (await app_client.get(url)).status == 401
    seen = (await (await app_client.get(url, headers=bearer(viewer))).json())["data"]
    assert seen["requiresConsent"] is True

    record = await app_client.post(f"/api/v1/profile/views/{me['userId']}", headers=bearer(viewer))
    assert (await record.json())["data"] == {"recorded": True}
    views = await (await app_client.get("/api/v1/profile/views", headers=bearer(owner))).json()
    assert len(views["data"]) == 1 and views["meta"]["nextCursor"] is None

    await app_client.put(
        "/api/v1/profile",
        headers={**bearer(owner), **JSON},
        json={"firstName": "Owner", "isPublic": False},
    )
    assert (await app_client.get(url, headers=bearer(viewer))).status == 404
    assert (await app_client.get(url, headers=bearer(owner))).status == 200  # owner always sees
    assert (await app_client.get("/api/v1/profile/view/nobody")).status == 404
