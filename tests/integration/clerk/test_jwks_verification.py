"""ClerkTokenVerifier against a real local JWKS server: caching, rotation, floods, outages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from adapters.clerk.signing_keys import JwksSigningKeys
from adapters.clerk.token_verifier import ClerkTokenVerifier
from domain.errors import AuthenticationFailed
from tests.fixtures.clock import FakeClock
from tests.fixtures.jwks_server import (
    AUTHORIZED_PARTY,
    ISSUER,
    JwksServer,
    TokenMinter,
    signing_key,
)


@pytest.fixture
async def jwks() -> AsyncIterator[JwksServer]:
    async with JwksServer(signing_key(0)) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.fromtimestamp(1000, UTC))


@pytest.fixture
async def keys(jwks: JwksServer, clock: FakeClock) -> AsyncIterator[JwksSigningKeys]:
    source = JwksSigningKeys(
        jwks.jwks_url, min_refresh_interval=30, max_key_age=3600, clock=clock.timestamp
    )
    yield source
    await source.close()


@pytest.fixture
def verifier(keys: JwksSigningKeys) -> ClerkTokenVerifier:
    return ClerkTokenVerifier(keys, issuer=ISSUER, authorized_parties=[AUTHORIZED_PARTY])


@pytest.fixture
def minter(jwks: JwksServer) -> TokenMinter:
    return TokenMinter(jwks.keys[0])


async def test_valid_token_fetches_the_jwks_once_then_uses_the_cache(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer
) -> None:
    for n in range(5):
        verified = await verifier.verify(minter.valid(f"user_{n}"))
        assert verified.subject == f"user_{n}"

    assert jwks.requests == 1


@pytest.mark.parametrize(
    "kind",
    [
        "expired",
        "not_yet_valid",
        "wrong_azp",
        "wrong_issuer",
        "unknown_kid",
        "forged",
        "tampered",
        "alg_none",
        "hs256_confusion",
        "missing_sub",
        "missing_exp",
        "garbage",
    ],
)
async def test_bad_tokens_are_refused(
    verifier: ClerkTokenVerifier, minter: TokenMinter, kind: str
) -> None:
    with pytest.raises(AuthenticationFailed):
        await verifier.verify(minter.bad_tokens()[kind])


async def test_rotated_key_is_picked_up_on_its_first_unknown_kid(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer, clock: FakeClock
) -> None:
    await verifier.verify(minter.valid())
    new_key = signing_key(1)
    jwks.publish(jwks.keys[0], new_key)
    clock.advance(seconds=31)  # past the minimum refresh interval

    verified = await verifier.verify(TokenMinter(new_key).valid("user_rotated"))

    assert verified.subject == "user_rotated"
    assert jwks.requests == 2
    # The old key is still published, so tokens signed before the rotation keep working.
    assert (await verifier.verify(minter.valid())).subject == "user_2abcDEF"
    assert jwks.requests == 2


async def test_a_flood_of_unknown_kids_fetches_at_most_once_per_interval(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer, clock: FakeClock
) -> None:
    await verifier.verify(minter.valid())
    clock.advance(seconds=31)

    results = await asyncio.gather(
        *(verifier.verify(minter.sign(minter.claims(), kid=f"bogus_{n}")) for n in range(50)),
        return_exceptions=True,
    )

    assert all(isinstance(result, AuthenticationFailed) for result in results)
    assert jwks.requests == 2  # the initial fetch plus one refresh, not fifty

    clock.advance(seconds=5)
    with pytest.raises(AuthenticationFailed, match="unknown key"):
        await verifier.verify(minter.unknown_kid())
    assert jwks.requests == 2


async def test_concurrent_first_requests_share_one_fetch(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer
) -> None:
    tokens = [minter.valid(f"user_{n}") for n in range(20)]

    verified = await asyncio.gather(*(verifier.verify(token) for token in tokens))

    assert [v.subject for v in verified] == [f"user_{n}" for n in range(20)]
    assert jwks.requests == 1


async def test_an_outage_keeps_serving_the_cached_keys(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer, clock: FakeClock
) -> None:
    await verifier.verify(minter.valid())
    jwks.status = 500
    clock.advance(seconds=4000)  # keys are stale, the refresh fails

    assert (await verifier.verify(minter.valid("user_still_in"))).subject == "user_still_in"
    assert jwks.requests == 2


async def test_cold_start_outage_refuses_tokens(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer
) -> None:
    jwks.status = 503

    with pytest.raises(AuthenticationFailed):
        await verifier.verify(minter.valid())


async def test_a_revoked_key_stops_working_once_the_cache_expires(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer, clock: FakeClock
) -> None:
    await verifier.verify(minter.valid())
    jwks.publish(signing_key(1))  # Clerk dropped the old key
    clock.advance(seconds=3601)

    with pytest.raises(AuthenticationFailed, match="unknown key"):
        await verifier.verify(minter.valid("user_other"))
    assert jwks.requests == 2


async def test_a_hanging_jwks_endpoint_times_out(jwks: JwksServer, minter: TokenMinter) -> None:
    jwks.delay = 2.0
    keys = JwksSigningKeys(jwks.jwks_url, timeout=aiohttp.ClientTimeout(total=0.2))
    verifier = ClerkTokenVerifier(keys, issuer=ISSUER)
    started = time.monotonic()
    try:
        with pytest.raises(AuthenticationFailed):
            await verifier.verify(minter.valid())
    finally:
        await keys.close()
    assert time.monotonic() - started < 1.5


async def test_a_token_without_kid_is_refused_in_jwks_mode(
    verifier: ClerkTokenVerifier, minter: TokenMinter, jwks: JwksServer
) -> None:
    import jwt

    token = jwt.encode(minter.claims(), minter.key.private_key, algorithm="RS256")

    with pytest.raises(AuthenticationFailed, match="key id"):
        await verifier.verify(token)
    assert jwks.requests == 0


async def test_a_shared_client_session_is_left_open(jwks: JwksServer, minter: TokenMinter) -> None:
    async with aiohttp.ClientSession() as session:
        keys = JwksSigningKeys(jwks.jwks_url, session=session)
        verifier = ClerkTokenVerifier(keys, issuer=ISSUER)
        assert (await verifier.verify(minter.valid())).subject == "user_2abcDEF"
        await keys.close()
        assert not session.closed
