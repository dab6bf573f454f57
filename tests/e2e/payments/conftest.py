"""The real app wired to the fake Razorpay server, on PostgreSQL and SQLite."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from application.payments.reconciliation import ReconcilePayments, ReconciliationReport
from application.ports.clock import SystemClock
from application.ports.outbox_commands import SettleFromRazorpayWebhook
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.conftest import bearer
from tests.fixtures.fake_razorpay import FakeRazorpay, Webhook


@dataclass
class Shop:
    client: TestClient[Any, Any]
    container: Container
    razorpay: FakeRazorpay

    async def buy(self, token: str, plan: str = "plan_pro") -> dict[str, Any]:
        r = await self.client.post(
            "/api/v1/payments/create-order", json={"planId": plan}, headers=bearer(token)
        )
        assert r.status == 201, await r.text()
        return (await r.json())["data"]

    async def verify(
        self, token: str, order_id: str, payment_id: str, signature: str | None = None
    ) -> Any:
        return await self.client.post(
            "/api/v1/payments/verify",
            headers=bearer(token),
            json={
                "razorpay_order_id": order_id,
                "razorpay_payment_id": payment_id,
                "razorpay_signature": signature
                or self.razorpay.checkout_signature(order_id, payment_id),
            },
        )

    async def deliver(self, hook: Webhook, path: str = "/webhooks/v1/razorpay") -> Any:
        return await self.client.post(path, data=hook.body, headers=hook.headers)

    async def webhook_jobs(self) -> list[tuple[str, dict[str, Any]]]:
        """The outbox messages that process stored webhooks (what the worker would run)."""
        async with self.container.infrastructure.uow()() as uow:
            rows = await uow.connection.execute(
                sa.text("SELECT id, payload FROM outbox WHERE topic = :t ORDER BY created_at, id"),
                {"t": SettleFromRazorpayWebhook.TOPIC},
            )
            return [
                (r.id, r.payload if isinstance(r.payload, dict) else json.loads(r.payload))
                for r in rows
            ]

    async def run_webhook_jobs(self) -> int:
        jobs = await self.webhook_jobs()
        process = self.container.payments.process_razorpay_webhook()
        for message_id, payload in jobs:
            await process(message_id, payload)
        return len(jobs)

    async def reconcile(
        self, *, later_by: timedelta = timedelta(minutes=6)
    ) -> ReconciliationReport:
        """One run of the reconciliation job, as if it ran ``later_by`` from now."""

        class Later(SystemClock):
            def now(self) -> datetime:
                return super().now() + later_by

        uc = self.container.payments
        return await ReconcilePayments(
            self.container.infrastructure.uow(),
            uc.payment_settlement(),
            uc.refund_payment(),
            Later(),
        )()

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.container.infrastructure.uow()() as uow:
            return (await uow.connection.execute(sa.text(sql), params)).scalar_one()


async def _shop(
    test_settings: Callable[..., Settings], database_url: str, **overrides: Any
) -> AsyncIterator[Shop]:
    razorpay = FakeRazorpay()
    await razorpay.start()
    values: dict[str, Any] = {
        "database_url": database_url,
        "razorpay_key_id": razorpay.key_id,
        "razorpay_key_secret": razorpay.key_secret,
        "razorpay_webhook_secret": razorpay.webhook_secret,
        "razorpay_base_url": razorpay.base_url,
        "razorpay_timeout_seconds": 5.0,
    }
    settings = test_settings(**(values | overrides))
    container = Container(config=settings)
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield Shop(client, container, razorpay)
    finally:
        await client.close()
        await container.infrastructure.payment_gateway().close()
        await razorpay.stop()


@pytest.fixture
async def shop(test_settings: Callable[..., Settings], database_url: str) -> AsyncIterator[Shop]:
    async for s in _shop(test_settings, database_url):
        yield s


@pytest.fixture
async def pg_shop(test_settings: Callable[..., Settings], pg_url: str) -> AsyncIterator[Shop]:
    async for s in _shop(test_settings, pg_url):
        yield s


@pytest.fixture
async def impatient_shop(
    test_settings: Callable[..., Settings], database_url: str
) -> AsyncIterator[Shop]:
    """Gives up on Razorpay after 0.75 s per call (with the adapter's retries): lost answers."""
    async for s in _shop(test_settings, database_url, razorpay_timeout_seconds=0.75):
        yield s
