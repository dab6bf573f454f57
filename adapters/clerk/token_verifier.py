"""Verifies Clerk session tokens (RS256 JWTs) and reads the claims the application needs.

Checks, in order: size, header ``alg`` is exactly RS256 (so ``none`` and HS256-signed-with-the-
public-key never reach a key), the signing key by ``kid``, the signature, ``exp``/``nbf``/``iat``
with a small leeway for clock skew, ``iss`` equal to the instance's Frontend API URL, and ``azp``
among the authorized parties. Clerk omits ``azp`` when the browser sent no Origin (native apps), so
an absent ``azp`` passes, as in Clerk's own backend SDK; a present one must be listed. A v2 token
whose session status ``sts`` is ``pending`` is refused, as Clerk's SDK does by default.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import jwt

from adapters.clerk.signing_keys import JwksSigningKeys, PemSigningKey, SigningKeySource
from adapters.verified_tokens import MAX_TOKENS, VerifiedTokenMemo
from application.ports.identity import VerifiedToken
from domain.errors import AuthenticationFailed

ALGORITHM = "RS256"
# Clerk's default clock-skew allowance.
DEFAULT_LEEWAY_SECONDS = 5.0
# Clerk caps session tokens at 4 KB; refuse to parse anything far beyond that.
MAX_TOKEN_LENGTH = 8192
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 100  # split into first/last name columns of 100
MAX_SUBJECT_LENGTH = 255
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "sub"]
# A browser sends the same session token with every request of its ~60 s life: verified tokens
# are remembered until their exp (adapters/verified_tokens.py).
MAX_CACHED_TOKENS = MAX_TOKENS


class ClerkTokenVerifier:
    """``TokenVerifier`` for Clerk session tokens; every failure is ``AuthenticationFailed``."""

    def __init__(
        self,
        keys: SigningKeySource,
        *,
        issuer: str,
        authorized_parties: Iterable[str] = (),
        leeway_seconds: float = DEFAULT_LEEWAY_SECONDS,
        clock: Callable[[], float] = time.time,
        max_cached_tokens: int = MAX_CACHED_TOKENS,
    ) -> None:
        if not issuer:
            raise ValueError("CLERK_ISSUER is required to verify Clerk tokens")
        self._keys = keys
        self._issuer = issuer
        self._authorized_parties = frozenset(p for p in authorized_parties if p)
        self._leeway = leeway_seconds
        self._clock = clock
        self._verified = VerifiedTokenMemo(max_tokens=max_cached_tokens)

    async def close(self) -> None:
        """Release the JWKS HTTP session, if any (application shutdown)."""
        close = getattr(self._keys, "close", None)
        if close is not None:
            await close()

    async def verify(self, token: str) -> VerifiedToken:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationFailed("Missing or oversized session token")
        now = self._clock()
        cached = self._verified.get(token, now)
        if cached is not None:
            return cached
        header = _unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise AuthenticationFailed("Session token must be signed with RS256")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise AuthenticationFailed("Malformed session token")
        key = await self._keys.key_for(kid)
        claims = self._decode(token, key)
        self._check_authorized_party(claims)
        if claims.get("sts", "active") != "active":
            # v2 tokens of a session with an unfinished task; Clerk's SDK treats them as signed out.
            raise AuthenticationFailed("Session is not active")
        verified = _verified_token(claims)
        self._verified.remember(token, verified, float(claims["exp"]) + self._leeway, now)
        return verified

    def _decode(self, token: str, key: Any) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationFailed("Session token expired") from None
        except jwt.ImmatureSignatureError:
            raise AuthenticationFailed("Session token not yet valid") from None
        except jwt.InvalidIssuerError:
            raise AuthenticationFailed("Session token from another issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationFailed(f"Session token lacks the '{exc.claim}' claim") from None
        except jwt.PyJWTError:
            raise AuthenticationFailed("Invalid session token") from None

    def _check_authorized_party(self, claims: dict[str, Any]) -> None:
        azp = claims.get("azp")
        if azp is None or not self._authorized_parties:
            return
        if not isinstance(azp, str) or azp not in self._authorized_parties:
            raise AuthenticationFailed("Session token issued for another origin")


def _unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header, read only to pick the algorithm and key; ``jwt.decode`` re-checks all."""
    segment, dot, _ = token.partition(".")
    if not dot:
        raise AuthenticationFailed("Malformed session token")
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):
        raise AuthenticationFailed("Malformed session token") from None
    if not isinstance(header, dict):
        raise AuthenticationFailed("Malformed session token")
    return header


def _verified_token(claims: dict[str, Any]) -> VerifiedToken:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
        raise AuthenticationFailed("Session token has no subject")
    return VerifiedToken(
        subject=subject,
        email=_optional_text(claims.get("email"), MAX_EMAIL_LENGTH),
        name=_optional_text(claims.get("name"), MAX_NAME_LENGTH),
        is_admin=claims.get("role") == "admin",
        session_id=_optional_text(claims.get("sid"), 255),
    )


def _optional_text(value: object, max_length: int) -> str | None:
    """A custom claim as text, or None when absent, empty, not a string or implausibly long."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > max_length:
        return None
    return text


class ClerkVerifierSettings(Protocol):
    """The configuration ``build_clerk_verifier`` reads (a subset of the process settings)."""

    clerk_jwt_key: str | None
    clerk_jwks_url: str | None
    clerk_issuer: str | None

    @property
    def clerk_authorized_parties(self) -> Sequence[str]: ...


def build_clerk_verifier(settings: ClerkVerifierSettings) -> ClerkTokenVerifier:
    """``AUTH_MODE=clerk``: the networkless PEM when given (as Clerk's SDKs prefer), else JWKS."""
    if not settings.clerk_issuer:
        raise ValueError("AUTH_MODE=clerk needs CLERK_ISSUER (the Frontend API URL)")
    keys: SigningKeySource
    if settings.clerk_jwt_key:
        keys = PemSigningKey(settings.clerk_jwt_key)
    elif settings.clerk_jwks_url:
        keys = JwksSigningKeys(settings.clerk_jwks_url)
    else:
        raise ValueError("AUTH_MODE=clerk needs CLERK_JWT_KEY or CLERK_JWKS_URL")
    return ClerkTokenVerifier(
        keys, issuer=settings.clerk_issuer, authorized_parties=settings.clerk_authorized_parties
    )
