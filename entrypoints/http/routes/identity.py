"""``POST /webhooks/v1/clerk``: Svix-verified on the raw body, stored, answered, then a job."""

from __future__ import annotations

from adapters.clerk.webhook_signature import SVIX_HEADERS, ClerkWebhookVerifier
from application.identity.provider_sync import ReceiveProviderWebhook
from entrypoints.http.errors import ApiError
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.http.schemas.identity import WebhookAckOut

routes = ApiRoutes(tag="webhooks")


@routes.post(
    "/webhooks/v1/clerk",
    auth=Auth.NONE,
    # Clerk bursts (bulk imports) must not be throttled like a person; Svix retries anyway.
    rate_limit="3000/minute",
    responses={
        403: "Unsigned, forged or stale delivery (INVALID_SIGNATURE); nothing is stored",
        503: "CLERK_WEBHOOK_SECRET is not configured (SERVICE_UNAVAILABLE)",
    },
    summary="Clerk user events (Svix-signed); a replayed svix-id has no second effect",
)
async def clerk_webhook(
    call: Call[NoBody, NoQuery],
    receive_provider_webhook: ReceiveProviderWebhook,
    verifier: ClerkWebhookVerifier | None,  # None: CLERK_WEBHOOK_SECRET not set
) -> WebhookAckOut:
    if verifier is None:
        raise ApiError("SERVICE_UNAVAILABLE", "Clerk webhooks are not configured")
    headers = {name: call.header(name) or "" for name in SVIX_HEADERS}
    delivery = verifier.verify(call.raw_body, headers)
    stored = await receive_provider_webhook(
        delivery_id=delivery.message_id,
        event_type=delivery.event_type,
        body=call.raw_body.decode(),
    )
    return WebhookAckOut(received=True, duplicate=not stored)
