"""PhoneVerificationRepository on SQLAlchemy Core (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters.sqlalchemy.errors import duplicates_refused
from adapters.sqlalchemy.registry import REPOSITORIES, SqlRepository
from adapters.sqlalchemy.statements import for_update, insert_ignoring_conflict
from adapters.sqlalchemy.tables.free_credits import (
    free_credit_claims,
    phone_locks,
    phone_otps,
    phone_verification_attempts,
    phone_verifications,
)
from domain.free_credits.errors import FreeCreditsAlreadyClaimed, PhoneNumberTaken
from domain.free_credits.free_credit_claim import FreeCreditClaim
from domain.free_credits.otp import Channel
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import IssuedOtp, PhoneVerification, SendRecord
from domain.ids import new_id

_SEND_KINDS = {Channel.SMS: "send_sms", Channel.VOICE: "send_voice"}
_CHANNEL_OF_KIND = {kind: channel for channel, kind in _SEND_KINDS.items()}


@REPOSITORIES.register("phone_verifications")
class SqlPhoneVerificationRepository(SqlRepository):
    async def get(self, user_id: str) -> PhoneVerification:
        stmt = sa.select(phone_verifications).where(phone_verifications.c.user_id == user_id)
        return await self._load(user_id, (await self._conn.execute(stmt)).first())

    async def get_for_update(self, user_id: str) -> PhoneVerification:
        await insert_ignoring_conflict(self._conn, phone_verifications, {"user_id": user_id})
        stmt = sa.select(phone_verifications).where(phone_verifications.c.user_id == user_id)
        row = (await self._conn.execute(for_update(stmt, self._conn))).first()
        return await self._load(user_id, row)

    async def save(self, state: PhoneVerification) -> None:
        user_id = state.user_id
        await insert_ignoring_conflict(self._conn, phone_verifications, {"user_id": user_id})
        verified_phone = state.verified_phone.value if state.verified_phone else None
        try:
            await self._conn.execute(
                sa.update(phone_verifications)
                .where(phone_verifications.c.user_id == user_id)
                .values(verified_phone=verified_phone, verified_at=state.verified_at)
            )
        except IntegrityError as exc:  # the transaction is lost either way: the caller rolls back
            raise PhoneNumberTaken(
                "this phone number is already verified by another account"
            ) from exc
        # The state is small (≤ 2 codes, ≤ 19 attempts in their windows): rewrite it whole.
        await self._conn.execute(sa.delete(phone_otps).where(phone_otps.c.user_id == user_id))
        if state.otps:
            await self._conn.execute(
                sa.insert(phone_otps), [_otp_row(user_id, o) for o in state.otps]
            )
        attempts = phone_verification_attempts
        await self._conn.execute(sa.delete(attempts).where(attempts.c.user_id == user_id))
        rows = [_attempt(user_id, _SEND_KINDS[s.channel], s.at) for s in state.sends]
        rows += [_attempt(user_id, "verify", at) for at in state.verify_calls]
        rows += [_attempt(user_id, "claim", at) for at in state.claim_attempts]
        if rows:
            await self._conn.execute(sa.insert(attempts), rows)

    async def verified_owner(self, phone: PhoneNumber) -> str | None:
        stmt = sa.select(phone_verifications.c.user_id).where(
            phone_verifications.c.verified_phone == phone.value
        )
        owner = (await self._conn.execute(stmt)).scalar_one_or_none()
        return str(owner) if owner is not None else None

    async def lock_of(self, phone: PhoneNumber) -> PhoneLock | None:
        stmt = sa.select(phone_locks).where(phone_locks.c.phone == phone.value)
        row = (await self._conn.execute(stmt)).first()
        return PhoneLock(phone, row.user_id, row.expires_at) if row else None

    async def swap_lock(
        self, phone: PhoneNumber, *, expected: PhoneLock | None, new: PhoneLock | None
    ) -> bool:
        if expected is None:
            if new is None:
                return await self.lock_of(phone) is None
            # A concurrent first insert wins; ours then inserts nothing (PostgreSQL waits for the
            # other transaction to finish before deciding).
            return await insert_ignoring_conflict(
                self._conn,
                phone_locks,
                {"phone": phone.value, "user_id": new.user_id, "expires_at": new.expires_at},
            )
        matches = sa.and_(
            phone_locks.c.phone == phone.value,
            phone_locks.c.user_id == expected.user_id,
            phone_locks.c.expires_at == expected.expires_at,
        )
        if new is None:
            result = await self._conn.execute(sa.delete(phone_locks).where(matches))
        else:
            result = await self._conn.execute(
                sa.update(phone_locks)
                .where(matches)
                .values(user_id=new.user_id, expires_at=new.expires_at)
            )
        return bool(result.rowcount == 1)

    async def release_lock(self, phone: PhoneNumber, user_id: str) -> None:
        await self._conn.execute(
            sa.delete(phone_locks).where(
                phone_locks.c.phone == phone.value, phone_locks.c.user_id == user_id
            )
        )

    async def purge_stale(self, *, now: datetime, history_before: datetime) -> int:
        attempts = phone_verification_attempts
        removed = 0
        for stmt in (
            sa.delete(phone_locks).where(phone_locks.c.expires_at <= now),
            sa.delete(phone_otps).where(phone_otps.c.expires_at <= now),
            sa.delete(attempts).where(attempts.c.occurred_at < history_before),
        ):
            removed += (await self._conn.execute(stmt)).rowcount or 0
        return removed

    async def claim_of(self, user_id: str) -> FreeCreditClaim | None:
        stmt = sa.select(free_credit_claims).where(free_credit_claims.c.user_id == user_id)
        row = (await self._conn.execute(stmt)).first()
        if row is None:
            return None
        return FreeCreditClaim(row.user_id, row.transaction_id, row.amount, row.claimed_at)

    async def add_claim(self, claim: FreeCreditClaim) -> None:
        with duplicates_refused("ledger transaction already backs another claim"):
            inserted = await insert_ignoring_conflict(
                self._conn,
                free_credit_claims,
                {
                    "user_id": claim.user_id,
                    "transaction_id": claim.transaction_id,
                    "amount": claim.amount,
                    "claimed_at": claim.claimed_at,
                },
                keys=["user_id"],
            )
        if not inserted:
            raise FreeCreditsAlreadyClaimed("free credits have already been claimed")

    async def _load(self, user_id: str, row: Any) -> PhoneVerification:
        if row is None:
            return PhoneVerification(user_id=user_id)
        otp_rows = await self._conn.execute(
            sa.select(phone_otps).where(phone_otps.c.user_id == user_id)
        )
        attempts = phone_verification_attempts
        attempt_rows = (
            await self._conn.execute(
                sa.select(attempts.c.kind, attempts.c.occurred_at)
                .where(attempts.c.user_id == user_id)
                .order_by(attempts.c.occurred_at)
            )
        ).all()
        return PhoneVerification(
            user_id=user_id,
            verified_phone=PhoneNumber(row.verified_phone) if row.verified_phone else None,
            verified_at=row.verified_at,
            otps=tuple(
                IssuedOtp(
                    channel=Channel(o.channel),
                    phone=PhoneNumber(o.phone),
                    code_hash=o.code_hash,
                    issued_at=o.issued_at,
                    expires_at=o.expires_at,
                    wrong_attempts=o.wrong_attempts,
                )
                for o in otp_rows
            ),
            sends=tuple(
                SendRecord(_CHANNEL_OF_KIND[a.kind], a.occurred_at)
                for a in attempt_rows
                if a.kind in _CHANNEL_OF_KIND
            ),
            verify_calls=tuple(a.occurred_at for a in attempt_rows if a.kind == "verify"),
            claim_attempts=tuple(a.occurred_at for a in attempt_rows if a.kind == "claim"),
        )


def _otp_row(user_id: str, otp: IssuedOtp) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "channel": otp.channel.value,
        "phone": otp.phone.value,
        "code_hash": otp.code_hash,
        "issued_at": otp.issued_at,
        "expires_at": otp.expires_at,
        "wrong_attempts": otp.wrong_attempts,
    }


def _attempt(user_id: str, kind: str, at: Any) -> dict[str, Any]:
    return {"id": new_id(), "user_id": user_id, "kind": kind, "occurred_at": at}
