"""Request metadata (User-Agent, X-Forwarded-For, webhook delivery ids) is client-controlled and
unbounded; the tables that keep it are not. A long header must never turn a write into a 500
(PostgreSQL refuses over-long varchar values; SQLite silently keeps them), and a long delivery id
must never merge two deliveries. On PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer

LONG_AGENT = "Mozilla/5.0 " + "(KHTML, like Gecko) " * 40  # > 500 characters
LONG_FORWARDED = "203.0.113." + "9" * 600  # junk a client puts in X-Forwarded-For
# The test client connects from loopback: trusted, so X-Forwarded-For is read (API.md "Client
# address behind proxies"); junk in it stops the walk at the proxy, which is then the client.
TEST_PROXIES = ["127.0.0.0/8", "::1/128"]
PROXY_ADDRESS = "127.0.0.1"


@dataclass
class App:
    client: TestClient[Any, Any]
    container: Container

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.container.infrastructure.engine().connect() as conn:
            return list((await conn.execute(sa.text(sql), params)).all())


@pytest.fixture
async def proxied_app(
    test_settings: Callable[..., Settings], database_url: str
) -> AsyncIterator[App]:
    """The real app behind a trusted proxy, so X-Forwarded-For becomes the recorded address."""
    container = Container(
        config=test_settings(database_url=database_url, trusted_proxies=TEST_PROXIES)
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield App(client, container)
    finally:
        await client.close()


async def _create_org(client: Any, token: str, slug: str, headers: dict[str, str]) -> Any:
    return await client.post(
        "/api/v1/organization",
        json={"name": f"Org {slug}", "slug": slug},
        headers={**bearer(token), **headers},
    )


async def test_a_long_user_agent_is_kept_truncated_on_an_audited_write(
    proxied_app: App, token: Any
) -> None:
    resp = await _create_org(proxied_app.client, token(), "long-agent", {"User-Agent": LONG_AGENT})
    assert resp.status == 201, await resp.text()
    org_id = (await resp.json())["data"]["id"]
    rows = await proxied_app.rows(
        "SELECT user_agent FROM audit_log WHERE scope_id = :org", org=org_id
    )
    assert rows and all(r.user_agent == LONG_AGENT[:500] for r in rows)


async def test_a_long_junk_forwarded_for_never_fails_an_audited_write(
    proxied_app: App, token: Any
) -> None:
    resp = await _create_org(
        proxied_app.client, token(), "long-xff", {"X-Forwarded-For": LONG_FORWARDED}
    )
    assert resp.status == 201, await resp.text()
    org_id = (await resp.json())["data"]["id"]
    rows = await proxied_app.rows("SELECT ip FROM audit_log WHERE scope_id = :org", org=org_id)
    assert rows and all(r.ip == PROXY_ADDRESS for r in rows)


async def _raw_post(client: Any, path: str, token: str, body: bytes, agent: bytes) -> bytes:
    """A request whose User-Agent is not UTF-8 (aiohttp hands such bytes over as surrogates)."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
        b"User-Agent: " + agent + b"\r\n\r\n" + body
    )
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_a_user_agent_that_is_not_utf8_is_kept_readable_on_an_audited_write(
    proxied_app: App, token: Any
) -> None:
    answer = await _raw_post(
        proxied_app.client,
        "/api/v1/organization",
        token(),
        json.dumps({"name": "Org bytes", "slug": "bytes-agent"}).encode(),
        b"curl/8 \xff\xfe",
    )
    assert answer.startswith(b"HTTP/1.1 201"), answer
    rows = await proxied_app.rows(
        "SELECT a.user_agent FROM audit_log a JOIN organizations o ON o.id = a.scope_id"
        " WHERE o.slug = 'bytes-agent'"
    )
    assert rows and all(r.user_agent == "curl/8 \ufffd\ufffd" for r in rows)
