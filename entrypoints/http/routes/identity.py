"""``POST /webhooks/v1/clerk``: Svix-verified on the raw body, stored, answered, then a job."""

from __future__ import annotations

from adapters.clerk.webhook_signature import SVIX_HEADERS, ClerkWebhookVerifier
from application.identity.provider_sync import ReceiveProviderWebhook
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.identity import WebhookAckOut
from entrypoints.http.webhooks import configured, webhook_route

routes = ApiRoutes(tag="webhooks")


# Clerk bursts (bulk imports) must not be throttled like a person; Svix retries anyway.
@webhook_route(
    routes,
    "/webhooks/v1/clerk",
    secret="CLERK_WEBHOOK_SECRET",
    refused="Unsigned, forged or stale delivery",
    summary="Clerk user events (Svix-signed); a replayed svix-id has no second effect",
)
async def clerk_webhook(
    call: Call[NoBody, NoQuery],
    receive_provider_webhook: ReceiveProviderWebhook,
    verifier: ClerkWebhookVerifier | None,  # None: CLERK_WEBHOOK_SECRET not set
) -> WebhookAckOut:
    headers = {name: call.header(name) or "" for name in SVIX_HEADERS}
    delivery = configured(verifier, "Clerk").verify(call.raw_body, headers)
    stored = await receive_provider_webhook(
        delivery_id=delivery.message_id,
        event_type=delivery.event_type,
        body=call.raw_body.decode(),
    )
    return WebhookAckOut(received=True, duplicate=not stored)
