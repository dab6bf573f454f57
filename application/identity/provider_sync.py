"""Keeping platform users in step with the identity provider's webhooks (Clerk via Svix).

Two steps, so the HTTP answer is fast and nothing is lost on a crash:

1. ``ReceiveProviderWebhook`` (HTTP, after the signature check): store the raw delivery in the
   inbox, unique on the sender's delivery id, and queue ``ApplyIdentityWebhook`` through the
   outbox in the same transaction. A replayed delivery id stores nothing and queues nothing.
2. ``ApplyProviderWebhook`` (job): parse the stored body into a command and apply it, marking the
   inbox row processed in the same transaction, so a redelivered job has no second effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from application.account.lifecycle import delete_account
from application.audit.writer import AuditScope, AuditWriter
from application.identity.provider_events import (
    SoftDeleteProviderUser,
    UpsertProviderUser,
    UserSyncCommand,
)
from application.identity.provisioning import provision_user
from application.identity.resolve_principal import principal_cache_key
from application.identity.unit_of_work import IdentityUnitOfWork
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.inbox import ReceivedWebhook
from application.ports.outbox_commands import ApplyIdentityWebhook, MalformedCommand
from application.ports.unit_of_work import UnitOfWorkFactory
from application.versioned_cache import VersionedCache
from application.webhook_intake import ReceiveWebhook
from domain.identity.user import User, tombstone
from domain.ids import new_id

log = logging.getLogger(__name__)


# Reads a stored webhook body; None for events that are not about users; ValueError if malformed.
ParseUserEvent = Callable[[str], UserSyncCommand | None]


class ReceiveProviderWebhook(ReceiveWebhook):
    """Store a verified Clerk delivery and queue ``ApplyIdentityWebhook``; ``False`` for a
    replayed svix-id."""

    source = "clerk"
    command = ApplyIdentityWebhook


class ApplyProviderWebhook:
    """Job handler for ``ApplyIdentityWebhook``: apply one stored delivery exactly once."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        cache: Cache,
        clock: Clock,
        parse: ParseUserEvent,
    ) -> None:
        self._uow = uow
        self._cache = VersionedCache(cache)
        self._clock = clock
        self._parse = parse

    async def __call__(self, message_id: str, payload: Mapping[str, Any]) -> None:
        try:
            command = ApplyIdentityWebhook.from_payload(payload)
        except MalformedCommand:
            log.warning("identity.webhook.bad_message", extra={"message_id": message_id})
            return
        await self.handle(command)

    async def handle(self, job: ApplyIdentityWebhook) -> None:
        webhook_id = job.webhook_id
        now = self._clock.now()
        changed_subject: str | None = None
        async with self._uow() as uow:
            webhook = await uow.inbox.get(webhook_id)
            if webhook is None or webhook.processed_at is not None:
                return
            command = self._command(webhook)
            if isinstance(command, UpsertProviderUser):
                changed_subject = await _upsert(uow, command, now)
            elif isinstance(command, SoftDeleteProviderUser):
                changed_subject = await _soft_delete(uow, command, now)
            await uow.inbox.mark_processed(webhook.id, now)
            await uow.commit()
        if changed_subject is not None:
            await self._cache.invalidate(principal_cache_key(changed_subject))

    def _command(self, webhook: ReceivedWebhook) -> UserSyncCommand | None:
        try:
            return self._parse(webhook.body)
        except ValueError as exc:
            # Retrying cannot fix a malformed event: record it as processed and move on.
            log.warning(
                "identity.webhook.malformed",
                extra={
                    "webhook_id": webhook.id,
                    "event_type": webhook.event_type,
                    "error": str(exc),
                },
            )
            return None


async def _conflicting_row(uow: IdentityUnitOfWork, subject: str) -> User:
    """The user row whose concurrent insert made ours conflict, locked."""
    user = await uow.users.get_by_subject(subject, for_update=True)
    if user is None:
        raise RuntimeError("user vanished right after a conflicting insert")
    return user


async def _upsert(
    uow: IdentityUnitOfWork, command: UpsertProviderUser, now: datetime
) -> str | None:
    details = command.user
    existing = await uow.users.get_by_subject(details.subject, for_update=True)
    if existing is None:
        created = await provision_user(
            uow, details, now=now, provider_updated_at=command.occurred_at
        )
        if created is not None:
            return details.subject
        # A first API request provisioned the user concurrently; update that row instead.
        existing = await _conflicting_row(uow, details.subject)
    if existing.is_deleted:
        # The provider never reuses a deleted user's id: a late create or update (even one that
        # arrives after a delete that came first, see the tombstone) must not revive it.
        return None
    if not existing.is_newer_provider_event(command.occurred_at):
        log.info(
            "identity.webhook.stale",
            extra={"subject": details.subject, "occurred_at": str(command.occurred_at)},
        )
        return None
    updated = _with_provider_details(existing, command, now)
    if updated == existing:
        return None
    await uow.users.save(updated)
    return details.subject


def _with_provider_details(user: User, command: UpsertProviderUser, now: datetime) -> User:
    details = command.user
    refreshed = replace(
        user,
        # An event without a primary address keeps the one we have (original bug #14 threw here).
        email=details.email or user.email,
        first_name=details.first_name,
        last_name=details.last_name,
        image_url=details.image_url,
        username=details.username,
    )
    if refreshed != user:
        refreshed = replace(refreshed, updated_at=now)
    return refreshed.synced_at(command.occurred_at)


async def _soft_delete(
    uow: IdentityUnitOfWork, command: SoftDeleteProviderUser, now: datetime
) -> str | None:
    user = await uow.users.get_by_subject(command.subject, for_update=True)
    if user is None:
        # The delete overtook the create: keep a tombstone, so the create (or an update, or the
        # user's first API request with a token issued before the delete) finds a deleted user.
        grave = tombstone(
            user_id=new_id(), subject=command.subject, now=now, occurred_at=command.occurred_at
        )
        if await uow.users.add(grave):
            await _audit_deletion(
                AuditWriter(uow.audit, actor_id=None, now=now), grave, tombstone=True
            )
            return command.subject
        user = await _conflicting_row(uow, command.subject)
    if user.is_deleted:
        return None
    # The same path as the user's own DELETE /account-settings/account (the provider's doing).
    await delete_account(
        uow,
        user.synced_at(command.occurred_at),
        now=now,
        source="identity-provider",
        actor_id=None,
    )
    return command.subject


async def _audit_deletion(audit: AuditWriter, user: User, *, tombstone: bool) -> None:
    after: dict[str, Any] = {"deletedAt": audit.now.isoformat(), "source": "identity-provider"}
    if tombstone:
        after["tombstone"] = True  # deleted before it was ever created here
    await audit.write("user.deleted", AuditScope.user(user.id), "user", user.id, after=after)
