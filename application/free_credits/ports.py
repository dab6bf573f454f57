"""Ports of the phone-verification context."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from application.credits.unit_of_work import LedgerUnitOfWork
from domain.free_credits.free_credit_claim import FreeCreditClaim
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import PhoneVerification

if TYPE_CHECKING:
    pass


class PhoneVerificationRepository(Protocol):
    """Per-user verification state, the cross-user number locks and the free-credit claims."""

    async def get(self, user_id: str) -> PhoneVerification:
        """The user's state (an empty one if the user never started), without locking."""
        ...

    async def get_for_update(self, user_id: str) -> PhoneVerification:
        """Like ``get``, and serialises the user's concurrent transactions until this one ends."""
        ...

    async def save(self, state: PhoneVerification) -> None:
        """Persists the state; raises ``PhoneNumberTaken`` if its verified number is another's."""
        ...

    async def verified_owner(self, phone: PhoneNumber) -> str | None:
        """The user whose verified number this is, if any."""
        ...

    async def lock_of(self, phone: PhoneNumber) -> PhoneLock | None: ...

    async def swap_lock(
        self, phone: PhoneNumber, *, expected: PhoneLock | None, new: PhoneLock | None
    ) -> bool:
        """Compare-and-set of the number's lock (``None`` = no row); False if ``expected`` is no
        longer what is stored, e.g. another user's transaction took the lock first."""
        ...

    async def release_lock(self, phone: PhoneNumber, user_id: str) -> None:
        """Deletes the number's lock if ``user_id`` holds it."""
        ...

    async def purge_stale(self, *, now: datetime, history_before: datetime) -> int:
        """Deletes expired locks and codes, and attempt history older than ``history_before``
        (no rule looks further back); returns the rows removed."""
        ...

    async def claim_of(self, user_id: str) -> FreeCreditClaim | None: ...

    async def add_claim(self, claim: FreeCreditClaim) -> None:
        """Raises ``FreeCreditsAlreadyClaimed`` if the user already has one, ``DuplicateKey`` if
        its ledger transaction already backs another user's claim."""
        ...


class GrantedEntry(Protocol):
    @property
    def transaction_id(self) -> str: ...

    @property
    def balance_after(self) -> int: ...


class InitialAllocationLedger(Protocol):
    """The part of ``CreditsLedger`` (application/credits/ledger_service.py) a claim needs."""

    async def grant_initial_allocation(
        self, uow: LedgerUnitOfWork, *, user_id: str, amount: int, description: str
    ) -> GrantedEntry:
        """Posts INITIAL_ALLOCATION inside ``uow``; raises ALREADY_CLAIMED if one exists."""
        ...
