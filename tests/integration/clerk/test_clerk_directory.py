"""ClerkDirectory against a local fake of the Clerk Backend API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from adapters.clerk.directory import ClerkDirectory, build_clerk_directory
from application.ports.identity import DirectoryUser
from tests.fixtures.fake_clerk_api import SECRET_KEY, FakeClerkApi, clerk_user


@pytest.fixture
async def clerk_api() -> AsyncIterator[FakeClerkApi]:
    async with FakeClerkApi() as api:
        yield api


@pytest.fixture
async def directory(clerk_api: FakeClerkApi) -> AsyncIterator[ClerkDirectory]:
    adapter = ClerkDirectory(SECRET_KEY, api_url=clerk_api.url + "/")
    yield adapter
    await adapter.close()


async def test_lookup_reads_primary_email_names_image_and_username(
    clerk_api: FakeClerkApi, directory: ClerkDirectory
) -> None:
    clerk_api.add(clerk_user("user_alice", email="alice@fairarena.test"))

    user = await directory.lookup("user_alice")

    assert user == DirectoryUser(
        subject="user_alice",
        email="alice@fairarena.test",
        first_name="Alice",
        last_name="Liddell",
        image_url="https://img.clerk.com/alice.png",
        username="alice",
    )
    assert clerk_api.requests == ["user_alice"]


async def test_unknown_user_is_none(clerk_api: FakeClerkApi, directory: ClerkDirectory) -> None:
    assert await directory.lookup("user_nobody") is None
    assert clerk_api.requests == ["user_nobody"]


async def test_the_subject_is_escaped_in_the_path(
    clerk_api: FakeClerkApi, directory: ClerkDirectory
) -> None:
    assert await directory.lookup("../v1/jwks") is None
    assert clerk_api.requests == ["../v1/jwks"]  # one path segment, not a traversal


async def test_a_wrong_secret_key_is_logged_and_none(clerk_api: FakeClerkApi) -> None:
    clerk_api.add(clerk_user("user_alice"))
    directory = ClerkDirectory("sk_test_wrong", api_url=clerk_api.url)
    try:
        assert await directory.lookup("user_alice") is None
    finally:
        await directory.close()


async def test_a_server_error_is_none(clerk_api: FakeClerkApi, directory: ClerkDirectory) -> None:
    clerk_api.add(clerk_user("user_alice"))
    clerk_api.status = 502
    assert await directory.lookup("user_alice") is None


async def test_a_hanging_api_times_out_quickly(clerk_api: FakeClerkApi) -> None:
    clerk_api.add(clerk_user("user_alice"))
    clerk_api.delay = 2.0
    directory = ClerkDirectory(
        SECRET_KEY, api_url=clerk_api.url, timeout=aiohttp.ClientTimeout(total=0.2)
    )
    started = time.monotonic()
    try:
        assert await directory.lookup("user_alice") is None
    finally:
        await directory.close()
    assert time.monotonic() - started < 1.5


async def test_an_unreachable_api_is_none() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    directory = ClerkDirectory(SECRET_KEY, api_url="http://127.0.0.1:9")
    try:
        assert await directory.lookup("user_alice") is None
    finally:
        await directory.close()


async def test_a_user_without_email_is_returned_without_one(
    clerk_api: FakeClerkApi, directory: ClerkDirectory
) -> None:
    clerk_api.add(clerk_user("user_phone_only", email=None, extra_emails=()))
    user = await directory.lookup("user_phone_only")
    assert user is not None and user.email is None


def test_the_secret_key_is_mandatory() -> None:
    with pytest.raises(ValueError, match="CLERK_SECRET_KEY"):
        ClerkDirectory("")


@dataclass
class FakeSettings:
    clerk_secret_key: str | None
    clerk_api_url: str


async def test_build_wires_the_configured_api(clerk_api: FakeClerkApi) -> None:
    clerk_api.add(clerk_user("user_alice"))
    directory = build_clerk_directory(FakeSettings(SECRET_KEY, clerk_api.url))
    assert directory is not None
    try:
        user = await directory.lookup("user_alice")
    finally:
        await directory.close()
    assert user is not None and user.email == "alice@example.com"


def test_build_without_a_secret_key_has_no_directory() -> None:
    assert build_clerk_directory(FakeSettings(None, "http://127.0.0.1:9")) is None
