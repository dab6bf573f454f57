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

from entrypoints.config import Settings

ROOT = Path(__file__).resolve().parents[3]
APP_SERVICES = ("migrate", "api", "worker", "scheduler")
LONG_RUNNING = ("postgres", "redis", "api", "worker", "scheduler")
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
    assert set(compose["services"]) == {"postgres", "redis", *APP_SERVICES}


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
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "appdata"}
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert "--appendonly" in services["redis"]["command"]


def test_api_listens_on_all_interfaces_inside_its_container(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["environment"]["HOST"] == "0.0.0.0"
    assert api["ports"] == ["${API_PORT:-3000}:3000"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_production_settings_from_the_env_file_pass_the_safety_check(
    compose: dict[str, Any], env_example: dict[str, str], service: str
) -> None:
    definition = compose["services"][service]
    assert definition["env_file"] == [".env"]
    environment = {
        k: interpolate(str(v), env_example) for k, v in definition["environment"].items()
    }
    values = {**env_example, **environment}
    assert values["ENV"] == "production"
    assert values["AUTH_MODE"] == "clerk"
    assert values["EMAIL_PROVIDER"] == "resend"
    assert values["DATABASE_URL"].startswith("postgresql+asyncpg://fairarena:")
    assert values["DATABASE_URL"].endswith("@postgres:5432/fairarena")
    assert values["REDIS_URL"] == "redis://redis:6379/0"

    settings = Settings(
        **{k.lower(): v for k, v in values.items() if k.lower() in Settings.model_fields}
    )
    settings.check_production_safety()  # raises ConfigurationError naming what is missing
    assert settings.is_production and not settings.uses_sqlite


def test_env_example_sets_only_known_variables_and_secrets_are_placeholders(
    env_example: dict[str, str],
) -> None:
    compose_only = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "API_PORT"}
    unknown = {name for name in env_example if name.lower() not in Settings.model_fields}
    assert unknown == compose_only
    for name in ("POSTGRES_PASSWORD", "METRICS_TOKEN", "CLERK_SECRET_KEY", "RESEND_API_KEY"):
        assert "change-me" in env_example[name], name


def test_the_real_env_file_is_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()
