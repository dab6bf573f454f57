"""docker-compose.yml and .env.example, checked structurally (no Docker engine runs in CI).

The stack is: postgres, redis, a one-shot migrate, api, worker, scheduler; health checks, named
volumes, start order through depends_on conditions, and production settings that pass
``Settings.check_production_safety``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrypoints.config import ConfigurationError, Settings

ROOT = Path(__file__).resolve().parents[3]
APP_SERVICES = ("migrate", "api", "worker", "scheduler")
LONG_RUNNING = ("postgres", "redis", "rabbitmq", "api", "worker", "scheduler")
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ (enough for this file)."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op == ":?":
            raise AssertionError(f"{name} is required: {arg}")
        return arg if op == ":-" else ""

    return _VARIABLE.sub(replace, value).replace("$$", "$")


def test_the_stack_has_exactly_the_documented_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", "redis", "rabbitmq", *APP_SERVICES}
    # RabbitMQ is opt-in (ADR 0092): only with `--profile rabbitmq`, used when BROKER_URL is set.
    assert compose["services"]["rabbitmq"]["profiles"] == ["rabbitmq"]
    assert all(
        "profiles" not in service
        for name, service in compose["services"].items()
        if name != "rabbitmq"
    )


def test_app_services_run_the_fairarena_commands_from_the_same_image(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    commands = {name: services[name]["command"] for name in APP_SERVICES}
    assert commands == {
        "migrate": ["migrate"],
        "api": ["serve"],
        "worker": ["worker"],
        "scheduler": ["scheduler"],
    }
    assert {services[name]["image"] for name in APP_SERVICES} == {"fairarena:latest"}
    assert all(services[name]["build"]["dockerfile"] == "Dockerfile" for name in APP_SERVICES)


def test_migrate_is_one_shot_and_everything_else_waits_for_it(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "worker", "scheduler"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name
        assert services[name]["restart"] == "unless-stopped"


def test_every_long_running_service_has_a_health_check(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in LONG_RUNNING:
        check = services[name]["healthcheck"]
        assert not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert check["interval"] and check["retries"] >= 3, name
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])
    # The image's HEALTHCHECK probes HTTP, which the one-shot migration never serves.
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_state_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "rabbitmqdata", "appdata"}
    assert "rabbitmqdata:/var/lib/rabbitmq" in services["rabbitmq"]["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert "--appendonly" in services["redis"]["command"]


def test_api_listens_on_all_interfaces_inside_its_container(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["environment"]["HOST"] == "0.0.0.0"
    assert api["ports"] == ["${API_PORT:-3000}:3000"]


# What an operator puts in place of each placeholder of .env.example (values of the right shape).
FILLED_IN = {
    "POSTGRES_PASSWORD": "pg-5b0c2d9e8f1a4b7c",
    "CORS_ORIGINS": "https://app.fairarena.test",
    "FRONTEND_URL": "https://app.fairarena.test",
    "METRICS_TOKEN": "metrics-3f9a6c1e0b7d4a25",
    "CLERK_JWKS_URL": "https://clerk.fairarena.test/.well-known/jwks.json",
    "CLERK_ISSUER": "https://clerk.fairarena.test",
    "CLERK_AUTHORIZED_PARTIES": "https://app.fairarena.test",
    "CLERK_WEBHOOK_SECRET": "whsec_" + "Zm9vYmFyYmF6cXV4cXV1eA==",
    "CLERK_SECRET_KEY": "sk_live_" + "4e1f0c9b2a7d",
    "RESEND_API_KEY": "re_" + "8c2d1e0f9a7b",
    "EMAIL_FROM": "FairArena <no-reply@fairarena.test>",
    "TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
    "TWILIO_AUTH_TOKEN": "0123456789abcdef" * 2,
    "OTP_PEPPER": "p3pp3r-" + "9f8e7d6c5b4a3210" * 3,
    "INVITE_SEAL_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY",
    "PUBLIC_API_URL": "https://api.fairarena.test",
    "LINK_SIGNING_KEY": "l1nk-" + "0f1e2d3c4b5a6978" * 3,
    "RAZORPAY_KEY_ID": "rzp_live_" + "AbCdEf012345",
    "RAZORPAY_KEY_SECRET": "rzp-secret-" + "0a1b2c3d4e5f",
    "RAZORPAY_WEBHOOK_SECRET": "rzp-webhook-" + "6a7b8c9d0e1f",
}


def _production_settings(
    compose: dict[str, Any], env: dict[str, str], service: str
) -> tuple[dict[str, str], Settings]:
    definition = compose["services"][service]
    assert definition["env_file"] == [".env"]
    environment = {k: interpolate(str(v), env) for k, v in definition["environment"].items()}
    values = {**env, **environment}
    settings = Settings(
        **{k.lower(): v for k, v in values.items() if k.lower() in Settings.model_fields}
    )
    return values, settings


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_env_file_copied_verbatim_is_refused_naming_every_placeholder(
    compose: dict[str, Any], env_example: dict[str, str], service: str
) -> None:
    _, settings = _production_settings(compose, env_example, service)
    with pytest.raises(ConfigurationError) as refused:
        settings.check_production_safety()
    for name in FILLED_IN.keys() - {"POSTGRES_PASSWORD"}:
        assert f"{name} still holds a placeholder" in str(refused.value), name
    assert "DATABASE_URL still holds a placeholder" in str(refused.value)  # POSTGRES_PASSWORD
    assert "change-me" not in str(refused.value)  # values (maybe real secrets) never echoed


@pytest.mark.parametrize("service", APP_SERVICES)
def test_production_settings_from_a_filled_in_env_file_pass_the_safety_check(
    compose: dict[str, Any], env_example: dict[str, str], service: str
) -> None:
    assert set(FILLED_IN) <= set(env_example)
    values, settings = _production_settings(compose, {**env_example, **FILLED_IN}, service)
    assert values["ENV"] == "production"
    assert values["AUTH_MODE"] == "clerk"
    assert values["EMAIL_PROVIDER"] == "resend"
    assert values["SMS_PROVIDER"] == "twilio"
    assert values["DATABASE_URL"].startswith("postgresql+asyncpg://fairarena:")
    assert values["DATABASE_URL"].endswith("@postgres:5432/fairarena")
    assert values["REDIS_URL"] == "redis://redis:6379/0"
    settings.check_production_safety()  # raises ConfigurationError naming what is missing
    assert settings.is_production and not settings.uses_sqlite


def test_env_example_sets_only_known_variables_and_secrets_are_placeholders(
    env_example: dict[str, str],
) -> None:
    compose_only = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "API_PORT"}
    unknown = {name for name in env_example if name.lower() not in Settings.model_fields}
    assert unknown == compose_only
    secrets = (
        "POSTGRES_PASSWORD",
        "METRICS_TOKEN",
        "CLERK_WEBHOOK_SECRET",
        "CLERK_SECRET_KEY",
        "RESEND_API_KEY",
        "TWILIO_AUTH_TOKEN",
        "OTP_PEPPER",
        "INVITE_SEAL_KEY",
        "LINK_SIGNING_KEY",
        "RAZORPAY_KEY_SECRET",
        "RAZORPAY_WEBHOOK_SECRET",
    )
    for name in secrets:
        assert "change-me" in env_example[name], name


def test_the_real_env_file_is_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_try_override_runs_the_stack_without_provider_accounts(
    compose: dict[str, Any], service: str
) -> None:
    """docker-compose.try.yml + a .env holding only POSTGRES_PASSWORD (docs/operations.md)."""
    override = yaml.safe_load((ROOT / "docker-compose.try.yml").read_text())
    assert set(override["services"]) == set(APP_SERVICES)
    env = {"POSTGRES_PASSWORD": "try-it-locally"}
    base = compose["services"][service]["environment"]
    merged = {**base, **override["services"][service]["environment"]}  # compose merges maps
    values = {k: interpolate(str(v), env) for k, v in merged.items()}
    settings = Settings(
        **{k.lower(): v for k, v in values.items() if k.lower() in Settings.model_fields}
    )
    settings.check_production_safety()
    assert not settings.is_production and settings.redis_url == "redis://redis:6379/0"
    assert (settings.auth_mode, settings.email_provider, settings.sms_provider) == (
        "dev",
        "dev",
        "dev",
    )
    assert settings.uses_payment_sandbox and settings.payments_are_enabled
    assert str(settings.var_dir) == "/var/lib/fairarena"  # the shared appdata volume
