"""The sandbox checkout page in a browser: a mistyped token costs no capture, the retry pays
once, and the header follows the order to "paid"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient
from playwright.async_api import BrowserContext, Page, expect

from tests.conftest import bearer


async def _press_pay(page: Page, token: str) -> dict[str, Any]:
    await page.fill("#token", token)
    await page.dispatch_event("#token", "change")
    await page.evaluate("document.getElementById('out').textContent = ''")
    await page.click("#pay")
    await page.wait_for_function("() => document.getElementById('out').textContent !== ''")
    return dict(await page.evaluate("JSON.parse(document.getElementById('out').textContent)"))


async def test_a_token_typo_then_the_right_token_pays_once(
    site: TestClient[Any, Any], browser: BrowserContext, token: Callable[..., str]
) -> None:
    t = token()
    created = await site.post(
        "/api/v1/payments/create-order", json={"planId": "plan_pro"}, headers=bearer(t)
    )
    order = (await created.json())["data"]
    page = await browser.new_page()
    await page.goto(str(site.make_url(f"/dev/checkout/{order['orderId']}")))
    header = page.locator("p", has=page.locator("code", has_text=order["orderId"]))
    await expect(header).to_contain_text("(created)")

    refused = await _press_pay(page, t[:-4] + "oops")
    assert refused["status"] == 401 and refused["error"]["code"] == "AUTH_REQUIRED"

    paid = await _press_pay(page, t)
    assert paid["status"] == 200 and paid["data"]["status"] == "COMPLETED", paid
    assert paid["data"]["balance"] == 600
    await expect(header).to_contain_text("(paid)")
    await expect(page.locator("#pay")).to_be_disabled()

    detail = await site.get(f"/api/v1/payments/{order['paymentId']}", headers=bearer(t))
    payment = (await detail.json())["data"]
    assert payment["status"] == "COMPLETED" and payment["flags"] == []
    assert [e["type"] for e in payment["events"]].count("CAPTURED") == 1
    state = await (await site.get(f"/dev/checkout/{order['orderId']}/order")).json()
    assert state["data"]["attempts"] == 1


async def test_an_unknown_order_is_a_readable_page(
    site: TestClient[Any, Any], browser: BrowserContext
) -> None:
    page = await browser.new_page()
    response = await page.goto(str(site.make_url("/dev/checkout/order_Gone0000000000")))
    assert response is not None and response.status == 404
    assert "does not know order order_Gone0000000000" in await page.inner_text("body")
    await page.click("text=Start a new order")
    await page.wait_for_url("**/dev/checkout")
    assert await page.locator("button[data-plan]").count() >= 1
