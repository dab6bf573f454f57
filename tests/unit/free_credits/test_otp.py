import re

import pytest

from domain.free_credits.otp import Channel, OtpHasher, generate_otp, is_well_formed
from domain.free_credits.phone_number import PhoneNumber

PEPPER = b"p" * 32
PHONE = PhoneNumber("+919876543210")


def test_codes_are_six_ascii_digits_and_vary() -> None:
    codes = {generate_otp() for _ in range(200)}
    assert all(re.fullmatch(r"[0-9]{6}", c) for c in codes)
    assert len(codes) > 190  # 200 draws from 10^6 rarely collide


def test_well_formed_is_exactly_six_digits() -> None:
    assert is_well_formed("012345")
    assert not is_well_formed("12345")
    assert not is_well_formed("1234567")
    assert not is_well_formed("12345a")
    assert not is_well_formed("١٢٣٤٥٦")


def test_digest_is_keyed_and_not_the_bare_hash() -> None:
    import hashlib

    hasher = OtpHasher(PEPPER)
    digest = hasher.digest("123456", user_id="u1", channel=Channel.SMS, phone=PHONE)
    assert "123456" not in digest
    assert digest != hashlib.sha256(b"123456").hexdigest()
    other_pepper = OtpHasher(b"q" * 32)
    assert digest != other_pepper.digest("123456", user_id="u1", channel=Channel.SMS, phone=PHONE)


def test_digest_is_bound_to_user_channel_and_number() -> None:
    hasher = OtpHasher(PEPPER)
    base = hasher.digest("123456", user_id="u1", channel=Channel.SMS, phone=PHONE)
    assert base != hasher.digest("123456", user_id="u2", channel=Channel.SMS, phone=PHONE)
    assert base != hasher.digest("123456", user_id="u1", channel=Channel.VOICE, phone=PHONE)
    other = PhoneNumber("+919876543211")
    assert base != hasher.digest("123456", user_id="u1", channel=Channel.SMS, phone=other)


def test_matches_accepts_only_the_right_code() -> None:
    hasher = OtpHasher(PEPPER)
    stored = hasher.digest("654321", user_id="u1", channel=Channel.SMS, phone=PHONE)
    ctx = {"user_id": "u1", "channel": Channel.SMS, "phone": PHONE}
    assert hasher.matches("654321", stored, **ctx)  # type: ignore[arg-type]
    assert not hasher.matches("654320", stored, **ctx)  # type: ignore[arg-type]


def test_short_pepper_is_refused() -> None:
    with pytest.raises(ValueError):
        OtpHasher(b"short")
