"""The development token issuer (AUTH_MODE=dev): HS256 tokens signed with DEV_AUTH_SECRET.

Refused in production by configuration checks. Only HS256 is accepted when verifying, so an
``alg: none`` or an RS256 token never passes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import jwt

from adapters.verified_tokens import VerifiedTokenMemo
from application.ports.identity import VerifiedToken
from domain.errors import AuthenticationFailed

ALGORITHM = "HS256"
ISSUER = "fairarena-dev"
DEFAULT_TTL_SECONDS = 7 * 24 * 3600
LEEWAY_SECONDS = 5


def dev_subject(email: str) -> str:
    """A stable subject per e-mail, shaped like a provider id."""
    return "dev_" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def issue_dev_token(
    secret: str,
    email: str,
    *,
    name: str | None = None,
    admin: bool = False,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
) -> str:
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "sub": dev_subject(email),
        "email": email.strip().lower(),
        "name": name or email.split("@", 1)[0],
        "iss": ISSUER,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
    }
    if admin:
        claims["role"] = "admin"
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class DevTokenVerifier:
    """Verified tokens are remembered until their ``exp`` (``VerifiedTokenMemo``)."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time):
        self._secret = secret
        self._clock = clock
        self._verified = VerifiedTokenMemo()

    async def verify(self, token: str) -> VerifiedToken:
        now = self._clock()
        remembered = self._verified.get(token, now)
        if remembered is not None:
            return remembered
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["sub", "exp", "iat"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed("Invalid or expired token") from exc
        email = claims.get("email")
        name = claims.get("name")
        verified = VerifiedToken(
            subject=str(claims["sub"]),
            email=email if isinstance(email, str) else None,
            name=name if isinstance(name, str) else None,
            is_admin=claims.get("role") == "admin",
        )
        self._verified.remember(token, verified, float(claims["exp"]) + LEEWAY_SECONDS, now)
        return verified
