"""Twilio SmsSender over its REST API (2010-04-01): Messages.json for SMS, Calls.json with inline
TwiML for a voice call that reads the message out.

Sends are not retried: Twilio's create endpoints are not idempotent, so a retry after a timeout
could deliver a second code. The caller treats a failure as "not sent" and gives the quota back.
"""

from __future__ import annotations

import base64
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import aiohttp

from application.ports.messaging import MessageDeliveryFailed

DEFAULT_BASE_URL = "https://api.twilio.com"
API_VERSION = "2010-04-01"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_CONNECT_TIMEOUT_S = 3.0
# Read twice: a person who picks up late or mishears still gets the code.
SAY_LOOPS = 2


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str
    auth_token: str = field(repr=False)  # keep the secret out of logs and tracebacks
    from_number: str
    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = DEFAULT_TIMEOUT_S
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S


def voice_twiml(message: str) -> str:
    # Inline TwiML as Twilio's own examples pass it: no XML declaration.
    return f'<Response><Say loop="{SAY_LOOPS}">{escape(message)}</Say></Response>'


class TwilioSmsSender:
    """Without an injected session each send opens its own: codes are sent a few times a day per
    user, and a per-call session leaves nothing to close at shutdown."""

    def __init__(self, config: TwilioConfig, session: aiohttp.ClientSession | None = None) -> None:
        self._config = config
        self._session = session
        credentials = f"{config.account_sid}:{config.auth_token}".encode()
        self._authorization = "Basic " + base64.b64encode(credentials).decode("ascii")

    async def send_sms(self, to: str, body: str) -> str:
        return await self._create(
            "Messages.json", {"To": to, "From": self._config.from_number, "Body": body}
        )

    async def place_voice_call(self, to: str, message: str) -> str:
        form = {"To": to, "From": self._config.from_number, "Twiml": voice_twiml(message)}
        return await self._create("Calls.json", form)

    async def _create(self, resource: str, form: dict[str, str]) -> str:
        cfg = self._config
        url = f"{cfg.base_url.rstrip('/')}/{API_VERSION}/Accounts/{cfg.account_sid}/{resource}"
        timeout = aiohttp.ClientTimeout(total=cfg.timeout_s, sock_connect=cfg.connect_timeout_s)
        headers = {
            "Accept": "application/json",
            "Authorization": self._authorization,
            "User-Agent": "fairarena-backend",
        }
        try:
            async with AsyncExitStack() as stack:
                session = self._session
                if session is None:
                    session = await stack.enter_async_context(aiohttp.ClientSession())
                response = await stack.enter_async_context(
                    session.post(url, data=form, timeout=timeout, headers=headers)
                )
                payload = await _json_or_none(response)
                if response.status != 201 or not isinstance(payload, dict) or "sid" not in payload:
                    raise MessageDeliveryFailed(_describe_error(resource, response.status, payload))
                return str(payload["sid"])
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MessageDeliveryFailed(
                f"Twilio {resource} unreachable: {type(exc).__name__}"
            ) from exc


async def _json_or_none(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None


def _describe_error(resource: str, status: int, payload: object) -> str:
    # Twilio errors are {"code": 21211, "message": "...", "more_info": "...", "status": 400};
    # the message names the number at most, never the body.
    if isinstance(payload, dict) and "code" in payload:
        detail = payload.get("message")
        return f"Twilio {resource} refused ({status}, error {payload['code']}): {detail}"
    return f"Twilio {resource} answered {status}"
