"""Settings for a command: a refused configuration is a message, never a traceback."""

from __future__ import annotations

import click

from entrypoints.config import ConfigurationError, Settings


def load_settings() -> Settings:
    try:
        settings = Settings()
        settings.check_production_safety()
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration refused: {exc}") from exc
    return settings
