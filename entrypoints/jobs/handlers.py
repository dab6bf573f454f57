"""Topic → handler registry for outbox messages.

Add one line per command type (``application/ports/outbox_commands.py``). A handler is an
application use case ``async (message_id, payload)`` that parses its command with
``from_payload`` and has no second effect for the same message id (see
``application/jobs/ports.OutboxHandler``).
``tests/unit/jobs/test_every_topic_has_a_handler.py`` fails when a command type has no line here.
"""

from __future__ import annotations

from application.jobs.ports import OutboxHandler
from application.ports.outbox_commands import (
    ApplyGithubWebhook,
    ApplyIdentityWebhook,
    BuildDataExport,
    CreateNotification,
    PublishRealtime,
    SendEmail,
    SendInvitationEmail,
    SettleFromRazorpayWebhook,
    TriageSupportTicket,
)
from entrypoints.containers import Container


def outbox_handlers(container: Container) -> dict[str, OutboxHandler]:
    return {
        SendEmail.TOPIC: container.jobs.send_email(),
        CreateNotification.TOPIC: container.notifications.create_notification(),
        ApplyIdentityWebhook.TOPIC: container.identity.apply_provider_webhook(),
        SendInvitationEmail.TOPIC: container.invitations.send_invitation_email(),
        SettleFromRazorpayWebhook.TOPIC: container.payments.process_razorpay_webhook(),
        PublishRealtime.TOPIC: container.realtime.publish_realtime(),
        TriageSupportTicket.TOPIC: container.support.triage_ticket(),
        ApplyGithubWebhook.TOPIC: container.project_activity.apply_github_delivery(),
        BuildDataExport.TOPIC: container.account.build_export(),
    }
