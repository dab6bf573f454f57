"""Account recovery: a deleted account comes back to its owner within the recovery window.

The identity provider never reuses a deleted user's id, so a person who deletes their Clerk
account and signs up again arrives with a new subject. When that new identity carries the
e-mail of an account soft-deleted less than ``RECOVERY_WINDOW`` ago, the old account (profile,
settings, history) is restored and bound to the new subject instead of creating a stranger —
the original's "Welcome back", limited to the window after which deleted accounts are purged.
Provider e-mails are verified by the provider; the dev issuer is refused in production.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.audit.writer import AuditScope, AuditWriter
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.identity import DirectoryUser
from application.ports.outbox import Outbox
from application.ports.outbox_commands import CreateNotification, SendEmail
from domain.identity.user import User, tombstone
from domain.ids import new_id


async def recover_deleted_user(
    uow: IdentityUnitOfWork,
    details: DirectoryUser,
    *,
    now: datetime,
    provider_updated_at: datetime | None = None,
) -> User | None:
    """Restore the recoverable account with this e-mail under ``subject``; None if there is none.

    The old subject keeps a tombstone: a late event for the deleted identity (delivered after the
    recovery) must find a deleted user, not provision a second account with the same e-mail."""
    email = details.email
    if not email:
        return None
    deleted = await uow.users.get_deleted_by_email(email)
    if deleted is None or not deleted.can_be_recovered(now):
        return None
    user = replace(
        deleted.restore(now),
        subject=details.subject,
        email=email,
        first_name=details.first_name or deleted.first_name,
        last_name=details.last_name or deleted.last_name,
        image_url=details.image_url or deleted.image_url,
        username=details.username or deleted.username,
        provider_updated_at=provider_updated_at,
    )
    await uow.users.save(user)
    await uow.users.add(
        tombstone(
            user_id=new_id(),
            subject=deleted.subject,
            now=now,
            occurred_at=deleted.provider_updated_at,
        )
    )
    audit = AuditWriter(uow.audit, actor_id=None, now=now)  # the identity provider's doing
    await audit.write(
        "user.recovered",
        AuditScope.user(user.id),
        "user",
        user.id,
        before={"subject": deleted.subject, "deletedAt": _iso(deleted.deleted_at)},
        after={"subject": details.subject},
    )
    await welcome_back(uow.outbox, user, recovery_key=f"{user.id}:{details.subject}")
    return user


async def welcome_back(outbox: Outbox, user: User, *, recovery_key: str) -> None:
    """The notification and e-mail of a recovered account (deduped per recovery)."""
    await outbox.add(
        CreateNotification(
            user_id=user.id,
            title="Welcome back",
            message="Your account, profile and history have been restored.",
            action_url="/profile",
            action_label="Open profile",
            dedupe_key=f"welcome-back-notification:{recovery_key}",
        )
    )
    if user.email:
        await outbox.add(
            SendEmail(
                to=user.email,
                template="account-recovery",
                context={"name": user.greeted_as("there")},
                dedupe_key=f"account-recovery-email:{recovery_key}",
            )
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
