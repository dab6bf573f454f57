"""Configuration parsing and the production safety check."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import main
from entrypoints.config import ConfigurationError, Settings


def test_database_urls_are_normalised_to_async_drivers():
    assert (
        Settings(database_url="postgresql://u@h/db").database_url == "postgresql+asyncpg://u@h/db"
    )
    assert Settings(database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ADMIN_USER_IDS", "user_a, user_b")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.test,https://b.test")
    settings = Settings()
    assert settings.admin_user_ids == ["user_a", "user_b"]
    assert settings.cors_origins == ["https://a.test", "https://b.test"]


def test_production_refuses_dev_adapters_and_names_the_variable():
    with pytest.raises(ConfigurationError, match="AUTH_MODE=clerk") as info:
        Settings(env="production").check_production_safety()
    assert "EMAIL_PROVIDER=resend" in str(info.value)
    Settings(
        env="production",
        auth_mode="clerk",
        clerk_jwks_url="https://x/jwks",
        email_provider="resend",
        resend_api_key="re_x",
        sms_provider="twilio",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="token",
        twilio_from="+15005550006",
        otp_pepper="p" * 32,
        invite_seal_key="k" * 43,
        link_signing_key="l" * 32,
    ).check_production_safety()


def test_production_needs_the_link_signing_key():
    with pytest.raises(ConfigurationError, match="LINK_SIGNING_KEY"):
        Settings(env="production", link_signing_key="short").check_production_safety()


def test_production_needs_the_invitation_seal_key():
    with pytest.raises(ConfigurationError, match="INVITE_SEAL_KEY"):
        Settings(
            env="production",
            auth_mode="clerk",
            clerk_jwks_url="https://x/jwks",
            email_provider="resend",
            resend_api_key="re_x",
        ).check_production_safety()


def test_invitation_seal_key_is_generated_once_under_var_outside_production(tmp_path):
    first = Settings(var_dir=tmp_path).resolved_invite_seal_key()
    assert first == Settings(var_dir=tmp_path).resolved_invite_seal_key()
    assert (tmp_path / "invite_seal_key").stat().st_mode & 0o777 == 0o600
    assert Settings(invite_seal_key="given").resolved_invite_seal_key() == "given"


def test_dev_secret_is_generated_once_under_var(tmp_path):
    settings = Settings(var_dir=tmp_path)
    first = settings.resolved_dev_auth_secret()
    assert first == Settings(var_dir=tmp_path).resolved_dev_auth_secret()
    assert (tmp_path / "dev_auth_secret").stat().st_mode & 0o777 == 0o600


def test_cli_token_and_help(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(main, ["token", "alice@example.com", "--admin"])
    assert result.exit_code == 0 and result.output.count(".") == 2
    assert runner.invoke(main, ["token", "not-an-email"]).exit_code != 0
    monkeypatch.setenv("ENV", "production")
    refused = runner.invoke(main, ["token", "alice@example.com"])
    assert refused.exit_code != 0 and "AUTH_MODE" in refused.output
    for command in ([], ["serve"], ["migrate"], ["token"]):
        assert runner.invoke(main, [*command, "--help"]).exit_code == 0


def test_trusted_proxies_are_empty_by_default_and_validated_at_start(monkeypatch):
    assert Settings().trusted_proxies == []
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1,2001:db8::/32")
    assert Settings().trusted_proxies == ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")
    with pytest.raises(ValueError, match=r"TRUSTED_PROXIES: 'proxy\.internal'"):
        Settings()


def test_the_removed_trust_proxy_is_refused_naming_its_replacement(monkeypatch):
    monkeypatch.setenv("TRUST_PROXY", "true")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        Settings().check_production_safety()
    result = CliRunner().invoke(main, ["token", "a@example.com"])
    assert result.exit_code != 0
    assert "TRUST_PROXY is no longer supported" in result.output
