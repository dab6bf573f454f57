"""Shared fixtures: real PostgreSQL/SQLite databases, Redis, the app under test, tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from adapters.dev_identity.dev_tokens import issue_dev_token
from adapters.memory.store import MemoryStore
from entrypoints.config import Settings
from entrypoints.containers import Container, MemoryInfrastructure
from entrypoints.http.app import create_app
from tests.fixtures.databases import REDIS_URL, PostgresDatabases, SqliteDatabases
from tests.fixtures.private_servers import PrivateRedis

# Property tests judge behaviour, not speed: a busy CI machine must not turn them into failures.
hypothesis_settings.register_profile(
    "fairarena", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("fairarena")

DEV_SECRET = "test-dev-secret-" + "x" * 32


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    dbs = PostgresDatabases()
    dbs.create_template()
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def sqlite_dbs(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    dbs = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    dbs.create_template()
    return dbs


@pytest.fixture
def pg_url(postgres: PostgresDatabases) -> Iterator[str]:
    url = postgres.fresh()
    yield url
    postgres.drop(url)


@pytest.fixture
def sqlite_url(sqlite_dbs: SqliteDatabases) -> str:
    return sqlite_dbs.fresh()


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on PostgreSQL and once on SQLite."""
    name = "pg_url" if request.param == "postgresql" else "sqlite_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = redis_asyncio.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        raise RuntimeError(f"Redis is required for the test suite at {REDIS_URL}: {exc}") from exc
    finally:
        await client.aclose()
    yield REDIS_URL


@pytest.fixture
def test_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "env": "test",
            "var_dir": tmp_path / "var",
            "dev_auth_secret": DEV_SECRET,
            "database_url": f"sqlite+aiosqlite:///{tmp_path}/unused.db",
            "rate_limit_default": "10000/minute",
            # Two xdist workers (and their test databases) share PostgreSQL's 100 connections.
            "db_pool_size": 8,
            "db_max_overflow": 8,
            "log_level": "WARNING",
            # Jobs run in-process only where a test asks for them (tests/e2e/jobs), so the
            # welcome notification never lands in the middle of another test's counts.
            "jobs_in_process": False,
            # The sandbox gateway + /dev/checkout must be asked for (as `make run` does); tests
            # of the configuration without it pass payments_sandbox=False.
            "payments_sandbox": True,
            # Our own response models are re-validated in tests only (off in production).
            "validate_responses": True,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def memory_container(test_settings: Callable[..., Settings]) -> Container:
    """The whole container on memory adapters (unit tests of use cases)."""
    container = Container(config=test_settings())
    container.infrastructure.override(MemoryInfrastructure(core=container.core))
    return container


@pytest.fixture
def use_cases(memory_container: Container) -> Container:
    """Use cases built by the real container on memory adapters, one sub-container per context:
    ``use_cases.access.create_team()`` is what the app would hand a route. Its memory state is
    the ``memory_store`` fixture."""
    return memory_container


@pytest.fixture
def memory_store(use_cases: Container) -> MemoryStore:
    """The state behind ``use_cases`` (seed it, or read what a use case left there)."""
    store: MemoryStore = use_cases.infrastructure.uow().store
    return store


@pytest.fixture
def token() -> Callable[..., str]:
    def mint(
        email: str | None = None,
        *,
        admin: bool = False,
        name: str | None = None,
        ttl_seconds: int = 3600,
    ) -> str:
        return issue_dev_token(
            DEV_SECRET,
            email or f"{uuid.uuid4().hex[:10]}@example.com",
            admin=admin,
            name=name,
            ttl_seconds=ttl_seconds,
        )

    return mint


def bearer(token_value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_value}"}


@pytest.fixture
async def app_client(
    test_settings: Callable[..., Settings], database_url: str
) -> AsyncIterator[TestClient[Any, Any]]:
    """The real app over HTTP, on PostgreSQL and on SQLite (parametrised)."""
    container = Container(config=test_settings(database_url=database_url))
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def pg_client(
    test_settings: Callable[..., Settings], pg_url: str
) -> AsyncIterator[TestClient[Any, Any]]:
    """The real app over HTTP on PostgreSQL only (concurrency tests)."""
    container = Container(config=test_settings(database_url=pg_url))
    client: TestClient[Any, Any] = TestClient(TestServer(create_app(container)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of the test's own on a free port, which it may kill, stop and restart
    (never the shared 6379)."""
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()
