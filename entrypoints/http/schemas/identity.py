"""Models of the identity routes (the Clerk webhook)."""

from __future__ import annotations

from entrypoints.http.schemas.base import ApiOutput


class WebhookAckOut(ApiOutput):
    received: bool
    duplicate: bool  # the delivery id was already stored: nothing was done a second time
