"""``/`` (the address `make run` prints) is a small HTML index, not a JSON 404."""

from __future__ import annotations

import re


async def test_the_root_links_to_the_docs_the_checkout_and_health(app_client) -> None:  # type: ignore[no-untyped-def]
    r = await app_client.get("/")
    assert r.status == 200 and r.content_type == "text/html"
    links = re.findall(r'href="([^"]+)"', await r.text())
    assert {"/api-docs", "/dev/checkout", "/healthz"} <= set(links)
    for link in links:  # every link on it answers
        assert (await app_client.get(link)).status == 200, link


async def test_without_the_sandbox_the_index_does_not_offer_the_checkout(
    test_settings,  # type: ignore[no-untyped-def]
    sqlite_url,
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from entrypoints.containers import Container
    from entrypoints.http.app import create_app

    container = Container(config=test_settings(database_url=sqlite_url, payments_sandbox=False))
    client = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        r = await client.get("/")
        assert r.status == 200 and "/dev/checkout" not in await r.text()
        assert "/api-docs" in await r.text()
    finally:
        await client.close()
