"""The real app with AUTH_MODE=clerk: a local JWKS server, a fake Clerk Backend API, Svix secret."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from application.ports.outbox_commands import ApplyIdentityWebhook
from domain.identity.user import User
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import create_app
from tests.fixtures.fake_clerk_api import SECRET_KEY, FakeClerkApi
from tests.fixtures.jwks_server import (
    AUTHORIZED_PARTY,
    ISSUER,
    JwksServer,
    TokenMinter,
    signing_key,
)
from tests.fixtures.svix_signing import new_webhook_secret


@dataclass
class ClerkApp:
    client: TestClient[Any, Any]
    container: Container
    minter: TokenMinter
    jwks: JwksServer
    clerk_api: FakeClerkApi
    webhook_secret: str

    async def user(self, subject: str) -> User | None:
        async with self.container.infrastructure.uow()() as uow:
            found: User | None = await uow.users.get_by_subject(subject)
            return found

    async def count(self, table: str) -> int:
        engine = self.container.infrastructure.engine()
        async with engine.connect() as conn:
            return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())

    async def run_webhook_jobs(self) -> int:
        """Relay + actor for the identity topic, as the job worker would run them."""
        apply = self.container.identity.apply_provider_webhook()
        clock = self.container.core.clock()
        async with self.container.infrastructure.uow()() as uow:
            pending = await uow.outbox.claim_pending(100, clock.now())
            mine = [m for m in pending if m.topic == ApplyIdentityWebhook.TOPIC]
            await uow.outbox.mark_dispatched([m.id for m in mine], clock.now())
            await uow.commit()
        for message in mine:
            await apply(message.id, message.payload)
        return len(mine)


@pytest.fixture
def clerk_overrides() -> dict[str, Any]:
    """Extra settings for ``clerk_app``; parametrise this fixture to change them."""
    return {}


@pytest.fixture
async def clerk_app(
    test_settings: Callable[..., Settings], database_url: str, clerk_overrides: dict[str, Any]
) -> AsyncIterator[ClerkApp]:
    """AUTH_MODE=clerk against local stand-ins, on PostgreSQL and on SQLite (parametrised)."""
    key = signing_key(0)
    async with JwksServer(key) as jwks, FakeClerkApi() as clerk_api:
        secret = new_webhook_secret()
        settings = test_settings(
            database_url=database_url,
            auth_mode="clerk",
            clerk_jwks_url=jwks.jwks_url,
            clerk_issuer=ISSUER,
            clerk_authorized_parties=[AUTHORIZED_PARTY],
            clerk_webhook_secret=secret,
            clerk_secret_key=SECRET_KEY,
            clerk_api_url=clerk_api.url,
            # Jobs are run by ``run_webhook_jobs`` so each test decides when; the real worker is
            # exercised by test_clerk_webhook_jobs.py.
            **{"jobs_in_process": False, **clerk_overrides},
        )
        container = Container(config=settings)
        client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
        await client.start_server()
        try:
            yield ClerkApp(client, container, TokenMinter(key), jwks, clerk_api, secret)
        finally:
            await client.close()
