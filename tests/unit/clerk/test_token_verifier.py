"""ClerkTokenVerifier on the networkless PEM key: every check, every bad token."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.clerk.signing_keys import JwksSigningKeys, PemSigningKey, load_pem_key
from adapters.clerk.token_verifier import ClerkTokenVerifier, build_clerk_verifier
from domain.errors import AuthenticationFailed
from tests.fixtures.jwks_server import AUTHORIZED_PARTY, ISSUER, TokenMinter, signing_key


@pytest.fixture
def minter() -> TokenMinter:
    return TokenMinter(signing_key(slot=0))


@pytest.fixture
def verifier(minter: TokenMinter) -> ClerkTokenVerifier:
    return ClerkTokenVerifier(
        PemSigningKey(minter.key.public_pem),
        issuer=ISSUER,
        authorized_parties=[AUTHORIZED_PARTY, "http://localhost:5173"],
    )


async def test_valid_token_yields_subject_and_session(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    verified = await verifier.verify(minter.valid("user_alice"))

    assert verified.subject == "user_alice"
    assert verified.session_id == "sess_2xyz"
    assert verified.email is None and verified.name is None
    assert verified.is_admin is False


async def test_custom_email_name_and_admin_role_claims_are_read(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    token = minter.valid("user_admin", email=" boss@example.com ", name="The Boss", role="admin")

    verified = await verifier.verify(token)

    assert verified.email == "boss@example.com"
    assert verified.name == "The Boss"
    assert verified.is_admin is True


@pytest.mark.parametrize("role", ["member", "ADMIN", ["admin"], None])
async def test_only_the_exact_admin_role_grants_admin(
    verifier: ClerkTokenVerifier, minter: TokenMinter, role: object
) -> None:
    verified = await verifier.verify(minter.valid(role=role))
    assert verified.is_admin is False


@pytest.mark.parametrize("email", ["", "   ", 42, {"x": 1}, "a" * 400 + "@example.com"])
async def test_unusable_email_claims_are_ignored_not_trusted(
    verifier: ClerkTokenVerifier, minter: TokenMinter, email: object
) -> None:
    verified = await verifier.verify(minter.valid(email=email))
    assert verified.email is None


# Each bad token must be refused for its own reason, not by accident of another check.
REFUSALS = {
    "expired": "expired",
    "not_yet_valid": "not yet valid",
    "wrong_azp": "another origin",
    "wrong_issuer": "another issuer",
    "forged": "Invalid session token",
    "tampered": "Invalid session token",
    "alg_none": "RS256",
    "hs256_confusion": "RS256",
    "missing_sub": "'sub'",
    "missing_exp": "'exp'",
    "garbage": "Malformed",
}


@pytest.mark.parametrize(("kind", "reason"), sorted(REFUSALS.items()))
async def test_bad_tokens_are_refused(
    verifier: ClerkTokenVerifier, minter: TokenMinter, kind: str, reason: str
) -> None:
    token = minter.bad_tokens()[kind]
    with pytest.raises(AuthenticationFailed, match=reason) as caught:
        await verifier.verify(token)
    assert caught.value.code == "AUTH_REQUIRED"


@pytest.mark.parametrize("claim", ["iat", "nbf", "iss"])
async def test_each_required_claim_is_required(
    verifier: ClerkTokenVerifier, minter: TokenMinter, claim: str
) -> None:
    with pytest.raises(AuthenticationFailed, match=claim):
        await verifier.verify(minter.valid(**{claim: None}))


async def test_issued_in_the_future_is_refused(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    now = int(time.time())
    with pytest.raises(AuthenticationFailed, match="not yet valid"):
        await verifier.verify(minter.valid(iat=now + 600, nbf=now - 10))


async def test_small_clock_skew_is_tolerated(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    now = int(time.time())
    # Expired one second ago and not valid for another second: within the 5 s leeway.
    token = minter.valid(exp=now - 1, nbf=now + 1, iat=now)
    assert (await verifier.verify(token)).subject == "user_2abcDEF"


async def test_pending_session_is_treated_as_signed_out(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    with pytest.raises(AuthenticationFailed, match="not active"):
        await verifier.verify(minter.valid(sts="pending"))
    # v1 tokens carry no sts at all and are active by definition.
    assert (await verifier.verify(minter.valid(sts=None, v=None))).subject == "user_2abcDEF"


async def test_absent_azp_passes_like_clerks_own_sdk(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    assert (await verifier.verify(minter.valid(azp=None))).subject == "user_2abcDEF"


async def test_azp_is_not_checked_when_no_parties_are_configured(minter: TokenMinter) -> None:
    open_verifier = ClerkTokenVerifier(PemSigningKey(minter.key.public_pem), issuer=ISSUER)
    assert (await open_verifier.verify(minter.wrong_azp())).subject == "user_2abcDEF"


async def test_non_string_azp_is_refused(verifier: ClerkTokenVerifier, minter: TokenMinter) -> None:
    with pytest.raises(AuthenticationFailed):
        await verifier.verify(minter.valid(azp=[AUTHORIZED_PARTY]))


async def test_pem_key_ignores_the_kid(verifier: ClerkTokenVerifier, minter: TokenMinter) -> None:
    # The networkless key is the only key: a kid we never heard of still verifies by signature.
    assert (await verifier.verify(minter.unknown_kid())).subject == "user_2abcDEF"


async def test_oversized_token_is_refused_before_parsing(verifier: ClerkTokenVerifier) -> None:
    with pytest.raises(AuthenticationFailed, match="oversized"):
        await verifier.verify("e" * 10_000)


async def test_empty_token_is_refused(verifier: ClerkTokenVerifier) -> None:
    with pytest.raises(AuthenticationFailed):
        await verifier.verify("")


def test_pem_with_escaped_newlines_from_an_env_file_loads(minter: TokenMinter) -> None:
    one_line = minter.key.public_pem.strip().replace("\n", "\\n")
    assert load_pem_key(one_line).public_numbers() == (
        minter.key.private_key.public_key().public_numbers()
    )


def test_non_rsa_pem_is_a_configuration_error() -> None:
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(ValueError, match="RSA"):
        load_pem_key(ec_pem)


def test_issuer_is_mandatory(minter: TokenMinter) -> None:
    with pytest.raises(ValueError, match="CLERK_ISSUER"):
        ClerkTokenVerifier(PemSigningKey(minter.key.public_pem), issuer="")


@dataclass
class FakeSettings:
    clerk_jwt_key: str | None = None
    clerk_jwks_url: str | None = None
    clerk_issuer: str | None = ISSUER
    clerk_authorized_parties: list[str] = field(default_factory=lambda: [AUTHORIZED_PARTY])


async def test_build_prefers_the_networkless_pem(minter: TokenMinter) -> None:
    settings = FakeSettings(
        clerk_jwt_key=minter.key.public_pem, clerk_jwks_url="http://127.0.0.1:9"
    )
    verifier = build_clerk_verifier(settings)

    assert (await verifier.verify(minter.valid())).subject == "user_2abcDEF"
    with pytest.raises(AuthenticationFailed):
        await verifier.verify(minter.wrong_azp())
    await verifier.close()


def test_build_uses_the_jwks_url_without_a_pem() -> None:
    verifier = build_clerk_verifier(FakeSettings(clerk_jwks_url="http://127.0.0.1:9/jwks"))
    assert isinstance(verifier._keys, JwksSigningKeys)


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        (FakeSettings(clerk_jwks_url="http://x", clerk_issuer=None), "CLERK_ISSUER"),
        (FakeSettings(), "CLERK_JWT_KEY or CLERK_JWKS_URL"),
    ],
)
def test_build_names_the_missing_variable(settings: FakeSettings, variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        build_clerk_verifier(settings)


async def test_an_overlong_subject_is_refused(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    with pytest.raises(AuthenticationFailed, match="subject"):
        await verifier.verify(minter.valid("user_" + "x" * 300))


async def test_a_name_longer_than_the_name_columns_is_ignored(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    assert (await verifier.verify(minter.valid(name="N" * 101))).name is None


class CountingKeys:
    def __init__(self, pem: str) -> None:
        self._inner = PemSigningKey(pem)
        self.lookups = 0

    async def key_for(self, kid: str | None):  # type: ignore[no-untyped-def]
        self.lookups += 1
        return await self._inner.key_for(kid)


async def test_a_verified_token_is_remembered_until_it_expires(minter: TokenMinter) -> None:
    keys = CountingKeys(minter.key.public_pem)
    now = [time.time()]
    verifier = ClerkTokenVerifier(keys, issuer=ISSUER, clock=lambda: now[0])
    token = minter.valid(exp=int(now[0]) + 30)

    for _ in range(3):
        assert (await verifier.verify(token)).subject == "user_2abcDEF"
    assert keys.lookups == 1

    now[0] += 36  # past exp + leeway on the cache's clock: the token is checked afresh
    assert (await verifier.verify(token)).subject == "user_2abcDEF"  # PyJWT's clock: still valid
    assert keys.lookups == 2


async def test_the_remembered_window_never_passes_the_token_exp(minter: TokenMinter) -> None:
    now = time.time()
    verifier = ClerkTokenVerifier(PemSigningKey(minter.key.public_pem), issuer=ISSUER)
    short, long_lived = minter.valid(exp=int(now) + 10), minter.valid(exp=int(now) + 3600)

    await verifier.verify(short)
    await verifier.verify(long_lived)

    assert verifier._verified.entries[short][0] <= int(now) + 10 + 5  # exp + leeway
    assert verifier._verified.entries[long_lived][0] <= now + 121  # capped at MAX_SECONDS


async def test_the_remembered_tokens_are_bounded(minter: TokenMinter) -> None:
    verifier = ClerkTokenVerifier(
        PemSigningKey(minter.key.public_pem), issuer=ISSUER, max_cached_tokens=3
    )
    tokens = [minter.valid(f"user_{n}") for n in range(5)]
    for token in tokens:
        await verifier.verify(token)
    assert list(verifier._verified.entries) == tokens[2:]


async def test_refused_tokens_are_not_remembered(
    verifier: ClerkTokenVerifier, minter: TokenMinter
) -> None:
    for kind in ("expired", "forged", "wrong_azp"):
        with pytest.raises(AuthenticationFailed):
            await verifier.verify(minter.bad_tokens()[kind])
    assert verifier._verified.entries == {}
