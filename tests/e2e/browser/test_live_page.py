"""The live events page in a browser: a grant made over the API appears on the page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import BrowserContext, expect

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer


@pytest.fixture
async def live_site(
    test_settings: Callable[..., Settings], sqlite_url: str, tmp_path: Path
) -> AsyncIterator[TestClient[Any, Any]]:
    """The app with jobs in process: the outbox relay publishes realtime events to its bus."""
    settings = test_settings(
        database_url=sqlite_url, jobs_in_process=True, dev_email_path=tmp_path / "emails.jsonl"
    )
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(Container(config=settings))))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def test_a_grant_made_over_the_api_appears_on_the_live_page(
    live_site: TestClient[Any, Any], browser: BrowserContext, token: Callable[..., str]
) -> None:
    alice, admin = token(), token(admin=True)
    profile = await (await live_site.get("/api/v1/profile", headers=bearer(alice))).json()
    alice_id = profile["data"].get("userId") or profile["data"]["id"]
    page = await browser.new_page()
    await page.goto(str(live_site.make_url("/dev/live")))
    await page.fill("#token", alice)
    await page.click("#connect")
    await expect(page.locator("#state")).to_have_text("connected", timeout=10_000)

    granted = await live_site.post(
        "/api/v1/admin/credits/grant",
        json={"userId": alice_id, "amount": 250, "type": "BONUS", "reason": "browser"},
        headers={**bearer(admin), "Idempotency-Key": "live-1"},
    )
    assert granted.status == 201, await granted.text()
    tx = (await granted.json())["data"]["transactionId"]
    event = page.locator('li[data-type="credits.balance_changed"]')
    await expect(event).to_contain_text('"balance":250', timeout=15_000)
    await expect(event).to_contain_text(tx)


async def test_a_bad_token_gets_no_ticket_and_the_page_says_so(
    live_site: TestClient[Any, Any], browser: BrowserContext
) -> None:
    page = await browser.new_page()
    await page.goto(str(live_site.make_url("/dev/live")))
    await page.fill("#token", "not-a-token")
    await page.click("#connect")
    await expect(page.locator("#state")).to_have_text("refused (401 AUTH_REQUIRED)")


async def test_the_live_page_does_not_exist_in_production(
    test_settings: Callable[..., Settings],
) -> None:
    from aiohttp.test_utils import make_mocked_request

    from domain.errors import NotFound
    from entrypoints.http.routes.realtime import live_page
    from entrypoints.http.routing import Call, NoBody, NoQuery

    call = Call(make_mocked_request("GET", "/dev/live"), NoBody(), NoQuery(), None, b"")
    page = await live_page(call, test_settings())
    assert page.status == 200 and "Live events" in page.text
    with pytest.raises(NotFound):
        await live_page(call, test_settings(env="production"))
