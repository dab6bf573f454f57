"""The side effects that leave a context through the outbox, one frozen command per topic.

A command is an intent (``SendEmail``) with its wire format: ``to_payload`` writes the JSON stored
in the outbox row and handed to the worker, ``from_payload`` reads it back in the handler. The wire
format is camelCase and must stay readable by the worker across deploys: rows written by the
previous release are parsed by the next one. ``dedupe_key`` is not on the wire: it is the row's
identity (the same key twice is stored once, e.g. ``welcome-email:<user id>``).

Adding a side effect = one class here, its handler, and one line in
``entrypoints/jobs/handlers.py`` (``tests/unit/jobs/test_every_topic_has_a_handler.py`` checks).
Realtime fan-out is ``PublishRealtime``: the user's connections hear of a change after its commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar, Self

from domain.bounded_text import bounded_key
from domain.notifications.notification import NotificationType
from domain.realtime.events import EVENT_TYPES


class MalformedCommand(ValueError):
    """A stored payload is not a valid command of its topic (each handler says what that means)."""


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedCommand(f"{key!r} is required")
    return value


def _optional_text(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def _object(
    payload: Mapping[str, Any], key: str, *, null_is_empty: bool = False
) -> Mapping[str, Any]:
    """An absent key is ``{}``; so is ``null`` where producers wrote it (notification metadata)."""
    value = payload.get(key, {})
    if value is None and null_is_empty:
        value = {}
    if not isinstance(value, Mapping):
        raise MalformedCommand(f"{key!r} must be an object")
    return MappingProxyType(dict(value))


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


def _wire_name(field_name: str) -> str:
    """``ticket_id`` travels as ``ticketId``."""
    first, *rest = field_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


@dataclass(frozen=True)
class OutboxCommand:
    """Base of every outbox command: its ``TOPIC`` and its (de)serialisation."""

    TOPIC: ClassVar[str]
    dedupe_key: str | None = field(default=None, kw_only=True, compare=False)

    def __post_init__(self) -> None:
        # Keys embed senders' ids (svix-id, Razorpay event ids) of any length: bounded here, once,
        # for every producer — short keys verbatim, long ones hashed, never two merged into one.
        if self.dedupe_key is not None:
            object.__setattr__(self, "dedupe_key", bounded_key(self.dedupe_key))

    # The default wire format is that of a command whose fields are all required text: each
    # under its camelCase name. A command with other fields writes and reads its own.

    def to_payload(self) -> dict[str, Any]:
        return {_wire_name(f.name): getattr(self, f.name) for f in self._wire_fields()}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        return cls(**{f.name: _text(payload, _wire_name(f.name)) for f in cls._wire_fields()})

    @classmethod
    def _wire_fields(cls) -> list[Field[Any]]:
        return [f for f in fields(cls) if f.name != "dedupe_key"]


def sealed_binding(to: str, template: str) -> str:
    """What a ``SendEmail`` secret is sealed to: it opens only for that address and template."""
    return f"email\x1f{template}\x1f{to}"


@dataclass(frozen=True)
class SendEmail(OutboxCommand):
    """Render ``template`` with ``context`` and mail it to ``to``; ``headers`` are extra mail
    headers (``List-Unsubscribe``…), written on the wire only when set.

    ``sealed``: template variables that are secrets (a one-time code), each sealed with the
    ``CodeSealer`` to ``sealed_binding(to, template)``; the handler opens them just before
    rendering, so the outbox row, the broker and any logged payload hold no usable secret.
    """

    TOPIC: ClassVar[str] = "email.send"
    to: str
    template: str
    context: Mapping[str, Any] = field(default_factory=_empty)
    headers: Mapping[str, str] = field(default_factory=_empty)
    sealed: Mapping[str, str] = field(default_factory=_empty)

    def to_payload(self) -> dict[str, Any]:
        payload = {"to": self.to, "template": self.template, "context": dict(self.context)}
        if self.headers:
            payload["headers"] = dict(self.headers)
        if self.sealed:
            payload["sealed"] = dict(self.sealed)
        return payload

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        headers = _object(payload, "headers")
        if not all(isinstance(v, str) for v in headers.values()):
            raise MalformedCommand("'headers' values must be strings")
        sealed = _object(payload, "sealed")
        if not all(isinstance(v, str) for v in sealed.values()):
            raise MalformedCommand("'sealed' values must be strings")
        return cls(
            to=_text(payload, "to"),
            template=_text(payload, "template"),
            context=_object(payload, "context"),
            headers=headers,
            sealed=sealed,
        )


@dataclass(frozen=True)
class CreateNotification(OutboxCommand):
    """Put a notification in ``user_id``'s inbox (its id is the outbox message id)."""

    TOPIC: ClassVar[str] = "notification.create"
    user_id: str
    title: str
    message: str
    type: NotificationType = NotificationType.SYSTEM
    description: str = ""
    action_url: str | None = None
    action_label: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=_empty)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "userId": self.user_id,
            "type": self.type.value,
            "title": self.title,
            "message": self.message,
        }
        # Optional keys are written only when set, as the producers always did.
        if self.description:
            payload["description"] = self.description
        if self.action_url is not None:
            payload["actionUrl"] = self.action_url
        if self.action_label is not None:
            payload["actionLabel"] = self.action_label
        if self.metadata:
            payload["metadata"] = dict(self.metadata)
        return payload

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        for key in ("userId", "title", "message"):
            if key not in payload:
                raise MalformedCommand(f"{key!r} is required")
        try:
            kind = NotificationType(payload.get("type", NotificationType.SYSTEM.value))
        except ValueError:
            raise MalformedCommand(f"unknown notification type {payload.get('type')!r}") from None
        return cls(
            user_id=str(payload["userId"]),
            type=kind,
            title=str(payload["title"]),
            message=str(payload["message"]),
            description=str(payload.get("description", "")),
            action_url=_optional_text(payload, "actionUrl"),
            action_label=_optional_text(payload, "actionLabel"),
            metadata=_object(payload, "metadata", null_is_empty=True),
        )


