"""GitHub deliveries → project activity (API.md "Community", ``POST /webhooks/v1/github``).

1. ``ReceiveGithubWebhook`` (HTTP, after the signature check): store the raw delivery in the inbox,
   unique on ``X-GitHub-Delivery``, with an ``ApplyGithubWebhook`` job in the same transaction; a
   replayed delivery stores and queues nothing. ``ping`` and other events are stored, never run.
2. ``ApplyGithubWebhook`` (job): a ``push`` adds one activity entry to each live project linked to
   its repository, and marks the delivery processed in the same transaction. Nothing here ever
   runs a command (the original ran ``sudo ./deploy.sh`` from the API process).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.ports.clock import Clock
from application.ports.inbox import ReceivedWebhook
from application.ports.outbox_commands import ApplyGithubWebhook, MalformedCommand
from application.ports.unit_of_work import UnitOfWorkFactory
from application.project_activity.unit_of_work import ProjectActivityUnitOfWork
from application.webhook_intake import ReceiveWebhook
from domain.ids import new_id
from domain.project_activity.activity import MalformedPush, ProjectActivity, parse_push

log = logging.getLogger(__name__)

SOURCE = "github"


class ReceiveGithubWebhook(ReceiveWebhook):
    """Store a verified GitHub delivery and queue ``ApplyGithubWebhook``; ``False`` for a replayed
    ``X-GitHub-Delivery``."""

    source = SOURCE
    command = ApplyGithubWebhook


@dataclass(frozen=True, eq=False)
class ApplyGithubDelivery:
    """Job handler for ``ApplyGithubWebhook``: each delivery is applied at most once."""

    uow: UnitOfWorkFactory[ProjectActivityUnitOfWork]
    clock: Clock

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            job = ApplyGithubWebhook.from_payload(payload)
        except MalformedCommand:
            log.warning("github.webhook.bad_message %s", message_id)
            return
        now = self.clock.now()
        async with self.uow() as uow:
            webhook = await uow.inbox.get(job.webhook_id)
            if webhook is None or webhook.processed_at is not None:
                return
            if webhook.event_type == "push":
                await self._push(uow, webhook)
            await uow.inbox.mark_processed(webhook.id, now)
            await uow.commit()

    async def _push(self, uow: ProjectActivityUnitOfWork, webhook: ReceivedWebhook) -> None:
        try:
            body = json.loads(webhook.body)
            push = parse_push(body if isinstance(body, dict) else {})
        except (ValueError, MalformedPush) as exc:  # stored, marked processed, never retried
            log.warning("github.webhook.malformed_push %s: %s", webhook.id, exc)
            return
        for project_id in await uow.project_activity.linked_projects(push.repository_url):
            await uow.project_activity.add(
                ProjectActivity.of_push(
                    push,
                    id=new_id(),
                    project_id=project_id,
                    webhook_id=webhook.id,
                    now=self.clock.now(),
                )
            )
