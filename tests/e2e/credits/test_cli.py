"""``fairarena credits grant|balance`` and ``fairarena ledger verify`` on both databases."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from click.testing import CliRunner

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from domain.identity.user import User
from entrypoints.cli.main import main


async def _add_user(url: str, user_id: str, subject: str) -> None:
    engine = build_engine(url)
    now = datetime.now(UTC)
    async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
        await uow.users.add(User(user_id, subject, None, None, None, None, None, now, now))
        await uow.commit()
    await engine.dispose()


async def _tamper(url: str) -> None:
    engine = build_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text("UPDATE credit_wallets SET balance = balance + 1"))
    await engine.dispose()


def test_grant_balance_and_verify(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    asyncio.run(_add_user(database_url, "u-cli", "user_cli"))
    runner = CliRunner()

    out = runner.invoke(main, ["credits", "grant", "u-cli", "50", "--reason", "welcome"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["balance"] == 50
    out = runner.invoke(main, ["credits", "grant", "user_cli", "-20", "--reason", "fix"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["amount"] == -20
    out = runner.invoke(main, ["credits", "grant", "u-cli", "-31", "--reason", "too much"])
    assert out.exit_code != 0 and "INSUFFICIENT_CREDITS" in out.output
    out = runner.invoke(main, ["credits", "grant", "ghost", "5", "--reason", "x"])
    assert out.exit_code != 0 and "NOT_FOUND" in out.output

    out = runner.invoke(main, ["credits", "balance", "u-cli"])
    assert out.exit_code == 0
    assert json.loads(out.stdout) == {"userId": "u-cli", "balance": 30, "held": 0, "available": 30}

    out = runner.invoke(main, ["ledger", "verify"])
    assert out.exit_code == 0, out.output
    asyncio.run(_tamper(database_url))
    out = runner.invoke(main, ["ledger", "verify"])
    assert out.exit_code == 1
    assert "DIFFERENCE user:u-cli: stored 31, postings say 30" in out.output
