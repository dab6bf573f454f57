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
from application.realtime.publish import REALTIME_TOPIC
from entrypoints.containers import Container

SEND_EMAIL = "email.send"  # {"to", "template", "context"}
CREATE_NOTIFICATION = "notification.create"  # {"userId", "type", "title", "message", ...}


def outbox_handlers(container: Container) -> dict[str, OutboxHandler]:
    use_cases = container.use_cases
    return {
        SEND_EMAIL: use_cases.send_email(),
        CREATE_NOTIFICATION: use_cases.create_notification(),
        PROVIDER_WEBHOOK_TOPIC: use_cases.apply_provider_webhook(),  # {"webhookId"}
        INVITATION_EMAIL: use_cases.send_invitation_email(),
        PROCESS_RAZORPAY_WEBHOOK: use_cases.process_razorpay_webhook(),
        REALTIME_TOPIC: use_cases.publish_realtime(),  # PublishRealtime
    }
