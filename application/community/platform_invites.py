"""Invite someone to the platform by e-mail: 3 per hour per inviter, then a 30-minute lockout.

The e-mail names the inviter and links to the newsletter page: it offers a subscription, it
never subscribes anyone (the original subscribed invitees silently, bug #28).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.community.links import CommunityLinks
from application.community.newsletter import refuse_disposable
from application.community.ports import DisposableDomains
from application.community.unit_of_work import PlatformInviteUnitOfWork
from application.identity.principal import Principal
from application.ports.attempts import Throttle
from application.ports.outbox_commands import SendEmail
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.errors import TooManyAttempts
from domain.community.newsletter import normalise_email
from domain.errors import NotFound


@dataclass(frozen=True, eq=False)
class InviteToPlatform:
    uow: UnitOfWorkFactory[PlatformInviteUnitOfWork]
    limiter: Throttle
    links: CommunityLinks
    disposable: DisposableDomains

    async def __call__(self, inviter: Principal, email: str) -> None:
        refuse_disposable(email, self.disposable)
        retry_after = await self.limiter.attempt(inviter.user_id)
        if retry_after is not None:
            raise TooManyAttempts(
                "Too many invite attempts. Please try again in 30 minutes.",
                retry_after=retry_after,
            )
        async with self.uow() as uow:
            user = await uow.users.get(inviter.user_id)
            if user is None:
                raise NotFound("User not found")
            name = user.display_name or inviter.name or user.email or "A FairArena user"
            await uow.outbox.add(
                SendEmail(
                    to=normalise_email(email),
                    template="platform-invite",
                    context={
                        "inviter_name": name,
                        "signup_url": self.links.signup_page(),
                        "newsletter_url": self.links.newsletter_page(),
                    },
                )
            )
            await uow.commit()
