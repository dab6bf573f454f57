"""The client address behind proxies (API.md "Client address behind proxies"), through the real
app: per-address rate limits and audit rows use the address the trusted proxy saw, never one the
client wrote. The test client connects from 127.0.0.1, which plays the reverse proxy."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from adapters.sqlalchemy.engine import build_engine
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer

PUBLIC = "/api/v1/plans"  # anonymous: limited per client address


@pytest.fixture
async def client_factory(test_settings, sqlite_url):
    made = []

    async def make(**overrides):
        settings = test_settings(
            database_url=sqlite_url, rate_limit_default="2/minute", **overrides
        )
        client = TestClient(TestServer(create_app(Container(config=settings))))
        await client.start_server()
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def _statuses(client, forwarded_values):
    return [
        (await client.get(PUBLIC, headers={"X-Forwarded-For": value})).status
        for value in forwarded_values
    ]


async def test_forged_left_most_entries_do_not_open_new_rate_limit_windows(client_factory):
    client = await client_factory(trusted_proxies="127.0.0.1")
    forged = [f"198.51.100.{n}, 203.0.113.7" for n in range(1, 4)]
    assert await _statuses(client, forged) == [200, 200, 429]
    # the real address the proxy appended is what counts: another client has its own window
    assert await _statuses(client, ["203.0.113.8"]) == [200]


async def test_a_chain_of_trusted_proxies_is_walked_from_the_right(client_factory):
    client = await client_factory(trusted_proxies="127.0.0.1,10.0.0.0/8")
    chain = [f"{n}.{n}.{n}.{n}, 203.0.113.7, 10.1.2.3, 10.9.9.9" for n in range(1, 4)]
    assert await _statuses(client, chain) == [200, 200, 429]
    assert await _statuses(client, ["203.0.113.9, 10.1.2.3"]) == [200]


async def test_an_untrusted_peer_cannot_choose_its_address(client_factory):
    client = await client_factory(trusted_proxies="10.0.0.0/8")  # the peer 127.0.0.1 is not
    rotating = [f"203.0.113.{n}" for n in range(1, 4)]
    assert await _statuses(client, rotating) == [200, 200, 429]


async def test_x_forwarded_for_is_ignored_by_default(client_factory):
    client = await client_factory()
    rotating = [f"203.0.113.{n}" for n in range(1, 4)]
    assert await _statuses(client, rotating) == [200, 200, 429]


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "203.0.113.7, not-an-ip",
        ",,, ,",
        "999.1.1.1",
        "unknown",
        "[2001:db8::1]:443",
        "203.0.113.7:51234",
        "fe80::1%eth0",
        "1.1.1.1, " * 500 + "x",
        "\u00e9\u00e8",
    ],
)
async def test_malformed_entries_are_never_a_500(client_factory, value):
    client = await client_factory(trusted_proxies="127.0.0.1")
    resp = await client.get(PUBLIC, headers={"X-Forwarded-For": value})
    assert resp.status == 200, await resp.text()


async def test_a_malformed_right_most_entry_cannot_be_varied_to_escape_the_limit(client_factory):
    client = await client_factory(trusted_proxies="127.0.0.1")
    junk = [f"203.0.113.{n}, junk-{n}" for n in range(1, 4)]
    assert await _statuses(client, junk) == [200, 200, 429]


async def test_audit_rows_record_the_address_the_proxy_saw(test_settings, sqlite_url, token):
    settings = test_settings(database_url=sqlite_url, trusted_proxies="127.0.0.1")
    client = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        slug = f"org-{uuid.uuid4().hex[:8]}"
        resp = await client.post(
            "/api/v1/organization",
            json={"name": "Proxy Org", "slug": slug},
            headers={**bearer(token()), "X-Forwarded-For": "6.6.6.6, 203.0.113.7"},
        )
        assert resp.status == 201, await resp.text()
    finally:
        await client.close()
    engine = build_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            ips = (await conn.execute(sa.text("SELECT DISTINCT ip FROM audit_log"))).scalars()
            assert set(ips) == {"203.0.113.7"}
    finally:
        await engine.dispose()
