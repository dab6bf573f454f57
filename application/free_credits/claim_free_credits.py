"""Claim the one-time welcome credits."""

from __future__ import annotations

from dataclasses import dataclass

from application.account.activity import activity_writer
from application.free_credits.eligibility import eligibility_in
from application.free_credits.notifications import free_credits_claimed, free_credits_email
from application.free_credits.ports import InitialAllocationLedger
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.account.activity import Action
from domain.errors import DomainError
from domain.free_credits.free_credit_claim import FREE_CREDITS_DESCRIPTION, FreeCreditClaim
from domain.free_credits.policy import DEFAULT_POLICY, VerificationPolicy
from domain.request_context import NO_REQUEST, RequestContext

DEFAULT_FREE_CREDITS = 200


@dataclass(frozen=True)
class FreeCreditsClaimed:
    credits_added: int
    balance: int
    transaction_id: str


class ClaimFreeCredits:
    """Grants FREE_CREDITS_AMOUNT as INITIAL_ALLOCATION, once per user, to verified phones only.

    The user's verification row is locked for the whole transaction, so concurrent claims are
    serialised: the first posts the entry and the claim record, the others see the record and get
    ALREADY_CLAIMED. The ledger's own uniqueness (one INITIAL_ALLOCATION per user) backs this up.
    Each attempt counts toward the 3-per-24-hours limit, refused ones included.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory[FreeCreditsUnitOfWork],
        ledger: InitialAllocationLedger,
        clock: Clock,
        amount: int = DEFAULT_FREE_CREDITS,
        policy: VerificationPolicy = DEFAULT_POLICY,
    ) -> None:
        if amount <= 0:
            raise ValueError("FREE_CREDITS_AMOUNT must be positive")
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._amount = amount
        self._policy = policy

    async def __call__(
        self, *, user_id: str, context: RequestContext = NO_REQUEST
    ) -> FreeCreditsClaimed:
        now = self._clock.now()
        async with self._uow() as uow:
            repo = uow.phone_verifications
            state = (await repo.get_for_update(user_id)).with_claim_attempt(now, self._policy)
            await repo.save(state)
            eligibility = await eligibility_in(uow, state, self._clock, self._policy)
            try:
                eligibility.require_claimable()
            except DomainError:
                await uow.commit()  # the refused attempt still counts
                raise
            entry = await self._ledger.grant_initial_allocation(
                uow, user_id=user_id, amount=self._amount, description=FREE_CREDITS_DESCRIPTION
            )
            await repo.add_claim(FreeCreditClaim(user_id, entry.transaction_id, self._amount, now))
            await activity_writer(uow, user_id, now, context).record(
                Action.FREE_CREDITS_CLAIMED,
                credits=self._amount,
                transactionId=entry.transaction_id,
            )
            await uow.outbox.add(
                free_credits_claimed(
                    user_id,
                    credits=self._amount,
                    balance=entry.balance_after,
                    transaction_id=entry.transaction_id,
                )
            )
            user = await uow.users.get(user_id)
            email = user and free_credits_email(
                user, credits=self._amount, balance=entry.balance_after
            )
            if email:
                await uow.outbox.add(email)
            await uow.commit()
        return FreeCreditsClaimed(self._amount, entry.balance_after, entry.transaction_id)
