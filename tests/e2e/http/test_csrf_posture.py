"""The CSRF posture (docs/decisions/0009): a state-changing request's body must be declared
``application/json`` (415 otherwise), and a state-changing request authenticated by the session
cookie must be a JSON request even without a body — the content types a cross-site form or a
no-cors fetch can send without a CORS preflight are all refused. ``CORS_ORIGINS=*`` answers
``Access-Control-Allow-Origin: *`` without credentials. Webhooks keep their provider bodies."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer

SETTINGS = "/api/v1/settings"
BODY = b'{"wantToGetFeedbackMail": false}'


def cookie(token_value: str) -> dict[str, str]:
    return {"Cookie": f"__session={token_value}"}


async def _unsupported(resp) -> None:
    assert resp.status == 415, await resp.text()
    body = await resp.json()
    assert body["success"] is False
    assert body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert body["requestId"] == resp.headers["X-Request-Id"]


async def _feedback_mail(client, auth) -> bool:
    data = (await (await client.get(SETTINGS, headers=auth)).json())["data"]
    return bool(data["wantToGetFeedbackMail"])


@pytest.mark.parametrize("auth_kind", ["cookie", "bearer"])
@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream"],
)
async def test_a_json_body_not_declared_as_json_is_refused_and_changes_nothing(
    app_client, token, auth_kind, content_type
):
    t = token()
    auth = cookie(t) if auth_kind == "cookie" else bearer(t)
    before = await _feedback_mail(app_client, auth)
    headers = dict(auth) if content_type is None else {**auth, "Content-Type": content_type}
    resp = await app_client.put(
        SETTINGS, data=BODY, headers=headers, skip_auto_headers=["Content-Type"]
    )
    await _unsupported(resp)
    assert await _feedback_mail(app_client, auth) == before


async def test_json_bodies_with_a_charset_are_accepted(app_client, token):
    auth = bearer(token())
    resp = await app_client.put(
        SETTINGS, data=BODY, headers={**auth, "Content-Type": "application/json; charset=utf-8"}
    )
    assert resp.status == 200
    assert await _feedback_mail(app_client, auth) is False


async def test_a_bodyless_post_with_the_session_cookie_must_be_a_json_request(app_client, token):
    t = token()
    resp = await app_client.post(
        f"{SETTINGS}/reset", headers=cookie(t), skip_auto_headers=["Content-Type"]
    )
    await _unsupported(resp)
    form = await app_client.post(
        f"{SETTINGS}/reset",
        headers={**cookie(t), "Content-Type": "application/x-www-form-urlencoded"},
    )
    await _unsupported(form)
    ok = await app_client.post(
        f"{SETTINGS}/reset", headers={**cookie(t), "Content-Type": "application/json"}
    )
    assert ok.status == 200
    # a bearer token is never sent by the browser on its own: no content type needed
    assert (await app_client.post(f"{SETTINGS}/reset", headers=bearer(t))).status == 200
    # reads with the cookie are unaffected
    assert (await app_client.get(SETTINGS, headers=cookie(t))).status == 200


@pytest.fixture
async def any_origin_client(test_settings, sqlite_url):
    settings = test_settings(database_url=sqlite_url, cors_origins="*,https://app.fairarena.test")
    client = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    yield client
    await client.close()


async def test_cors_wildcard_never_grants_credentials(any_origin_client):
    for request in (
        any_origin_client.options(
            SETTINGS,
            headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"},
        ),
        any_origin_client.get("/healthz", headers={"Origin": "https://evil.test"}),
    ):
        resp = await request
        assert resp.status in (200, 204)
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in resp.headers


async def test_origins_listed_by_name_next_to_the_wildcard_keep_credentials(any_origin_client):
    resp = await any_origin_client.get("/healthz", headers={"Origin": "https://app.fairarena.test"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://app.fairarena.test"
    assert resp.headers["Access-Control-Allow-Credentials"] == "true"
    assert resp.headers["Vary"] == "Origin"


async def test_streams_prepared_by_their_handler_and_errors_carry_cors_headers(
    any_origin_client, token
):
    """SSE responses are prepared inside their handler (the assistant's reply, realtime events),
    errors by ``observe``: both still carry the origin's CORS headers."""
    origin = {"Origin": "https://app.fairarena.test"}
    auth = {**bearer(token()), **origin}
    reply = await any_origin_client.post("/api/v1/ai/stream", json={"message": "hi"}, headers=auth)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.headers["Access-Control-Allow-Origin"] == "https://app.fairarena.test"
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    await reply.read()
    async with any_origin_client.get("/api/v1/notifications/stream", headers=auth) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.headers["Access-Control-Allow-Origin"] == "https://app.fairarena.test"
    refused = await any_origin_client.get("/api/v1/profile", headers=origin)
    assert refused.status == 401
    assert refused.headers["Access-Control-Allow-Origin"] == "https://app.fairarena.test"
