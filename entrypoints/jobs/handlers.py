"""Topic → handler registry for outbox messages.

Add one line per topic. A handler is an application use case ``async (message_id, payload)``
that has no second effect for the same message id (see ``application/jobs/ports.OutboxHandler``).
"""

from __future__ import annotations

from application.invitations.invite import INVITATION_EMAIL  # {"invitationId", "sealedCode"}
from application.jobs.ports import OutboxHandler
from application.payments.webhooks import PROCESS_WEBHOOK as PROCESS_RAZORPAY_WEBHOOK
from entrypoints.containers import Container

SEND_EMAIL = "email.send"  # {"to", "template", "context"}
CREATE_NOTIFICATION = "notification.create"  # {"userId", "type", "title", "message", ...}


def outbox_handlers(container: Container) -> dict[str, OutboxHandler]:
    use_cases = container.use_cases
    return {
        SEND_EMAIL: use_cases.send_email(),
        CREATE_NOTIFICATION: use_cases.create_notification(),
        PROCESS_RAZORPAY_WEBHOOK: use_cases.process_razorpay_webhook(),
        INVITATION_EMAIL: use_cases.send_invitation_email(),
    }
