"""Outbox commands keep the camelCase wire format stored rows and the worker already use."""

from __future__ import annotations

import pytest

from application.ports.outbox_commands import (
    OUTBOX_COMMANDS,
    ApplyGithubWebhook,
    ApplyIdentityWebhook,
    BuildDataExport,
    CreateNotification,
    MalformedCommand,
    OutboxCommand,
    PublishRealtime,
    SendEmail,
    SendInvitationEmail,
    SettleFromRazorpayWebhook,
    TriageSupportTicket,
)
from domain.notifications.notification import NotificationType

WIRE: list[tuple[OutboxCommand, dict[str, object]]] = [
    (
        SendEmail(to="a@example.com", template="welcome", context={"name": "Asha"}),
        {"to": "a@example.com", "template": "welcome", "context": {"name": "Asha"}},
    ),
    (
        CreateNotification(
            user_id="u1",
            type=NotificationType.ACHIEVEMENT,
            title="T",
            message="M",
            action_url="/credits",
            action_label="View",
            metadata={"creditsAdded": 5},
        ),
        {
            "userId": "u1",
            "type": "ACHIEVEMENT",
            "title": "T",
            "message": "M",
            "actionUrl": "/credits",
            "actionLabel": "View",
            "metadata": {"creditsAdded": 5},
        },
    ),
    (
        CreateNotification(user_id="u1", title="T", message="M"),
        {"userId": "u1", "type": "SYSTEM", "title": "T", "message": "M"},
    ),
    (
        SendInvitationEmail(invitation_id="i1", sealed_code="s"),
        {"invitationId": "i1", "sealedCode": "s"},
    ),
    (
        SendEmail(
            to="a@example.com",
            template="account-verification-code",
            context={"expires_minutes": 10},
            sealed={"code": "v1.sealed"},
        ),
        {
            "to": "a@example.com",
            "template": "account-verification-code",
            "context": {"expires_minutes": 10},
            "sealed": {"code": "v1.sealed"},
        },
    ),
    (ApplyIdentityWebhook(webhook_id="w1"), {"webhookId": "w1"}),
    (BuildDataExport(export_id="e1"), {"exportId": "e1"}),
    (SettleFromRazorpayWebhook(webhook_id="w2"), {"webhookId": "w2"}),
    (TriageSupportTicket(ticket_id="t1"), {"ticketId": "t1"}),
    (ApplyGithubWebhook(webhook_id="w3"), {"webhookId": "w3"}),
    (
        PublishRealtime(user_id="u1", type="credits.balance_changed", data={"balance": 5}),
        {"userId": "u1", "type": "credits.balance_changed", "data": {"balance": 5}},
    ),
]


@pytest.mark.parametrize(("command", "payload"), WIRE)
def test_wire_format_round_trips(command: OutboxCommand, payload: dict[str, object]) -> None:
    assert command.to_payload() == payload
    assert type(command).from_payload(payload) == command


def test_every_command_type_has_a_wire_example() -> None:
    assert {type(command) for command, _ in WIRE} == set(OUTBOX_COMMANDS)


def test_the_dedupe_key_is_not_on_the_wire() -> None:
    command = ApplyIdentityWebhook(webhook_id="w1", dedupe_key="webhook:clerk:1")
    assert command.to_payload() == {"webhookId": "w1"}


@pytest.mark.parametrize(
    ("command_type", "payload"),
    [
        (SendEmail, {"template": "welcome"}),
        (SendEmail, {"to": "a@example.com", "template": "welcome", "context": ["x"]}),
        (SendEmail, {"to": "a@example.com", "template": "welcome", "context": None}),
        (CreateNotification, {"userId": "u1", "title": "T"}),
        (CreateNotification, {"userId": "u1", "title": "T", "message": "M", "type": "NOPE"}),
        (SendInvitationEmail, {"invitationId": "i1"}),
        (ApplyIdentityWebhook, {"webhookId": 7}),
        (SettleFromRazorpayWebhook, {}),
        (PublishRealtime, {"type": "credits.balance_changed", "data": {}}),
        (PublishRealtime, {"userId": "u1", "type": "no.such.event", "data": {}}),
        (PublishRealtime, {"userId": "u1", "type": "credits.balance_changed", "data": [1]}),
    ],
)
def test_a_malformed_payload_is_refused(
    command_type: type[OutboxCommand], payload: dict[str, object]
) -> None:
    with pytest.raises(MalformedCommand):
        command_type.from_payload(payload)
