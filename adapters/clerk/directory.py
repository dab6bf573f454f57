"""``IdentityDirectory`` over the Clerk Backend API: ``GET {CLERK_API_URL}/v1/users/{id}``.

Used once per user at just-in-time provisioning when the token carries no e-mail. The directory is
an optimisation, not a dependency: any failure (timeout, 5xx, bad secret) is logged and answered
with ``None``, and the webhook fills the user in later.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol
from urllib.parse import quote

import aiohttp

from adapters.clerk.user_record import MalformedClerkUser, directory_user
from application.ports.identity import DirectoryUser

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.clerk.com"
API_TIMEOUT = aiohttp.ClientTimeout(total=5, connect=2)
MAX_RESPONSE_BYTES = 1024 * 1024


class ClerkDirectory:
    """Looks a Clerk user up by id with the instance's secret key."""

    def __init__(
        self,
        secret_key: str,
        *,
        api_url: str = DEFAULT_API_URL,
        session: aiohttp.ClientSession | None = None,
        timeout: aiohttp.ClientTimeout = API_TIMEOUT,
    ) -> None:
        if not secret_key:
            raise ValueError("CLERK_SECRET_KEY is required for the Clerk directory")
        self._secret_key = secret_key
        self._api_url = api_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self._timeout = timeout

    async def lookup(self, subject: str) -> DirectoryUser | None:
        url = f"{self._api_url}/v1/users/{quote(subject, safe='')}"
        try:
            payload = await self._get(url)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("clerk.directory.failed", extra={"subject": subject, "error": repr(exc)})
            return None
        if payload is None:
            return None
        try:
            user = directory_user(payload)
        except MalformedClerkUser:
            log.warning("clerk.directory.malformed", extra={"subject": subject})
            return None
        if user.subject != subject:
            log.warning("clerk.directory.mismatch", extra={"subject": subject})
            return None
        return user

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _get(self, url: str) -> dict[str, object] | None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"Authorization": f"Bearer {self._secret_key}", "Accept": "application/json"}
        async with self._session.get(url, headers=headers, timeout=self._timeout) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise ValueError(f"Clerk Backend API answered {response.status}")
            body = await response.content.read(MAX_RESPONSE_BYTES + 1)
        if len(body) > MAX_RESPONSE_BYTES:
            raise ValueError("Clerk Backend API response too large")
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("Clerk Backend API answered with a non-object")
        return payload


class ClerkDirectorySettings(Protocol):
    clerk_secret_key: str | None
    clerk_api_url: str


def build_clerk_directory(settings: ClerkDirectorySettings) -> ClerkDirectory | None:
    """The directory when ``CLERK_SECRET_KEY`` is set; without it provisioning skips the lookup."""
    if not settings.clerk_secret_key:
        return None
    return ClerkDirectory(settings.clerk_secret_key, api_url=settings.clerk_api_url)
