"""Production refuses placeholders left from .env.example and malformed keys, naming the
variable (and never echoing the value, which may be a real secret)."""

from __future__ import annotations

import base64
import secrets
from typing import Any

import pytest

from entrypoints.config import ConfigurationError, Settings
from entrypoints.config_values import is_placeholder

SEAL_KEY = base64.urlsafe_b64encode(b"s" * 32).decode()
PRODUCTION: dict[str, Any] = {
    "env": "production",
    "database_url": "postgresql://fairarena:pg-secret-1@db:5432/fairarena",
    "auth_mode": "clerk",
    "clerk_jwks_url": "https://clerk.fairarena.test/.well-known/jwks.json",
    "clerk_issuer": "https://clerk.fairarena.test",
    "email_provider": "resend",
    "resend_api_key": "re_123abc",
    "email_from": "FairArena <no-reply@fairarena.test>",
    "sms_provider": "twilio",
    "twilio_account_sid": "AC" + "0a" * 16,
    "twilio_auth_token": "f" * 32,
    "twilio_from": "+15005550006",
    "otp_pepper": "pepper-" + "9" * 32,
    "invite_seal_key": SEAL_KEY,
    "link_signing_key": "links-" + "7" * 32,
    "public_api_url": "https://api.fairarena.test",
    "cors_origins": "https://app.fairarena.test",
    "frontend_url": "https://app.fairarena.test",
}


def refusal(**changes: Any) -> str:
    with pytest.raises(ConfigurationError) as refused:
        Settings(**(PRODUCTION | changes)).check_production_safety()
    return str(refused.value)


def test_the_baseline_is_accepted() -> None:
    Settings(**PRODUCTION).check_production_safety()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("otp_pepper", "change-me-otp-pepper-at-least-32-bytes-long"),
        ("otp_pepper", "CHANGEME-CHANGEME-CHANGEME-CHANGEME"),
        ("otp_pepper", "please_change_me_before_going_live_ok"),
        ("twilio_auth_token", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("resend_api_key", "re_xxx"),
        ("twilio_account_sid", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("twilio_auth_token", "<your twilio token>"),
        ("twilio_auth_token", "your-auth-token-here"),
        ("clerk_jwks_url", "https://change-me.clerk.accounts.dev/.well-known/jwks.json"),
        ("clerk_issuer", "https://your-instance.example"),
        ("frontend_url", "https://app.example.com"),
        ("cors_origins", "https://app.fairarena.test,https://app.example.com"),
        ("email_from", "FairArena <no-reply@example.com>"),
        ("metrics_token", "change-me-metrics-token"),
        ("razorpay_key_secret", "change-me-razorpay-key-secret"),
        ("database_url", "postgresql://fairarena:change-me-postgres-password@db/fairarena"),
        ("invite_seal_key", "change-me-invite-seal-key"),
    ],
)
def test_placeholders_are_refused_by_name(field: str, value: str) -> None:
    message = refusal(**{field: value})
    assert f"{field.upper()} still holds a placeholder" in message
    assert value not in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("invite_seal_key", "not base64 at all!", "INVITE_SEAL_KEY must be the URL-safe base64"),
        (
            "invite_seal_key",
            base64.urlsafe_b64encode(b"k" * 16).decode(),
            "INVITE_SEAL_KEY must be the URL-safe base64 of 32 random bytes",
        ),
        ("otp_pepper", "short-pepper", "OTP_PEPPER"),
        ("razorpay_key_id", "key_live_123", "RAZORPAY_KEY_ID must start with 'rzp_'"),
        ("metrics_token", "short", "METRICS_TOKEN must be at least 16 bytes"),
        ("clerk_webhook_secret", "secret-abc", "CLERK_WEBHOOK_SECRET must start with 'whsec_'"),
        ("clerk_secret_key", "pk_live_abc", "CLERK_SECRET_KEY must start with 'sk_live_'"),
        ("resend_api_key", "rk_123abc", "RESEND_API_KEY must start with 're_'"),
        ("twilio_account_sid", "AC123", "TWILIO_ACCOUNT_SID must be 'AC' followed by 32 hex"),
        ("twilio_from", "0044 20 7946", "TWILIO_FROM must be an E.164 number"),
        ("clerk_jwks_url", "http://clerk.fairarena.test/jwks", "CLERK_JWKS_URL must be an https"),
    ],
)
def test_malformed_keys_are_refused_by_name(field: str, value: str, expected: str) -> None:
    message = refusal(**{field: value})
    assert expected in message
    assert value not in message


def test_empty_required_values_are_refused() -> None:
    message = refusal(otp_pepper="", invite_seal_key="", resend_api_key="")
    for name in ("OTP_PEPPER", "INVITE_SEAL_KEY", "RESEND_API_KEY"):
        assert name in message


def test_every_problem_is_reported_at_once() -> None:
    message = refusal(otp_pepper="change-me", razorpay_key_id="key", metrics_token="xxxxxx")
    assert message.count(";") >= 2


def test_the_sandbox_is_refused_in_production() -> None:
    assert "PAYMENTS_SANDBOX=true is not allowed in production" in refusal(payments_sandbox=True)


def test_placeholders_do_not_stop_development() -> None:
    Settings(env="development", otp_pepper="change-me", metrics_token="x").check_production_safety()


def test_generated_secrets_are_never_mistaken_for_placeholders() -> None:
    for _ in range(2000):
        assert not is_placeholder(secrets.token_urlsafe(48))
        assert not is_placeholder(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())


def test_runs_of_x_inside_a_secret_are_not_a_placeholder() -> None:
    # A generated secret holds "-XxX_" or "xxxxxx" by chance now and then: never refused for it.
    for value in (
        "q9Lm-XxX_7yTr2Vb8Nn3Kk4Jj5Hh6Gg7Ff8Dd9",
        "Ab3xxxxxxxCd4Ef5Gh6Ij7Kl8Mn9",
        "xXx-" + "k" * 40,
    ):
        assert not is_placeholder(value)
    for value in ("rzp_test_xxx", "whsec_xxxxxx", "re_xxxxxxxx", "xxx@fairarena.app", "xxxxxx"):
        assert is_placeholder(value)
