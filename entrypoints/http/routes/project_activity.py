"""``POST /webhooks/v1/github`` (signed on the raw body, stored, answered, then a job) and
``GET /api/v1/project/{projectId}/activity`` (project:read)."""

from __future__ import annotations

from adapters.github.webhook_signature import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    GithubWebhookVerifier,
)
from application.pagination import Page
from application.project_activity.github import ReceiveGithubWebhook
from application.project_activity.reads import ListProjectActivity
from domain.project_activity.activity import ProjectActivity
from domain.project_activity.errors import MissingDeliveryHeaders
from entrypoints.http.routing import ApiRoutes, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import PageQuery
from entrypoints.http.schemas.identity import WebhookAckOut
from entrypoints.http.schemas.project_activity import ProjectActivityOut, activity_out
from entrypoints.http.webhooks import configured, webhook_route

routes = ApiRoutes(tag="project activity")
MAX_DELIVERY_ID = 100


@webhook_route(
    routes,
    "/webhooks/v1/github",
    secret="GITHUB_WEBHOOK_SECRET",
    refused="X-Hub-Signature-256 missing or wrong",
    summary="GitHub repository events (push → project activity); a replayed delivery is a no-op",
    raw=True,
    responses={400: "X-GitHub-Delivery or X-GitHub-Event missing (VALIDATION_ERROR)"},
)
async def github_webhook(
    call: Call[NoBody, NoQuery],
    receive_github_webhook: ReceiveGithubWebhook,
    github_verifier: GithubWebhookVerifier | None,  # None: GITHUB_WEBHOOK_SECRET not set
) -> WebhookAckOut:
    configured(github_verifier, "GitHub").verify(call.raw_body, call.header(SIGNATURE_HEADER))
    delivery, event = call.header(DELIVERY_HEADER), call.header(EVENT_HEADER)
    if not delivery or not event or len(delivery) > MAX_DELIVERY_ID:
        raise MissingDeliveryHeaders(f"{DELIVERY_HEADER} and {EVENT_HEADER} are required")
    stored = await receive_github_webhook(
        delivery_id=delivery, event_type=event, body=call.raw_body.decode("utf-8", "replace")
    )
    return WebhookAckOut(received=True, duplicate=not stored)


@routes.page(
    "/api/v1/project/{projectId}/activity",
    ProjectActivityOut,
    show=activity_out,
    summary="Pushes to the project's linked repository, newest first (project:read)",
)
async def list_project_activity(
    call: Call[NoBody, PageQuery], list_project_activity: ListProjectActivity
) -> Page[ProjectActivity]:
    return await list_project_activity(call.user, call.path["projectId"], call.query.paging)
