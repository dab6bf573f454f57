"""Creating a platform user, the same way for the first request and the identity webhook."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from application.identity.recovery import recover_deleted_user
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.identity import DirectoryUser
from application.ports.outbox_commands import CreateNotification, SendEmail
from domain.identity.user import User
from domain.ids import new_id
from domain.profiles.profile import Profile
from domain.settings.user_settings import DEFAULTS


async def provision_user(
    uow: IdentityUnitOfWork,
    details: DirectoryUser,
    *,
    now: datetime,
    provider_updated_at: datetime | None = None,
) -> User | None:
    """Add the user with profile, default settings and the welcome side effects.

    Returns None when the subject already exists (someone else provisioned it first); the
    caller then re-reads. Welcome messages go through the outbox, never inline. An account
    deleted within the recovery window with the same e-mail is restored instead (recovery.py).
    ``provider_updated_at``: the time of the provider event that creates it (None from a token).
    """
    recovered = await recover_deleted_user(
        uow, details, now=now, provider_updated_at=provider_updated_at
    )
    if recovered is not None:
        return recovered
    user = User(
        id=new_id(),
        **asdict(details),
        created_at=now,
        updated_at=now,
        provider_updated_at=provider_updated_at,
    )
    if not await uow.users.add(user):
        return None
    await uow.profiles.add(Profile.new(user.id, details.first_name, details.last_name, now))
    await uow.settings.put(user.id, dict(DEFAULTS), now)
    await uow.outbox.add(
        CreateNotification(
            user_id=user.id,
            title="Welcome to FairArena",
            message="Your account is ready. Complete your profile to get started.",
            action_url="/profile",
            action_label="Complete profile",
            dedupe_key=f"welcome-notification:{user.id}",
        )
    )
    greeting = welcome_email(user)
    if greeting is not None:
        await uow.outbox.add(greeting)
    return user


def welcome_email(user: User) -> SendEmail | None:
    if not user.email:
        return None
    return SendEmail(
        to=user.email,
        template="welcome",
        context={"name": user.greeted_as("there")},
        dedupe_key=f"welcome-email:{user.id}",
    )
