"""Deleting and recovering an account.

``delete_account`` is the one deletion path: ``DELETE /account-settings/account`` and the identity
provider's ``user.deleted`` (``application/identity/provider_sync.py``) both call it inside their
own transaction. The user row is soft-deleted (90 days to recover, ADR 0102), its pending
invitations lapse, the audit trail and the activity log record it, and the owner is told how long
recovery stays open.
"""

from __future__ import annotations

from datetime import datetime

from application.account.activity import activity_writer
from application.account.guard import StepUpGuard
from application.account.owner_mail import mail_owner
from application.account.unit_of_work import AccountUnitOfWork, DeletionUnitOfWork
from application.audit.writer import AuditScope, AuditWriter
from application.identity.principal import Principal
from application.identity.recovery import welcome_back
from application.identity.resolve_principal import principal_cache_key
from application.invitations.inviter_authority import revoke_lapsed_invitations
from application.ports.cache import Cache
from application.ports.clock import Clock
from application.ports.identity import TokenVerifier
from application.ports.unit_of_work import UnitOfWorkFactory
from application.versioned_cache import VersionedCache
from domain.account.activity import Action
from domain.account.errors import AccountNotDeleted, NotRecoverable, SoleOwner
from domain.account.lifecycle import recover_by
from domain.identity.user import AccountDeleted, User
from domain.request_context import NO_REQUEST, RequestContext


async def delete_account(
    uow: DeletionUnitOfWork,
    user: User,
    *,
    now: datetime,
    source: str,
    actor_id: str | None,
    context: RequestContext = NO_REQUEST,
) -> User:
    """Soft-delete ``user`` (already locked for update) in ``uow``'s transaction."""
    deleted = user.soft_delete(now)
    await uow.users.save(deleted)
    audit = AuditWriter(uow.audit, actor_id=actor_id, now=now, context=context)
    await audit.write(
        "user.deleted",
        AuditScope.user(user.id),
        "user",
        user.id,
        after={"deletedAt": now.isoformat(), "source": source},
    )
    # Nobody is left to vouch for their pending invitations (ADR 0041).
    await revoke_lapsed_invitations(uow, audit, cause="user.deleted", invited_by=user.id)
    deadline = recover_by(now)
    await activity_writer(uow, user.id, now, context).record(
        Action.ACCOUNT_DELETED, source=source, recoverBy=deadline.isoformat()
    )
    await mail_owner(
        uow.outbox,
        user,
        "account-deleted",
        dedupe_key=f"account-deleted:{user.id}:{now.isoformat()}",
        recover_by=deadline.strftime("%Y-%m-%d"),
    )
    return deleted


class DeleteAccount:
    """``DELETE /account-settings/account``: after step-up; refused while the user is the only
    Owner of an organization (ADR 0102)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[AccountUnitOfWork],
        guard: StepUpGuard,
        cache: Cache,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._guard = guard
        self._cache = VersionedCache(cache)
        self._clock = clock

    async def __call__(
        self, principal: Principal, verification: str | None, context: RequestContext
    ) -> datetime:
        self._guard.require(principal.user_id, verification)
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get_by_subject(principal.subject, for_update=True)
            if user is None or user.is_deleted:
                raise AccountDeleted.since(user.deleted_at if user else None, now)
            owned = await uow.account_records.sole_owned_organizations(user.id)
            if owned:
                names = ", ".join(o.name for o in owned)
                raise SoleOwner(
                    f"You are the only Owner of {names}: make another member Owner (or delete "
                    "the organization) before deleting your account",
                    details={
                        "organizations": [
                            {"id": o.id, "slug": o.slug, "name": o.name} for o in owned
                        ]
                    },
                )
            await delete_account(
                uow, user, now=now, source="user", actor_id=user.id, context=context
            )
            await uow.commit()
        await self._cache.invalidate(principal_cache_key(principal.subject))
        return recover_by(now)


class RecoverAccount:
    """``POST /account-settings/recover``: the same identity, within 90 days of the deletion.

    The route is public as far as the principal goes (a deleted user has none): the session token
    is verified here and names the account by its subject.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory[AccountUnitOfWork],
        verifier: TokenVerifier,
        cache: Cache,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._verifier = verifier
        self._cache = VersionedCache(cache)
        self._clock = clock

    async def __call__(self, session_token: str, context: RequestContext) -> User:
        token = await self._verifier.verify(session_token)
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get_by_subject(token.subject, for_update=True)
            if user is None or not user.is_deleted:
                raise AccountNotDeleted("This account is not deleted")
            if not user.can_be_recovered(now):
                raise NotRecoverable(
                    "This account was deleted more than 90 days ago and cannot be recovered"
                )
            restored = user.restore(now)
            await uow.users.save(restored)
            audit = AuditWriter(uow.audit, actor_id=user.id, now=now, context=context)
            await audit.write(
                "user.recovered",
                AuditScope.user(user.id),
                "user",
                user.id,
                before={"deletedAt": user.deleted_at.isoformat() if user.deleted_at else None},
                after={"source": "user"},
            )
            await activity_writer(uow, user.id, now, context).record(Action.ACCOUNT_RECOVERED)
            await welcome_back(uow.outbox, restored, recovery_key=f"{user.id}:{now.isoformat()}")
            await uow.commit()
        await self._cache.invalidate(principal_cache_key(token.subject))
        return restored
