"""Two ``fairarena scheduler`` processes on one PostgreSQL database run the cleanup slot once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.tables.jobs import job_runs
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.ports.clock import SystemClock
from domain.identity.user import User
from domain.ids import new_id
from domain.jobs.time_slots import slot_start
from domain.notifications.notification import Notification, NotificationType
from entrypoints.jobs.schedule import PERIODIC

ROOT = Path(__file__).resolve().parents[3]


async def seed(database_url: str) -> str:
    """A user with one notification older than 30 days and one recent."""
    now = datetime.now(UTC)
    user = User(
        id=new_id(),
        subject="sched",
        email="s@example.com",
        first_name="S",
        last_name=None,
        image_url=None,
        username=None,
        created_at=now,
        updated_at=now,
    )
    engine = build_engine(database_url)
    try:
        async with SqlAlchemyUnitOfWorkFactory(engine, SystemClock())() as uow:
            await uow.users.add(user)
            for title, age in (("old", timedelta(days=31)), ("recent", timedelta(days=1))):
                await uow.notifications.add(
                    Notification(
                        id=new_id(),
                        user_id=user.id,
                        type=NotificationType.SYSTEM,
                        title=title,
                        message="m",
                        description="",
                        action_url=None,
                        action_label=None,
                        metadata={},
                        created_at=now - age,
                    )
                )
            await uow.commit()
    finally:
        await engine.dispose()
    return user.id


async def runs_and_titles(database_url: str) -> tuple[list[sa.Row[object]], list[str]]:
    engine = build_engine(database_url)
    try:
        async with engine.connect() as conn:
            runs = (await conn.execute(sa.select(job_runs))).all()
            titles = (await conn.execute(sa.text("SELECT title FROM notifications"))).scalars()
            return list(runs), sorted(titles)
    finally:
        await engine.dispose()


EXPECTED_JOBS = sorted(spec.name for spec in PERIODIC)


def possible_slots(began: datetime, ended: datetime) -> dict[str, set[datetime]]:
    """Each job's slots that overlap [began, ended]: a job every minute (credits.expire_holds)
    has the next minute's slot too when the test runs across a minute's turn."""
    slots: dict[str, set[datetime]] = {}
    for spec in PERIODIC:
        first, last = (slot_start(t, spec.every, spec.offset) for t in (began, ended))
        slots[spec.name] = {first + spec.every * i for i in range((last - first) // spec.every + 1)}
    return slots


async def test_two_scheduler_processes_run_the_daily_cleanup_once(
    pg_url: str, tmp_path: Path
) -> None:
    await seed(pg_url)
    began = datetime.now(UTC)
    env = {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": pg_url,
        "VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "scheduler.log").open("ab")
    schedulers = [
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    log_text = lambda: (tmp_path / "scheduler.log").read_text(errors="replace")  # noqa: E731
    try:
        for _ in range(600):  # both processes up (each ticks right after it logs this)
            if log_text().count("scheduler started") == 2:
                break
            await asyncio.sleep(0.1)
        for _ in range(600):  # every registered job has run, and every run has finished
            runs, _titles = await runs_and_titles(pg_url)
            done = all(r.finished_at is not None for r in runs)
            if done and sorted({r.job for r in runs}) == EXPECTED_JOBS:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # and both schedulers ticked since: neither ran a slot twice
    finally:
        for process in schedulers:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=30) for process in schedulers]
    ended = datetime.now(UTC)
    runs, titles = await runs_and_titles(pg_url)
    assert codes == [0, 0], log_text()
    assert log_text().count("scheduler started") == 2
    assert log_text().count("periodic job account.daily_cleanup") == 1
    # Every registered job ran, each slot exactly once across the two processes, and only slots
    # of the time the schedulers were up.
    assert sorted({r.job for r in runs}) == EXPECTED_JOBS
    assert len({(r.job, r.slot) for r in runs}) == len(runs), runs
    assert all(r.attempts == 1 and r.finished_at is not None for r in runs), runs
    slots = possible_slots(began, ended)
    assert all(r.slot in slots[r.job] for r in runs), (runs, slots)
    [run] = [r for r in runs if r.job == "account.daily_cleanup"]
    assert run.error is None
    assert run.slot.hour == 6 and run.slot.minute == 0 and run.finished_at is not None
    assert titles == ["recent"]
