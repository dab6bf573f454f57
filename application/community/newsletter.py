"""The newsletter: double opt-in with signed links, no enumeration.

Subscribe and unsubscribe-by-address answer the same whatever the address's state; only the
mailbox's owner can act, through the signed link mailed to it (confirm, or unsubscribe — the
original let anyone unsubscribe anyone, bug #28). Every newsletter e-mail carries
``List-Unsubscribe`` with the one-click link.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.community.links import (
    NEWSLETTER_CONFIRM,
    NEWSLETTER_UNSUBSCRIBE,
    CommunityLinks,
    unsubscribable_email,
)
from application.community.ports import DisposableDomains
from application.community.unit_of_work import NewsletterUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.community.errors import DisposableEmail, ExpiredLink, InvalidLink
from domain.community.newsletter import Subscriber, SubscriberStatus, normalise_email
from domain.email_domains import is_disposable


def refuse_disposable(email: str, disposable: DisposableDomains) -> None:
    if is_disposable(email, disposable):
        raise DisposableEmail()


@dataclass(frozen=True, eq=False)
class SubscribeNewsletter:
    uow: UnitOfWorkFactory[NewsletterUnitOfWork]
    clock: Clock
    links: CommunityLinks
    disposable: DisposableDomains

    async def __call__(self, email: str) -> None:
        refuse_disposable(email, self.disposable)
        now = self.clock.now()
        address = normalise_email(email)
        async with self.uow() as uow:
            current = await uow.newsletter.get(address, for_update=True)
            if current is None:
                subscriber, send = Subscriber.new(address, now).requested(now)
                if not await uow.newsletter.add(subscriber):
                    return  # a concurrent request for the same address stored it and mails
            else:
                subscriber, send = current.requested(now)
                if subscriber != current:
                    await uow.newsletter.save(subscriber)
            if send:
                unsubscribe = self.links.newsletter_unsubscribe(address, now)
                await uow.outbox.add(
                    unsubscribable_email(
                        address,
                        "newsletter-confirm",
                        unsubscribe,
                        {"confirm_url": self.links.newsletter_confirm(address, now)},
                    )
                )
            await uow.commit()


@dataclass(frozen=True, eq=False)
class ConfirmNewsletter:
    uow: UnitOfWorkFactory[NewsletterUnitOfWork]
    clock: Clock
    links: CommunityLinks

    async def __call__(self, token: str) -> SubscriberStatus:
        now = self.clock.now()
        claims = self.links.verify(NEWSLETTER_CONFIRM, token, now)
        async with self.uow() as uow:
            current = await uow.newsletter.get(claims.subject, for_update=True)
            if current is None:
                return SubscriberStatus.UNSUBSCRIBED
            confirmed = current.confirmed(claims.issued_at, now)
            if confirmed != current:
                await uow.newsletter.save(confirmed)
                await uow.commit()
        return confirmed.status


@dataclass(frozen=True, eq=False)
class UnsubscribeNewsletter:
    """By signed link (one click: unsubscribes at once) or by address (mails that link)."""

    uow: UnitOfWorkFactory[NewsletterUnitOfWork]
    clock: Clock
    links: CommunityLinks

    async def by_token(self, token: str) -> None:
        """API.md: always 200 — a link that is not ours (or too old) changes nothing and says
        nothing about any address."""
        now = self.clock.now()
        try:
            address = self.links.verify(NEWSLETTER_UNSUBSCRIBE, token, now).subject
        except (InvalidLink, ExpiredLink):
            return
        async with self.uow() as uow:
            current = await uow.newsletter.get(address, for_update=True)
            if current is not None and current.status is not SubscriberStatus.UNSUBSCRIBED:
                await uow.newsletter.save(current.unsubscribed(now))
                await uow.commit()

    async def by_address(self, email: str) -> None:
        now = self.clock.now()
        address = normalise_email(email)
        async with self.uow() as uow:
            current = await uow.newsletter.get(address)
            if current is None or current.status is SubscriberStatus.UNSUBSCRIBED:
                return
            unsubscribe = self.links.newsletter_unsubscribe(address, now)
            await uow.outbox.add(
                unsubscribable_email(
                    address,
                    "newsletter-unsubscribe",
                    unsubscribe,
                    # At most one such e-mail per address and hour, however often it is asked.
                    dedupe_key=f"community.newsletter-unsubscribe:{address}:"
                    f"{now.strftime('%Y-%m-%dT%H')}",
                )
            )
            await uow.commit()
