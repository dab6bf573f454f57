"""Turns a verified Clerk webhook event into a user-sync command.

``user.created`` / ``user.updated`` → ``UpsertProviderUser``; ``user.deleted`` →
``SoftDeleteProviderUser``; any other type → ``None`` (stored, ignored). A known type whose
``data`` is not a usable user raises ``MalformedClerkEvent`` so the job records it instead of
retrying forever.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.clerk.user_record import (
    MalformedClerkUser,
    directory_user,
    from_unix_millis,
    updated_at,
)
from application.identity.provider_events import (
    SoftDeleteProviderUser,
    UpsertProviderUser,
    UserSyncCommand,
)

UPSERT_EVENTS = frozenset({"user.created", "user.updated"})
DELETE_EVENT = "user.deleted"


class MalformedClerkEvent(ValueError):
    """A user event whose ``data`` lacks what the command needs."""


def user_sync_command(event: Mapping[str, Any]) -> UserSyncCommand | None:
    event_type = event.get("type")
    if event_type not in UPSERT_EVENTS and event_type != DELETE_EVENT:
        return None
    data = event.get("data")
    if not isinstance(data, Mapping):
        raise MalformedClerkEvent(f"{event_type} without a data object")
    sent_at = from_unix_millis(event.get("timestamp"))
    if event_type == DELETE_EVENT:
        subject = data.get("id")
        if not isinstance(subject, str) or not subject:
            raise MalformedClerkEvent("user.deleted without a user id")
        return SoftDeleteProviderUser(subject=subject, occurred_at=sent_at)
    try:
        user = directory_user(data)
    except MalformedClerkUser as exc:
        raise MalformedClerkEvent(f"{event_type}: {exc}") from None
    return UpsertProviderUser(user=user, occurred_at=updated_at(data) or sent_at)


def parse_clerk_webhook(body: str) -> UserSyncCommand | None:
    """``ParseUserEvent`` for stored Clerk deliveries (the raw JSON body the signature covered)."""
    event = json.loads(body)
    if not isinstance(event, Mapping):
        raise MalformedClerkEvent("Clerk webhook body is not a JSON object")
    return user_sync_command(event)
