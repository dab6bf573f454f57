"""Topic → handler registry for outbox messages.

Add one line per topic. A handler is an application use case ``async (message_id, payload)``
that has no second effect for the same message id (see ``application/jobs/ports.OutboxHandler``).
``tests/unit/jobs/test_every_topic_has_a_handler.py`` fails when a topic written under
``application/`` is missing here.
"""

from __future__ import annotations

from application.identity.provider_sync import PROVIDER_WEBHOOK_TOPIC
from application.invitations.invite import INVITATION_EMAIL  # {"invitationId", "sealedCode"}
from application.jobs.ports import OutboxHandler
from application.payments.webhooks import PROCESS_WEBHOOK as PROCESS_RAZORPAY_WEBHOOK
from entrypoints.containers import Container

SEND_EMAIL = "email.send"  # {"to", "template", "context"}
CREATE_NOTIFICATION = "notification.create"  # {"userId", "type", "title", "message", ...}


def outbox_handlers(container: Container) -> dict[str, OutboxHandler]:
    return {
        SEND_EMAIL: container.jobs.send_email(),
        CREATE_NOTIFICATION: container.notifications.create_notification(),
        PROVIDER_WEBHOOK_TOPIC: container.identity.apply_provider_webhook(),  # {"webhookId"}
        INVITATION_EMAIL: container.invitations.send_invitation_email(),
        PROCESS_RAZORPAY_WEBHOOK: container.payments.process_razorpay_webhook(),
    }
