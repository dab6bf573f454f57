from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from adapters.razorpay.gateway import RazorpayGateway
from tests.fixtures.fake_razorpay import FakeRazorpay


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeRazorpay]:
    server = FakeRazorpay()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def gateway(fake: FakeRazorpay) -> AsyncIterator[RazorpayGateway]:
    client = RazorpayGateway(
        key_id=fake.key_id,
        key_secret=fake.key_secret,
        base_url=fake.base_url,
        timeout=2.0,
        retries=2,
        backoff=0.0,
    )
    yield client
    await client.close()
