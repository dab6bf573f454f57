"""AUTH_MODE=clerk through the real app: RS256 tokens from a local JWKS, JIT provisioning."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.e2e.identity.conftest import ClerkApp
from tests.fixtures.fake_clerk_api import clerk_user

BAD_TOKENS = [
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
]


async def test_a_valid_clerk_token_opens_the_api_and_provisions_from_the_directory(
    clerk_app: ClerkApp,
) -> None:
    clerk_app.clerk_api.add(clerk_user("user_dir", email="dir@example.com", first_name="Dora"))
    token = clerk_app.minter.valid("user_dir")

    first = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))
    second = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))

    assert first.status == 200 and second.status == 200
    body = await first.json()
    assert body["success"] is True and body["data"]["firstName"] == "Dora"
    user = await clerk_app.user("user_dir")
    assert user is not None and user.email == "dir@example.com"
    assert user.image_url == "https://img.clerk.com/alice.png"
    assert clerk_app.clerk_api.requests == ["user_dir"]  # asked once, never again
    assert clerk_app.jwks.requests == 1


async def test_email_and_name_claims_provision_without_asking_the_directory(
    clerk_app: ClerkApp,
) -> None:
    token = clerk_app.minter.valid("user_claims", email="c@example.com", name="Cy Claims")

    resp = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))

    assert resp.status == 200
    assert (await resp.json())["data"]["lastName"] == "Claims"
    user = await clerk_app.user("user_claims")
    assert user is not None and user.email == "c@example.com"
    assert clerk_app.clerk_api.requests == []


async def test_directory_outage_provisions_without_email(clerk_app: ClerkApp) -> None:
    clerk_app.clerk_api.status = 503

    resp = await clerk_app.client.get(
        "/api/v1/profile", headers=bearer(clerk_app.minter.valid("user_nomail"))
    )

    assert resp.status == 200
    user = await clerk_app.user("user_nomail")
    assert user is not None and user.email is None


async def test_the_session_cookie_is_accepted(clerk_app: ClerkApp) -> None:
    clerk_app.client.session.cookie_jar.update_cookies(
        {"__session": clerk_app.minter.valid("user_cookie", email="k@example.com")}
    )
    resp = await clerk_app.client.get("/api/v1/settings")
    assert resp.status == 200


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_each_bad_token_is_401_auth_required_and_provisions_nothing(
    clerk_app: ClerkApp, kind: str
) -> None:
    token = clerk_app.minter.bad_tokens()[kind]

    resp = await clerk_app.client.get("/api/v1/profile", headers=bearer(token))

    assert resp.status == 401
    body = await resp.json()
    assert body["success"] is False
    assert body["error"]["code"] == "AUTH_REQUIRED"
    assert body["requestId"] == resp.headers["X-Request-Id"]
    assert await clerk_app.count("users") == 0


async def test_a_dev_token_is_refused_in_clerk_mode(clerk_app: ClerkApp, token) -> None:  # type: ignore[no-untyped-def]
    resp = await clerk_app.client.get("/api/v1/profile", headers=bearer(token("dev@example.com")))
    assert resp.status == 401


async def test_admin_role_claim_makes_a_platform_admin(clerk_app: ClerkApp) -> None:
    # No admin route exists yet in this slice; the principal is what routes consult.
    from application.ports.identity import VerifiedToken

    verifier = clerk_app.container.infrastructure.token_verifier()
    verified: VerifiedToken = await verifier.verify(
        clerk_app.minter.valid("user_boss", role="admin")
    )
    principal = await clerk_app.container.identity.resolve_principal()(verified)
    assert principal.is_admin is True
