"""A platform user, provisioned from the identity provider's subject."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.errors import Forbidden
from domain.identity.errors import IdentityError

RECOVERY_WINDOW = timedelta(days=90)


class AccountDeleted(IdentityError, Forbidden, code="ACCOUNT_DELETED"):
    """The account was soft-deleted; its tokens no longer open anything (but the recovery)."""

    @classmethod
    def since(cls, deleted_at: datetime | None, now: datetime) -> AccountDeleted:
        """With the recovery details API.md promises: ``{recoverable, recoverBy}``."""
        recover_by = deleted_at + RECOVERY_WINDOW if deleted_at is not None else None
        recoverable = recover_by is not None and now <= recover_by
        return cls(
            "This account has been deleted"
            + ("; POST /api/v1/account-settings/recover restores it" if recoverable else ""),
            details={
                "recoverable": recoverable,
                "recoverBy": recover_by.isoformat().replace("+00:00", "Z") if recover_by else None,
            },
        )


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
    # When the identity provider last changed this user, as of the newest event applied (Clerk's
    # ``updated_at``, or the event's timestamp); None until a provider event is applied. Events
    # older than this are stale: Svix delivers at least once and in no guaranteed order.
    provider_updated_at: datetime | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_name(self) -> str | None:
        return person_name(self.first_name, self.last_name, self.username)

    def greeted_as(self, fallback: str) -> str:
        """The name an e-mail greets the user by: first name, else display name, else
        ``fallback``."""
        return self.first_name or self.display_name or fallback

    def ensure_active(self, now: datetime | None = None) -> None:
        if self.is_deleted:
            raise AccountDeleted.since(self.deleted_at, now or self.updated_at)

    def soft_delete(self, now: datetime) -> User:
        return self if self.is_deleted else replace(self, deleted_at=now, updated_at=now)

    def is_newer_provider_event(self, occurred_at: datetime | None) -> bool:
        """False for a provider event older than the newest one applied to this user; an event
        without a time (or a user never synced) cannot be ordered and is applied."""
        if occurred_at is None or self.provider_updated_at is None:
            return True
        return occurred_at >= self.provider_updated_at

    def synced_at(self, occurred_at: datetime | None) -> User:
        """This user with ``occurred_at`` recorded as the newest provider change applied."""
        if occurred_at is None or not self.is_newer_provider_event(occurred_at):
            return self
        return replace(self, provider_updated_at=occurred_at)

    def restore(self, now: datetime) -> User:
        return replace(self, deleted_at=None, updated_at=now)

    def can_be_recovered(self, now: datetime) -> bool:
        return self.deleted_at is not None and now - self.deleted_at <= RECOVERY_WINDOW


def tombstone(*, user_id: str, subject: str, now: datetime, occurred_at: datetime | None) -> User:
    """A deleted user with nothing but its subject: what a provider's delete leaves when it arrives
    before the user was ever created here (or what a recovered account leaves under its old
    subject), so that a late create or update for that subject stays a delete."""
    return User(
        id=user_id,
        subject=subject,
        email=None,
        first_name=None,
        last_name=None,
        image_url=None,
        username=None,
        created_at=now,
        updated_at=now,
        deleted_at=now,
        provider_updated_at=occurred_at,
    )


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """ "Ada Lovelace" → ("Ada", "Lovelace"); a single word is a first name."""
    if not name or not name.strip():
        return None, None
    first, _, last = name.strip().partition(" ")
    return first, (last.strip() or None)


def person_name(first_name: str | None, last_name: str | None, username: str | None) -> str | None:
    """How a user is named to others: first and last name, else the username, else nothing."""
    return " ".join(p for p in (first_name, last_name) if p) or username or None
