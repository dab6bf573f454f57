"""In-memory PhoneVerificationRepository over the shared MemoryState (rolled back with it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from adapters.memory.registry import REPOSITORIES
from adapters.memory.store import FreeCreditsState, MemoryState
from application.ports.storage_errors import DuplicateKey
from domain.free_credits.errors import FreeCreditsAlreadyClaimed, PhoneNumberTaken
from domain.free_credits.free_credit_claim import FreeCreditClaim
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import PhoneVerification


@REPOSITORIES.register("phone_verifications")
class MemoryPhoneVerificationRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    @property
    def _t(self) -> FreeCreditsState:
        # Looked up each time: a rollback swaps the parts of MemoryState.
        return self._state.free_credits

    async def get(self, user_id: str) -> PhoneVerification:
        return self._t.states.get(user_id) or PhoneVerification(user_id=user_id)

    async def get_for_update(self, user_id: str) -> PhoneVerification:
        return await self.get(user_id)  # the memory unit of work is already serialised

    async def save(self, state: PhoneVerification) -> None:
        if state.verified_phone is not None:
            owner = await self.verified_owner(state.verified_phone)
            if owner not in (None, state.user_id):
                raise PhoneNumberTaken("this phone number is already verified by another account")
        self._t.states[state.user_id] = state

    async def verified_owner(self, phone: PhoneNumber) -> str | None:
        for state in self._t.states.values():
            if state.verified_phone == phone:
                return state.user_id
        return None

    async def lock_of(self, phone: PhoneNumber) -> PhoneLock | None:
        return self._t.locks.get(phone.value)

    async def swap_lock(
        self, phone: PhoneNumber, *, expected: PhoneLock | None, new: PhoneLock | None
    ) -> bool:
        if self._t.locks.get(phone.value) != expected:
            return False
        if new is None:
            self._t.locks.pop(phone.value, None)
        else:
            self._t.locks[phone.value] = new
        return True

    async def release_lock(self, phone: PhoneNumber, user_id: str) -> None:
        lock = self._t.locks.get(phone.value)
        if lock is not None and lock.user_id == user_id:
            del self._t.locks[phone.value]

    async def purge_stale(self, *, now: datetime, history_before: datetime) -> int:
        removed = 0
        for phone, lock in list(self._t.locks.items()):
            if lock.expires_at <= now:
                del self._t.locks[phone]
                removed += 1
        for user_id, state in list(self._t.states.items()):
            kept = replace(
                state,
                otps=tuple(o for o in state.otps if o.expires_at > now),
                sends=tuple(s for s in state.sends if s.at >= history_before),
                verify_calls=tuple(t for t in state.verify_calls if t >= history_before),
                claim_attempts=tuple(t for t in state.claim_attempts if t >= history_before),
            )
            removed += _records(state) - _records(kept)
            self._t.states[user_id] = kept
        return removed

    async def claim_of(self, user_id: str) -> FreeCreditClaim | None:
        return self._t.claims.get(user_id)

    async def add_claim(self, claim: FreeCreditClaim) -> None:
        if claim.user_id in self._t.claims:
            raise FreeCreditsAlreadyClaimed("free credits have already been claimed")
        if any(c.transaction_id == claim.transaction_id for c in self._t.claims.values()):
            raise DuplicateKey("ledger transaction already backs another claim")
        self._t.claims[claim.user_id] = claim


def _records(state: PhoneVerification) -> int:
    return len(state.otps) + len(state.sends) + len(state.verify_calls) + len(state.claim_attempts)
