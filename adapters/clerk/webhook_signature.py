"""Verifies Clerk webhooks: Svix signatures over the raw body, via the official ``svix`` package.

``svix`` checks the ``v1`` HMAC-SHA256 of ``{svix-id}.{svix-timestamp}.{body}`` in constant time
and refuses timestamps more than five minutes away from now (replay window). The ``svix-id`` is the
delivery's identity: the inbox stores it under a unique key so a replay has no second effect.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from svix.webhooks import Webhook, WebhookVerificationError

from domain.errors import Forbidden
from domain.identity.errors import IdentityError

SVIX_HEADERS = ("svix-id", "svix-timestamp", "svix-signature")
MAX_MESSAGE_ID_LENGTH = 255  # the inbox's event_id column


class InvalidClerkSignature(IdentityError, Forbidden, code="INVALID_SIGNATURE"):
    """Unsigned, forged, or outside the timestamp window."""


@dataclass(frozen=True)
class VerifiedWebhook:
    message_id: str  # svix-id
    event_type: str | None
    payload: dict[str, Any]


class ClerkWebhookVerifier:
    """``verify(raw_body, headers)`` → the parsed event, or ``InvalidClerkSignature``."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("CLERK_WEBHOOK_SECRET is required for Clerk webhooks")
        try:
            self._webhook = Webhook(secret)
        except (ValueError, binascii.Error) as exc:
            raise ValueError("CLERK_WEBHOOK_SECRET is not a valid Svix secret (whsec_…)") from exc

    def verify(self, body: bytes, headers: Mapping[str, str]) -> VerifiedWebhook:
        svix_headers = {name: headers.get(name, "") for name in SVIX_HEADERS}
        if not all(svix_headers.values()):
            raise InvalidClerkSignature("Missing Svix signature headers")
        if len(svix_headers["svix-id"]) > MAX_MESSAGE_ID_LENGTH:
            raise InvalidClerkSignature("Implausible svix-id")
        try:
            self._webhook.verify(body, svix_headers)
        except (WebhookVerificationError, ValueError, binascii.Error):
            # ValueError covers bodies that are not UTF-8 and malformed signature lists.
            raise InvalidClerkSignature("Invalid webhook signature") from None
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            # Signed but not an event object: still not something we can store and process.
            raise InvalidClerkSignature("Webhook body is not a JSON object")
        event_type = payload.get("type")
        return VerifiedWebhook(
            message_id=svix_headers["svix-id"],
            event_type=event_type if isinstance(event_type, str) else None,
            payload=payload,
        )
