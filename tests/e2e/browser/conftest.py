"""Browser-level tests: the real app on a loopback port, seen through headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import BrowserContext

from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.fixtures.browser import headless_chromium


@pytest.fixture
async def browser() -> AsyncIterator[BrowserContext]:
    async with headless_chromium() as context:
        yield context


@pytest.fixture
async def site(
    test_settings: Callable[..., Settings], sqlite_url: str
) -> AsyncIterator[TestClient[Any, Any]]:
    """The app (SQLite, sandbox payments) served on 127.0.0.1 for the browser."""
    container = Container(config=test_settings(database_url=sqlite_url))
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
