"""The HTTP shell: envelope on every error, auth failures, limits, security headers, docs."""

from __future__ import annotations

import jwt
import pytest

from tests.conftest import DEV_SECRET, bearer

JSON = {"Content-Type": "application/json"}


async def _error(resp, status, code):
    assert resp.status == status
    body = await resp.json()
    assert body["success"] is False and body["error"]["code"] == code
    assert body["requestId"] == resp.headers["X-Request-Id"]
    return body


async def test_unknown_route_and_wrong_method(app_client):
    await _error(await app_client.get("/api/v1/nope"), 404, "NOT_FOUND")
    await _error(await app_client.patch("/api/v1/profile"), 405, "METHOD_NOT_ALLOWED")


async def test_security_headers_and_request_id_echo(app_client):
    resp = await app_client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert resp.headers["X-Request-Id"] == "abc-123"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "make_token",
    [
        lambda: None,
        lambda: "not-a-jwt",
        lambda: jwt.encode(
            {"sub": "x", "exp": 1, "iat": 1, "iss": "fairarena-dev"}, DEV_SECRET, algorithm="HS256"
        ),
        lambda: jwt.encode(
            {"sub": "x", "exp": 4102444800, "iat": 1, "iss": "fairarena-dev"},
            "forged-secret-of-sufficient-length-1234",
            algorithm="HS256",
        ),
        lambda: jwt.encode(
            {"sub": "x", "exp": 4102444800, "iat": 1, "iss": "fairarena-dev"},
            None,
            algorithm="none",
        ),
    ],
)
async def test_missing_forged_and_expired_tokens_get_401(app_client, make_token):
    value = make_token()
    headers = bearer(value) if value else {}
    await _error(await app_client.get("/api/v1/profile", headers=headers), 401, "AUTH_REQUIRED")


async def test_session_cookie_is_accepted(app_client, token):
    resp = await app_client.get("/api/v1/settings", cookies={"__session": token()})
    assert resp.status == 200


async def test_malformed_json_and_oversize_body(app_client, token):
    t = token()
    resp = await app_client.put("/api/v1/settings", data=b"{nope", headers={**bearer(t), **JSON})
    await _error(resp, 400, "VALIDATION_ERROR")
    big = b'{"wantToGetFeedbackMail": true, "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    resp = await app_client.put("/api/v1/settings", data=big, headers={**bearer(t), **JSON})
    await _error(resp, 413, "PAYLOAD_TOO_LARGE")


async def test_health_and_openapi_and_docs(app_client):
    health = await (await app_client.get("/healthz")).json()
    assert health["data"]["checks"]["database"] == "ok"
    spec = await (await app_client.get("/openapi.json")).json()
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/profile" in spec["paths"]
    docs = await app_client.get("/api-docs")
    assert docs.status == 200 and "swagger" in (await docs.text()).lower()


async def test_metrics_use_the_seed_names(app_client):
    await app_client.get("/healthz")
    text = await (await app_client.get("/metrics")).text()
    assert "http_request_duration_seconds" in text and "http_requests_total" in text
