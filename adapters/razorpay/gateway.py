"""PaymentGateway over Razorpay's REST API (aiohttp, basic auth with the key id and secret).

Timeouts on every call; retries with exponential backoff only for idempotent calls (reads, and
refunds, which carry ``X-Refund-Idempotency``) and only on network errors, timeouts, 429 and 5xx.
Order creation is never retried: Razorpay does not dedupe orders, so a retry could open two.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.razorpay.entities import order_from, payment_from, refund_from
from application.ports.payment_gateway import (
    GatewayOrder,
    GatewayPayment,
    GatewayRefund,
    GatewayRejected,
    GatewayUnavailable,
)

DEFAULT_BASE_URL = "https://api.razorpay.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRIES = 3  # attempts after the first, for idempotent calls
DEFAULT_BACKOFF_SECONDS = 0.25
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

log = logging.getLogger(__name__)


class RazorpayGateway:
    def __init__(
        self,
        *,
        key_id: str,
        key_secret: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF_SECONDS,
    ) -> None:
        self._key_id = key_id
        self._auth = aiohttp.BasicAuth(key_id, key_secret)
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = backoff
        self._session: aiohttp.ClientSession | None = None

    @property
    def key_id(self) -> str:
        return self._key_id

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def create_order(
        self, *, amount: int, currency: str, receipt: str, notes: Mapping[str, str]
    ) -> GatewayOrder:
        body = {"amount": amount, "currency": currency, "receipt": receipt, "notes": dict(notes)}
        return order_from(await self._call("POST", "/v1/orders", json=body, idempotent=False))

    async def fetch_order(self, order_id: str) -> GatewayOrder:
        return order_from(await self._call("GET", f"/v1/orders/{_safe(order_id)}"))

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]:
        body = await self._call("GET", f"/v1/orders/{_safe(order_id)}/payments")
        return [payment_from(item) for item in body.get("items", [])]

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        return payment_from(await self._call("GET", f"/v1/payments/{_safe(payment_id)}"))

    async def fetch_refunds(self, payment_id: str) -> list[GatewayRefund]:
        body = await self._call("GET", f"/v1/payments/{_safe(payment_id)}/refunds")
        return [refund_from(item) for item in body.get("items", [])]

    async def refund(
        self, payment_id: str, *, amount: int, idempotency_key: str, notes: Mapping[str, str]
    ) -> GatewayRefund:
        body = {"amount": amount, "speed": "normal", "notes": dict(notes)}
        headers = {"X-Refund-Idempotency": idempotency_key}
        path = f"/v1/payments/{_safe(payment_id)}/refund"
        # 409 = the same key is still being processed: retrying with the key is safe
        return refund_from(
            await self._call("POST", path, json=body, headers=headers, retry_conflict=True)
        )

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
        retry_conflict: bool = False,
    ) -> dict[str, Any]:
        attempts = 1 + (self._retries if idempotent else 0)
        retryable = _RETRYABLE_STATUS | ({409} if retry_conflict else frozenset())
        last_error = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
            try:
                async with self._client().request(
                    method, self._base + path, json=json, headers=headers
                ) as response:
                    payload = await _json(response)
                    if response.status < 400:
                        return payload
                    raw_error = payload.get("error")
                    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
                    code = str(error.get("code") or "GATEWAY_ERROR")
                    description = str(error.get("description") or f"HTTP {response.status}")
                    if response.status in retryable:
                        last_error = f"HTTP {response.status}: {description}"
                        continue
                    raise GatewayRejected(
                        description, gateway_status=response.status, gateway_code=code
                    )
            except (aiohttp.ClientError, TimeoutError) as exc:
                last_error = type(exc).__name__
                log.warning("razorpay %s %s failed: %s", method, path, last_error)
        raise GatewayUnavailable(f"payment gateway unavailable ({last_error})")

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(auth=self._auth, timeout=self._timeout)
        return self._session


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _safe(identifier: str) -> str:
    # ids are path segments: refuse anything that could change the path
    if not identifier or not identifier.replace("_", "").isalnum():
        raise GatewayRejected(
            "malformed gateway id", gateway_status=400, gateway_code="BAD_REQUEST_ERROR"
        )
    return identifier
