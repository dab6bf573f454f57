"""Admin grant (POST /admin/credits/grant, ``fairarena credits grant``): BONUS or ADJUSTMENT."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit.writer import AuditScope, AuditWriter
from application.credits.ledger_service import GRANT_TYPES, CreditsLedger
from application.credits.unit_of_work import CreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.transient import retry_transient
from domain.credits.accounts import user_wallet
from domain.credits.entry_types import EntryType
from domain.credits.idempotency import caller_key
from domain.credits.wallets import Balance
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.identity.user import User
from domain.ids import new_id
from domain.request_context import RequestContext


@dataclass(frozen=True)
class GrantResult:
    user_id: str
    transaction_id: str
    amount: int
    balance: int


@dataclass(frozen=True, eq=False)
class AdminGrant:
    """Credit (or, with a negative ADJUSTMENT, debit) a user's wallet on an operator's word.

    ``user_ref`` is the platform user id or the identity provider's subject. ``key`` makes the
    grant idempotent (the HTTP route passes the caller-scoped Idempotency-Key; the CLI a new id).
    """

    uow: UnitOfWorkFactory[CreditsUnitOfWork]
    ledger: CreditsLedger
    clock: Clock

    async def __call__(
        self,
        *,
        actor_id: str | None,
        user_ref: str,
        amount: int,
        type_: EntryType,
        reason: str,
        key: str | None = None,
        context: RequestContext | None = None,
    ) -> GrantResult:
        if type_ not in GRANT_TYPES:
            raise ValidationFailed(
                "type must be BONUS or ADJUSTMENT",
                details=[{"field": "type", "message": "must be BONUS or ADJUSTMENT"}],
            )
        if not reason.strip():
            raise ValidationFailed(
                "reason required", details=[{"field": "reason", "message": "required"}]
            )
        ledger_key = caller_key("grant", actor_id or "system", key or new_id())

        async def attempt() -> GrantResult:
            async with self.uow() as uow:
                user = await find_user(uow, user_ref)
                replay = await uow.ledger.outcome(ledger_key) is not None
                entry = await self.ledger.grant(
                    uow,
                    user_id=user.id,
                    amount=amount,
                    type_=type_,
                    key=ledger_key,
                    reason=reason,
                    metadata={"grantedBy": actor_id},
                )
                if not replay:  # a replayed grant was audited the first time
                    audit = AuditWriter(
                        uow.audit, actor_id=actor_id, now=self.clock.now(), context=context
                    )
                    await audit.write(
                        "credits.granted",
                        AuditScope.platform("credits"),
                        "user",
                        user.id,
                        after={
                            "type": type_.value,
                            "amount": amount,
                            "reason": reason,
                            "transactionId": entry.transaction_id,
                        },
                    )
                await uow.commit()
                return GrantResult(user.id, entry.transaction_id, entry.amount, entry.balance_after)

        return await retry_transient(attempt)


@dataclass(frozen=True, eq=False)
class UserBalance:
    """An operator's view of any user's wallet (``fairarena credits balance``): the user named
    by platform id, identity-provider subject or e-mail (the one an operator is usually given)."""

    uow: UnitOfWorkFactory[CreditsUnitOfWork]

    async def __call__(self, user_ref: str) -> tuple[str, Balance]:
        async with self.uow() as uow:
            user = await _user_by_email(uow, user_ref) if "@" in user_ref else None
            user = user or await find_user(uow, user_ref)
            return user.id, await uow.ledger.balance(user_wallet(user.id))


async def _user_by_email(uow: CreditsUnitOfWork, email: str) -> User | None:
    """The one live user with this e-mail; several (different sign-ins) must be told apart."""
    found = await uow.users.live_by_email(email)
    if len(found) > 1:
        ids = ", ".join(u.id for u in found)
        raise Conflict(f"{len(found)} users have this e-mail; name one by id: {ids}")
    return found[0] if found else None


async def find_user(uow: CreditsUnitOfWork, user_ref: str) -> User:
    """A live user by platform id or identity-provider subject, else NotFound."""
    user = await uow.users.get(user_ref) or await uow.users.get_by_subject(user_ref)
    if user is None or user.is_deleted:
        raise NotFound("User not found")
    return user
