"""Resend over its REST API (``POST /emails``) with aiohttp.

Resend dedupes on the ``Idempotency-Key`` header for 24 hours, so the job that retries a send after
a timeout never delivers twice. 429, 5xx, timeouts and connection errors raise
``EmailDeliveryFailed`` (retried); other 4xx raise ``EmailRejected`` (permanent), except 409
``concurrent_idempotent_requests`` — the first attempt is still in flight — which is retried.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from adapters.email.errors import EmailDeliveryFailed, EmailRejected
from application.ports.messaging import EmailMessage

DEFAULT_RESEND_API_URL = "https://api.resend.com"
#: Connect fast or give up; a whole send must finish within ``total`` seconds.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)
#: Resend accepts keys of 1..256 characters.
MAX_IDEMPOTENCY_KEY_LENGTH = 256
#: Resend tag names/values: ASCII letters, digits, underscores and dashes, at most 256 characters.
_TAG_FORBIDDEN = re.compile(r"[^A-Za-z0-9_-]")
_TRANSIENT_CONFLICTS = frozenset({"concurrent_idempotent_requests"})


class ResendEmailSender:
    """``EmailSender`` for Resend. Create and use it on one event loop; ``close()`` when done."""

    def __init__(
        self,
        *,
        api_key: str,
        sender: str,
        base_url: str = DEFAULT_RESEND_API_URL,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._api_key = api_key
        self._sender = sender
        self._url = base_url.rstrip("/") + "/emails"
        self._timeout = timeout
        self._session = session
        self._owns_session = session is None

    async def send(self, message: EmailMessage) -> str:
        headers = {"Authorization": f"Bearer {self._api_key}", "User-Agent": "fairarena"}
        if message.idempotency_key is not None:
            headers["Idempotency-Key"] = message.idempotency_key[:MAX_IDEMPOTENCY_KEY_LENGTH]
        try:
            async with self._client().post(
                self._url, json=self._body(message), headers=headers
            ) as response:
                status = response.status
                payload = await _json_or_none(response)
                retry_after = _retry_after(response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise EmailDeliveryFailed(f"Resend unreachable: {type(exc).__name__}") from exc
        email_id = payload.get("id") if isinstance(payload, dict) else None
        if 200 <= status < 300 and isinstance(email_id, str):
            return email_id
        name, detail = _error_of(payload)
        text = f"Resend answered {status} {name or ''}: {detail}".strip()
        if status == 429 or status >= 500 or (200 <= status < 300):
            raise EmailDeliveryFailed(text, status=status, retry_after=retry_after)
        if status == 409 and name in _TRANSIENT_CONFLICTS:
            raise EmailDeliveryFailed(text, status=status, retry_after=retry_after)
        raise EmailRejected(text, status=status, name=name)

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        # Created lazily so the session belongs to the loop that sends (the worker's loop).
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    def _body(self, message: EmailMessage) -> dict[str, Any]:
        body: dict[str, Any] = {
            "from": self._sender,
            "to": [message.to],
            "subject": message.subject,
            "html": message.html,
            "text": message.text,
        }
        if message.headers:
            body["headers"] = dict(message.headers)
        if message.tags:
            body["tags"] = [
                {"name": _tag(name), "value": _tag(value)} for name, value in message.tags.items()
            ]
        return body


def _tag(value: str) -> str:
    return _TAG_FORBIDDEN.sub("_", value)[:256] or "_"


async def _json_or_none(response: aiohttp.ClientResponse) -> object:
    try:
        return await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return None


def _error_of(payload: object) -> tuple[str | None, str]:
    if isinstance(payload, dict):
        name = payload.get("name")
        return (name if isinstance(name, str) else None), str(payload.get("message", ""))
    return None, "unexpected response body"


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
