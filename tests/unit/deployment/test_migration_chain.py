"""Migrations are one linear chain, each revision named after its file (docs/slices.md §4)."""

from __future__ import annotations

import itertools
from pathlib import Path

from alembic.script import ScriptDirectory

from adapters.sqlalchemy.migrate import alembic_config

VERSIONS = Path(__file__).resolve().parents[3] / "adapters/sqlalchemy/migrations/versions"


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite:///:memory:"))


def test_there_is_one_head_and_one_base() -> None:
    scripts = _scripts()
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1


def test_every_revision_is_named_after_its_file_and_numbered_in_order() -> None:
    scripts = _scripts()
    chain = list(reversed(list(scripts.walk_revisions())))
    files = sorted(p.stem for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert [r.revision for r in chain] == files
    for before, after in itertools.pairwise(chain):
        assert after.down_revision == before.revision
