"""A platform user, provisioned from the identity provider's subject."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import Forbidden

RECOVERY_WINDOW = timedelta(days=90)


class AccountDeleted(Forbidden):
    """The account was soft-deleted; its tokens no longer open anything."""


@dataclass(frozen=True)
class User:
    id: str
    subject: str  # identity provider's user id (Clerk ``user_…`` or the dev subject)
    email: str | None
    first_name: str | None
    last_name: str | None
    image_url: str | None
    username: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_name(self) -> str | None:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) or self.username or None

    def ensure_active(self) -> None:
        if self.is_deleted:
            raise AccountDeleted("This account has been deleted")

    def soft_delete(self, now: datetime) -> User:
        return self if self.is_deleted else replace(self, deleted_at=now, updated_at=now)

    def restore(self, now: datetime) -> User:
        return replace(self, deleted_at=None, updated_at=now)

    def can_be_recovered(self, now: datetime) -> bool:
        return self.deleted_at is not None and now - self.deleted_at <= RECOVERY_WINDOW


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """ "Ada Lovelace" → ("Ada", "Lovelace"); a single word is a first name."""
    if not name or not name.strip():
        return None, None
    first, _, last = name.strip().partition(" ")
    return first, (last.strip() or None)
