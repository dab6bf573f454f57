"""Swagger UI at /api-docs renders every operation of the generated document in a browser."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from playwright.async_api import BrowserContext


def _operations(spec: dict[str, Any]) -> int:
    return sum(len(operations) for operations in spec["paths"].values())


async def test_swagger_ui_renders_the_operations(
    site: TestClient[Any, Any], browser: BrowserContext
) -> None:
    spec = await (await site.get("/openapi.json")).json()
    page = await browser.new_page()
    await page.goto(str(site.make_url("/api-docs")))
    # Swagger UI draws one .opblock per operation once it has loaded the document.
    await page.wait_for_selector(".opblock", timeout=30_000)
    assert "Failed to load API definition" not in await page.content()
    assert await page.locator(".opblock").count() == _operations(spec)
    assert await page.locator(".opblock-summary-path", has_text="/api/v1/profile").count() >= 1
    assert "FairArena API" in await page.locator(".info .title").inner_text()