@dataclass(frozen=True)
class SendInvitationEmail(OutboxCommand):
    """Mail the invitee their link; the code travels sealed to the invitation (ADR 0040)."""

    TOPIC: ClassVar[str] = "invitation.email"
    invitation_id: str
    sealed_code: str

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        invitation_id, sealed = payload.get("invitationId"), payload.get("sealedCode")
        if not isinstance(invitation_id, str) or not isinstance(sealed, str):
            raise MalformedCommand("invitationId and sealedCode required")
        return cls(invitation_id=invitation_id, sealed_code=sealed)


@dataclass(frozen=True)
class InboxCommand(OutboxCommand):
    """Process one stored webhook delivery (``uow.inbox``) by its id; subclasses name the topic."""

    webhook_id: str


@dataclass(frozen=True)
class ApplyIdentityWebhook(InboxCommand):
    """Apply one stored identity-provider (Clerk) delivery from the inbox."""

    TOPIC: ClassVar[str] = "identity.provider_webhook"


@dataclass(frozen=True)
class SettleFromRazorpayWebhook(InboxCommand):
    """Settle the payment a stored Razorpay delivery is about, from the gateway."""

    TOPIC: ClassVar[str] = "payments.razorpay_webhook"


@dataclass(frozen=True)
class ApplyGithubWebhook(InboxCommand):
    """Turn one stored GitHub delivery (a push) into project activity."""

    TOPIC: ClassVar[str] = "project_activity.github_webhook"


@dataclass(frozen=True)
class TriageSupportTicket(OutboxCommand):
    """Classify a new support ticket (model or rules), then confirm it to its requester."""

    TOPIC: ClassVar[str] = "support.triage"
    ticket_id: str


@dataclass(frozen=True)
class PublishRealtime(OutboxCommand):
    """Tell ``user_id``'s realtime connections about ``type`` with ``data`` (API.md "Realtime").

    The outbox message id is the event's source id on the bus: a redelivery is published once.
    """

    TOPIC: ClassVar[str] = "realtime.publish"
    user_id: str
    type: str
    data: Mapping[str, Any] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.type not in EVENT_TYPES:
            raise MalformedCommand(f"unknown realtime event type {self.type!r}")

    def to_payload(self) -> dict[str, Any]:
        return {"userId": self.user_id, "type": self.type, "data": dict(self.data)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        return cls(
            user_id=_text(payload, "userId"),
            type=_text(payload, "type"),
            data=_object(payload, "data", null_is_empty=True),
        )


@dataclass(frozen=True)
class BuildDataExport(OutboxCommand):
    """Gather, store and announce a requested data export (the account context)."""

    TOPIC: ClassVar[str] = "account.build_export"
    export_id: str


OUTBOX_COMMANDS: tuple[type[OutboxCommand], ...] = (
    SendEmail,
    CreateNotification,
    SendInvitationEmail,
    ApplyIdentityWebhook,
    SettleFromRazorpayWebhook,
    PublishRealtime,
    ApplyGithubWebhook,
    TriageSupportTicket,
    BuildDataExport,
)
"""Every command type written to the outbox; each topic needs a handler on the worker."""
