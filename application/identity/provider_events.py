"""Commands that keep local users in step with the identity provider (Clerk webhooks).

The Clerk adapter turns a verified webhook event into one of these; the user-sync use case applies
it. ``occurred_at`` lets the use case drop a stale update that arrives after a newer one (Svix
delivers at least once and in no guaranteed order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.ports.identity import DirectoryUser


@dataclass(frozen=True)
class UpsertProviderUser:
    """Create the user or refresh its e-mail, names, avatar, username (``user.created/updated``)."""

    user: DirectoryUser
    occurred_at: datetime | None


@dataclass(frozen=True)
class SoftDeleteProviderUser:
    """Soft-delete the user (``user.deleted``); recoverable for the retention period."""

    subject: str
    occurred_at: datetime | None


UserSyncCommand = UpsertProviderUser | SoftDeleteProviderUser
