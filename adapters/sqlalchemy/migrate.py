"""Run Alembic migrations programmatically (``fairarena migrate``, tests)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; call from a thread when an event loop is running."""
    command.upgrade(alembic_config(database_url), revision)


def upgrade_script(database_url: str, revision: str = "head", start: str = "base") -> str:
    """The SQL that migrating from ``start`` to ``revision`` runs, rendered for the dialect of
    ``database_url`` without connecting (Alembic's offline mode): for review, or for a DBA to
    apply in a change window."""
    return _rendered(database_url, command.upgrade, f"{start}:{revision}")


def downgrade_script(database_url: str, revision: str = "base", start: str = "head") -> str:
    """The SQL that going back from ``start`` to ``revision`` runs, rendered likewise."""
    return _rendered(database_url, command.downgrade, f"{start}:{revision}")


def _rendered(database_url: str, step: Callable[..., None], revisions: str) -> str:
    config = alembic_config(database_url)
    config.output_buffer = io.StringIO()
    step(config, revisions, sql=True)
    script: str = config.output_buffer.getvalue()
    return script


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
