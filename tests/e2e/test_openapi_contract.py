"""The API honours its own OpenAPI document (schemathesis), on PostgreSQL and on SQLite.

The real app serves on a loopback port from a background thread (aiohttp has no ASGI/WSGI
face) and schemathesis sends it a bounded number of generated requests per operation — valid
ones and deliberately invalid ones — with a valid dev token. Every answer must be a non-5xx
whose status, content type and body match the document.

The operations are collected from the document the app builds (``build_openapi`` over the
registered routes) so pytest can list one test per operation; the first test proves that this
is byte for byte what the running app serves at ``/openapi.json``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode

from adapters.dev_identity.dev_tokens import issue_dev_token
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.http.app import API_VERSION, all_specs, create_app
from entrypoints.http.openapi import build_openapi
from tests.conftest import DEV_SECRET
from tests.fixtures.databases import PostgresDatabases, SqliteDatabases

MAX_EXAMPLES = 15  # per operation and generation mode: enough to find shell bugs, fast for CI
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class LiveApp:
    base_url: str
    headers: dict[str, str]


class BackgroundServer:
    """The aiohttp app on its own event loop in a daemon thread, on a free loopback port."""

    def __init__(self, app: web.Application):
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner = web.AppRunner(app, access_log=None)
        self.port = 0

    def _run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return int(self._runner.addresses[0][1])

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        self.port = self._run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run(self._runner.cleanup())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def live_app(
    request: pytest.FixtureRequest,
    postgres: PostgresDatabases,
    sqlite_dbs: SqliteDatabases,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveApp]:
    """One server per database for the whole module (a fresh one per operation is too slow)."""
    database_url = postgres.fresh() if request.param == "postgresql" else sqlite_dbs.fresh()
    settings = Settings(
        env="test",
        var_dir=tmp_path_factory.mktemp("contract-var"),
        dev_auth_secret=DEV_SECRET,
        database_url=database_url,
        rate_limit_default="100000/minute",
        # Configured, so the webhook answers unsigned deliveries with 403 rather than 503.
        clerk_webhook_secret="whsec_" + base64.b64encode(b"contract-secret-" * 2).decode(),
        github_webhook_secret="contract-github-secret",
        log_level="WARNING",
        payments_sandbox=True,  # create-order and verify are exercised against the sandbox
        db_pool_size=8,  # as tests/conftest.py: xdist workers share PostgreSQL's connections
        db_max_overflow=8,
    )
    token = issue_dev_token(DEV_SECRET, "contract@example.com", name="Con Tract")
    try:
        with BackgroundServer(create_app(Container(config=settings))) as server:
            yield LiveApp(f"http://127.0.0.1:{server.port}", {"Authorization": f"Bearer {token}"})
    finally:
        if request.param == "postgresql":
            postgres.drop(database_url)


def document() -> dict[str, Any]:
    return build_openapi(all_specs(), version=API_VERSION)


schema = schemathesis.openapi.from_dict(document())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
)


def test_the_tested_document_is_the_one_the_app_serves(live_app: LiveApp) -> None:
    with urllib.request.urlopen(f"{live_app.base_url}/openapi.json", timeout=10) as response:
        served = json.loads(response.read())
    assert served == json.loads(json.dumps(document()))
    assert served["paths"], "no operations to test"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_contract(case: Any, live_app: LiveApp) -> None:
    response = case.call(base_url=live_app.base_url, headers=live_app.headers, timeout=10)
    case.validate_response(response, checks=CHECKS)
