from pathlib import Path

import pytest

from adapters.sms.dev_outbox import DevOutboxSmsSender
from adapters.sms.twilio import TwilioSmsSender
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers.infrastructure import _sms_sender

PRODUCTION = {
    "env": "production",
    "auth_mode": "clerk",
    "clerk_jwks_url": "https://clerk.example/jwks",
    "email_provider": "resend",
    "resend_api_key": "re_x",
    "invite_seal_key": "k" * 43,
}
TWILIO = {
    "sms_provider": "twilio",
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_from": "+15005550006",
}


def test_production_refuses_the_dev_sms_outbox_and_a_missing_pepper() -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings(**PRODUCTION).check_production_safety()
    assert "SMS_PROVIDER=dev" in str(refused.value)
    assert "OTP_PEPPER" in str(refused.value)


def test_production_accepts_twilio_with_credentials_and_a_pepper() -> None:
    settings = Settings(**PRODUCTION, **TWILIO, otp_pepper="p" * 32)
    try:
        settings.check_production_safety()
    except ConfigurationError as refused:  # other contexts' requirements are not this test's
        assert not any(name in str(refused) for name in ("SMS_PROVIDER", "TWILIO", "OTP_PEPPER"))


def test_twilio_without_credentials_is_named() -> None:
    settings = Settings(env="test", sms_provider="twilio", twilio_account_sid="AC1")
    assert settings.sms_problems() == ["SMS_PROVIDER=twilio needs TWILIO_AUTH_TOKEN, TWILIO_FROM"]
    with pytest.raises(ConfigurationError):
        _sms_sender(settings)


def test_the_provider_is_chosen_by_sms_provider(tmp_path: Path) -> None:
    assert isinstance(_sms_sender(Settings(env="test", var_dir=tmp_path)), DevOutboxSmsSender)
    assert isinstance(_sms_sender(Settings(env="test", **TWILIO)), TwilioSmsSender)


def test_the_dev_pepper_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(env="test", var_dir=tmp_path).resolved_otp_pepper()
    assert len(first) >= 32
    assert Settings(env="test", var_dir=tmp_path).resolved_otp_pepper() == first
    assert Settings(env="test", otp_pepper="q" * 40).resolved_otp_pepper() == b"q" * 40
