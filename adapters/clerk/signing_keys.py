"""Where the RS256 public keys that sign Clerk session tokens come from.

Two sources: the networkless PEM (``CLERK_JWT_KEY``) and the instance's JWKS (``CLERK_JWKS_URL``).
The JWKS is cached; an unknown ``kid`` triggers a refresh (Clerk rotated its key), but at most once
per ``min_refresh_interval`` so a flood of tokens with made-up kids cannot hammer the endpoint.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import aiohttp
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from domain.errors import AuthenticationFailed

log = logging.getLogger(__name__)

JWKS_TIMEOUT = aiohttp.ClientTimeout(total=5, connect=2)
# An unknown kid refreshes the JWKS at most this often.
MIN_REFRESH_INTERVAL_SECONDS = 30.0
# Known keys are re-fetched after this long, so a key Clerk revoked stops being trusted.
MAX_KEY_AGE_SECONDS = 3600.0
# A JWKS document is a few hundred bytes; anything far larger is not one.
MAX_JWKS_BYTES = 256 * 1024


class SigningKeySource(Protocol):
    """Finds the RSA public key for a token's ``kid``; raises ``AuthenticationFailed`` if none."""

    async def key_for(self, kid: str | None) -> RSAPublicKey: ...


def load_pem_key(pem: str) -> RSAPublicKey:
    """Parse ``CLERK_JWT_KEY``; env files often carry the PEM on one line with literal ``\\n``."""
    text = pem.strip().replace("\\n", "\n")
    key = load_pem_public_key(text.encode())
    if not isinstance(key, RSAPublicKey):
        raise ValueError("CLERK_JWT_KEY must be an RSA public key (PEM)")
    return key


class PemSigningKey:
    """The single key from ``CLERK_JWT_KEY``: no network, the token's ``kid`` is irrelevant."""

    def __init__(self, pem: str) -> None:
        self._key = load_pem_key(pem)

    async def key_for(self, kid: str | None) -> RSAPublicKey:
        return self._key


def parse_jwks(document: Any) -> dict[str, RSAPublicKey]:
    """The usable RS256 signing keys of a JWKS document by kid; malformed entries are skipped."""
    keys: dict[str, RSAPublicKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("JWKS document has no 'keys' list")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            key = PyJWK(entry, algorithm="RS256").key
        except (PyJWTError, ValueError, TypeError, KeyError):
            log.warning("clerk.jwks.bad_key", extra={"kid": kid})
            continue
        if isinstance(key, RSAPublicKey):
            keys[kid] = key
    return keys


class JwksSigningKeys:
    """Keys from ``CLERK_JWKS_URL``: fetched with aiohttp, cached, refreshed on an unknown kid."""

    def __init__(
        self,
        url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        min_refresh_interval: float = MIN_REFRESH_INTERVAL_SECONDS,
        max_key_age: float = MAX_KEY_AGE_SECONDS,
        timeout: aiohttp.ClientTimeout = JWKS_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._session = session
        self._owns_session = session is None
        self._min_refresh_interval = min_refresh_interval
        self._max_key_age = max_key_age
        self._timeout = timeout
        self._clock = clock
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not
        self._lock = asyncio.Lock()
        self.fetch_count = 0  # observable in tests and logs

    async def key_for(self, kid: str | None) -> RSAPublicKey:
        if not kid:
            raise AuthenticationFailed("Token header has no key id")
        key = self._keys.get(kid)
        if key is not None and not self._is_stale():
            return key
        async with self._lock:
            # Another request may have refreshed while this one waited for the lock.
            key = self._keys.get(kid)
            if key is not None and not self._is_stale():
                return key
            if self._may_refresh():
                await self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise AuthenticationFailed("Token signed with an unknown key")
        return key

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _is_stale(self) -> bool:
        if self._fetched_at is None:
            return True
        return self._clock() - self._fetched_at >= self._max_key_age and self._may_refresh()

    def _may_refresh(self) -> bool:
        if self._attempted_at is None:
            return True
        return self._clock() - self._attempted_at >= self._min_refresh_interval

    async def _refresh(self) -> None:
        self._attempted_at = self._clock()
        self.fetch_count += 1
        try:
            document = await self._fetch()
            keys = parse_jwks(document)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            # Keep serving the keys we had: a JWKS outage must not log everybody out.
            log.warning("clerk.jwks.fetch_failed", extra={"url": self._url, "error": repr(exc)})
            return
        self._keys = keys
        self._fetched_at = self._clock()

    async def _fetch(self) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(
            self._url, timeout=self._timeout, headers={"Accept": "application/json"}
        ) as response:
            if response.status != 200:
                raise ValueError(f"JWKS endpoint answered {response.status}")
            body = await response.content.read(MAX_JWKS_BYTES + 1)
            if len(body) > MAX_JWKS_BYTES:
                raise ValueError("JWKS document too large")
            return json.loads(body)
