"""Long request metadata and long Razorpay event ids through the real app: stored bounded, never
a 500 (PostgreSQL refuses over-long varchar values), never two deliveries merged into one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from entrypoints.config import Settings
from tests.conftest import bearer
from tests.e2e.http.test_request_metadata_bounds import (
    LONG_AGENT,
    LONG_FORWARDED,
    PROXY_ADDRESS,
    TEST_PROXIES,
)
from tests.e2e.payments.conftest import Shop, _shop


@pytest.fixture
async def proxied_shop(
    test_settings: Callable[..., Settings], database_url: str
) -> AsyncIterator[Shop]:
    async for s in _shop(test_settings, database_url, trusted_proxies=TEST_PROXIES):
        yield s


async def test_long_request_metadata_is_kept_truncated_in_payment_events(
    proxied_shop: Shop, token: Any
) -> None:
    t = token()
    resp = await proxied_shop.client.post(
        "/api/v1/payments/create-order",
        json={"planId": "plan_pro"},
        headers={**bearer(t), "User-Agent": LONG_AGENT, "X-Forwarded-For": LONG_FORWARDED},
    )
    assert resp.status == 201, await resp.text()
    payment_id = (await resp.json())["data"]["paymentId"]
    recorded = await proxied_shop.scalar(
        "SELECT count(DISTINCT ip || '|' || user_agent) FROM payment_events WHERE payment_id = :p"
        " AND ip = :ip AND user_agent = :ua",
        p=payment_id,
        ip=PROXY_ADDRESS,
        ua=LONG_AGENT[:500],
    )
    others = await proxied_shop.scalar(
        "SELECT count(*) FROM payment_events WHERE payment_id = :p"
        " AND (ip IS NULL OR ip <> :ip OR user_agent IS NULL OR user_agent <> :ua)",
        p=payment_id,
        ip=PROXY_ADDRESS,
        ua=LONG_AGENT[:500],
    )
    assert (recorded, others) == (1, 0)


async def test_a_razorpay_event_id_of_255_characters_is_stored_and_deduplicated(
    shop: Shop,
) -> None:
    """The outbox key derived from the event id (``razorpay-webhook:<id>``) must fit too."""
    hook = shop.razorpay.webhook("payment.captured", event_id="evt_" + "x" * 251)
    first = await shop.deliver(hook)
    assert first.status == 200, await first.text()
    again = await shop.deliver(hook)
    assert again.status == 200
    assert len(await shop.webhook_jobs()) == 1


async def test_long_razorpay_event_ids_sharing_a_prefix_are_two_events(shop: Shop) -> None:
    """Bounding an id by cutting it would merge different deliveries into one 'replay'."""
    prefix = "evt_" + "y" * 300
    for suffix in ("a", "b"):
        resp = await shop.deliver(
            shop.razorpay.webhook("payment.captured", event_id=prefix + suffix)
        )
        assert resp.status == 200, await resp.text()
    assert len(await shop.webhook_jobs()) == 2
    assert await shop.scalar("SELECT count(*) FROM webhook_inbox") == 2
