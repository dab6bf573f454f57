"""Restarting `make run` (a new app over the same VAR_DIR and database) keeps sandbox orders
alive; an order the gateway does not know is never handed out again, nor answered with a 402."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    """One process lifetime of the app: a fresh container, so nothing in memory survives."""
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def _order(client: TestClient[Any, Any], t: str) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
    )
    assert r.status == 201, await r.text()
    return (await r.json())["data"]


async def test_an_order_opened_before_a_restart_can_be_paid_after_it(
    test_settings: Callable[..., Settings], database_url: str, token: Callable[..., str]
) -> None:
    settings = test_settings(database_url=database_url)
    t = token()
    async with serving(settings) as before:
        order = await _order(before, t)
    async with serving(settings) as after:
        page = await after.get(f"/dev/checkout/{order['orderId']}")
        assert page.status == 200 and order["orderId"] in await page.text()
        again = await _order(after, t)
        assert again["reused"] and again["orderId"] == order["orderId"]
        checkout = await after.post(f"/dev/checkout/{order['orderId']}/pay", headers=bearer(t))
        assert checkout.status == 200, await checkout.text()
        r = await after.post(
            "/api/v1/payments/verify", json=await checkout.json(), headers=bearer(t)
        )
        assert r.status == 200, await r.text()
        assert (await r.json())["data"]["balance"] == 600


async def test_an_order_the_gateway_lost_is_shown_as_stored_and_never_reused(
    test_settings: Callable[..., Settings], database_url: str, token: Callable[..., str]
) -> None:
    settings = test_settings(database_url=database_url)
    t = token()
    async with serving(settings) as before:
        lost = await _order(before, t)
    # The gateway forgets the order (its state wiped, or keys pointing at another account).
    (settings.var_dir / "sandbox_gateway.json").unlink(missing_ok=True)
    async with serving(settings) as after:
        r = await after.get(f"/api/v1/payments/{lost['paymentId']}", headers=bearer(t))
        assert r.status == 200, await r.text()
        shown = (await r.json())["data"]
        assert shown["status"] == "PENDING" and shown["orderId"] == lost["orderId"]
        unknown = [e for e in shown["events"] if e["type"] == "GATEWAY_ORDER_UNKNOWN"]
        assert len(unknown) == 1 and unknown[0]["data"]["orderId"] == lost["orderId"]
        # asking again notes nothing new
        r = await after.get(f"/api/v1/payments/{lost['paymentId']}", headers=bearer(t))
        events = (await r.json())["data"]["events"]
        assert [e["type"] for e in events].count("GATEWAY_ORDER_UNKNOWN") == 1

        fresh = await _order(after, t)
        assert not fresh["reused"] and fresh["orderId"] != lost["orderId"]
        r = await after.get(f"/api/v1/payments/{lost['paymentId']}", headers=bearer(t))
        assert (await r.json())["data"]["status"] == "CANCELLED"
        page = await after.get(f"/dev/checkout/{fresh['orderId']}")
        assert page.status == 200

        page = await after.get(f"/dev/checkout/{lost['orderId']}")
        assert page.status == 404 and page.content_type == "text/html"
        text = await page.text()
        assert lost["orderId"] in text and 'href="/dev/checkout"' in text
        pay = await after.post(f"/dev/checkout/{lost['orderId']}/pay", headers=bearer(t))
        assert pay.status == 404 and (await pay.json())["error"]["code"] == "NOT_FOUND"
