"""CORS, maintenance mode and rate limits (memory and Redis stores) through the real app."""

from __future__ import annotations

import uuid

import pytest
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer


@pytest.fixture
async def client_factory(test_settings, sqlite_url):
    made = []

    async def make(**overrides):
        container = Container(config=test_settings(database_url=sqlite_url, **overrides))
        client = TestClient(TestServer(create_app(container)))
        await client.start_server()
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def test_cors_allows_configured_origins_only(client_factory):
    client = await client_factory(cors_origins="https://app.fairarena.test")
    ok = await client.options(
        "/api/v1/profile",
        headers={"Origin": "https://app.fairarena.test", "Access-Control-Request-Method": "GET"},
    )
    assert ok.status == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.fairarena.test"
    denied = await client.options(
        "/api/v1/profile",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"},
    )
    assert denied.status == 403 and (await denied.json())["error"]["code"] == "FORBIDDEN"
    plain = await client.get("/healthz", headers={"Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in plain.headers


async def test_maintenance_mode_spares_health_metrics_and_webhooks(client_factory, token):
    client = await client_factory(maintenance_mode=True)
    resp = await client.get("/api/v1/profile", headers=bearer(token()))
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "MAINTENANCE"
    assert resp.headers["Retry-After"]
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/metrics")).status == 200


async def test_metrics_token_is_enforced(client_factory):
    client = await client_factory(metrics_token="s3cret")
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})).status == 200


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_rate_limit_answers_429_with_headers(client_factory, token, store, redis_url):
    overrides = {"rate_limit_default": "3/minute"}
    if store == "redis":
        overrides["redis_url"] = redis_url
    client = await client_factory(**overrides)
    t = token(f"{uuid.uuid4().hex}@example.com")
    statuses = []
    for _ in range(4):
        resp = await client.get("/api/v1/settings", headers=bearer(t))
        statuses.append(resp.status)
    assert statuses == [200, 200, 200, 429]
    assert resp.headers["X-RateLimit-Limit"] == "3"
    assert resp.headers["X-RateLimit-Remaining"] == "0"
    assert int(resp.headers["Retry-After"]) >= 1
    body = await resp.json()
    assert body["error"]["code"] == "RATE_LIMITED"
