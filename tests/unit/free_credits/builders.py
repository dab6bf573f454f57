"""Small builders shared by the phone-verification unit tests."""

from datetime import UTC, datetime

from domain.free_credits.code_issuance import CodeIssued, issue_code
from domain.free_credits.otp import Channel, OtpHasher
from domain.free_credits.phone_lock import PhoneLock
from domain.free_credits.phone_number import PhoneNumber
from domain.free_credits.verification import PhoneVerification

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HASHER = OtpHasher(b"unit-test-pepper-unit-test-pepper!")
PHONE = PhoneNumber("+919876543210")
OTHER_PHONE = PhoneNumber("+14155550123")


def send(
    state: PhoneVerification,
    code: str,
    now: datetime,
    *,
    channel: Channel = Channel.SMS,
    phone: PhoneNumber = PHONE,
    lock: PhoneLock | None = None,
    owner: str | None = None,
) -> CodeIssued:
    code_hash = HASHER.digest(code, user_id=state.user_id, channel=channel, phone=phone)
    return issue_code(
        state,
        lock,
        channel=channel,
        phone=phone,
        code_hash=code_hash,
        verified_owner_id=owner,
        now=now,
    )
