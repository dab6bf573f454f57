"""``fairarena jobs list|run``: every scheduled job on demand, once per time slot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from domain.ids import new_id
from domain.support.ticket import SupportTicket
from entrypoints.cli.main import main
from entrypoints.jobs import schedule
from entrypoints.jobs.schedule import PERIODIC, PeriodicSpec


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    return database_url


async def _late_ticket(database_url: str) -> str:
    engine = build_engine(database_url)
    long_ago = datetime.now(UTC) - timedelta(days=4)
    ticket = SupportTicket.opened(
        id=new_id(),
        subject="Help",
        message="Nobody answered",
        requester_id=None,
        requester_email="anon@example.com",
        now=long_ago,
    )
    async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
        await uow.support_tickets.add(ticket)
        await uow.commit()
    await engine.dispose()
    return ticket.id


async def _breached_at(database_url: str, ticket_id: str) -> datetime | None:
    engine = build_engine(database_url)
    async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
        ticket = await uow.support_tickets.get(ticket_id)
    await engine.dispose()
    assert ticket is not None
    return ticket.breached_at


def test_list_names_every_scheduled_job(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing() -> str:
        return "done"

    def build(container: object) -> Callable[[], Awaitable[object]]:
        """A job another context registered (not known to the CLI)."""
        return nothing

    extra = PeriodicSpec("other.weekly", timedelta(days=7), timedelta(0), timedelta(hours=1), build)
    monkeypatch.setattr(schedule, "PERIODIC", [*PERIODIC, extra])
    monkeypatch.setattr("entrypoints.cli.jobs.PERIODIC", schedule.PERIODIC)
    out = CliRunner().invoke(main, ["jobs", "list"])
    assert out.exit_code == 0, out.output
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names == [spec.name for spec in schedule.PERIODIC]
    assert {"support.sla_breaches", "account.daily_cleanup", "other.weekly"} <= set(names)
    assert "every 7d" in out.stdout and "A job another context registered" in out.stdout
    ran = CliRunner().invoke(main, ["jobs", "run", "other.weekly"])
    assert ran.exit_code == 0 and "ran slot" in ran.stdout and "'done'" in ran.stdout


def test_run_does_the_work_once_per_slot(env: str) -> None:
    ticket_id = asyncio.run(_late_ticket(env))
    runner = CliRunner()
    first = runner.invoke(main, ["jobs", "run", "support.sla_breaches"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("support.sla_breaches: ran slot ") and first.stdout.endswith(
        ": 1\n"
    )
    marked = asyncio.run(_breached_at(env, ticket_id))
    assert marked is not None
    again = runner.invoke(main, ["jobs", "run", "support.sla_breaches"])
    assert again.exit_code == 0
    assert "already ran; nothing done (once per slot)" in again.stdout
    assert asyncio.run(_breached_at(env, ticket_id)) == marked


def test_an_unknown_job_is_named_with_the_known_ones(env: str) -> None:
    out = CliRunner().invoke(main, ["jobs", "run", "nope"])
    assert out.exit_code == 1
    assert "no periodic job 'nope'" in out.output and "support.sla_breaches" in out.output


def test_every_scheduled_job_runs_on_demand(env: str) -> None:
    runner = CliRunner()
    for spec in PERIODIC:
        out = runner.invoke(main, ["jobs", "run", spec.name])
        assert out.exit_code == 0, (spec.name, out.output)
        assert f"{spec.name}: ran slot" in out.stdout
