"""The scheduler runs each job once per slot, resumes dead runs, and survives failures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.jobs.scheduler import PeriodicJob, Scheduler
from entrypoints.containers import Container
from entrypoints.jobs.schedule import PERIODIC, periodic, periodic_jobs
from tests.fixtures.clock import FakeClock


class Counter:
    def __init__(self, error: Exception | None = None) -> None:
        self.runs = 0
        self.error = error

    async def __call__(self) -> int:
        self.runs += 1
        if self.error is not None:
            raise self.error
        return self.runs


def scheduler(container: Container, clock: FakeClock, *jobs: PeriodicJob) -> Scheduler:
    return Scheduler(container.infrastructure.uow(), clock, jobs)


async def test_a_slot_runs_once_and_the_next_slot_runs_again(
    memory_container: Container, clock: FakeClock
) -> None:
    job = Counter()
    every5 = PeriodicJob("five", timedelta(minutes=5), job)
    first, second = (scheduler(memory_container, clock, every5) for _ in range(2))
    assert await first.tick() == ["five"]
    assert await second.tick() == []  # another scheduler, same slot
    clock.advance(timedelta(minutes=4))
    assert await first.tick() == []
    clock.advance(timedelta(minutes=1))
    assert await second.tick() == ["five"]
    assert job.runs == 2


async def test_a_failing_job_does_not_stop_the_others(
    memory_container: Container, clock: FakeClock
) -> None:
    broken, fine = Counter(RuntimeError("boom")), Counter()
    tick = scheduler(
        memory_container,
        clock,
        PeriodicJob("broken", timedelta(hours=1), broken),
        PeriodicJob("fine", timedelta(hours=1), fine),
    ).tick
    assert sorted(await tick()) == ["broken", "fine"]
    assert await tick() == []  # a failed run counts for its slot; the next slot tries again
    assert (broken.runs, fine.runs) == (1, 1)


async def test_a_run_whose_process_died_is_taken_over_after_its_lease(
    memory_container: Container, clock: FakeClock
) -> None:
    job = Counter()
    daily = PeriodicJob("daily", timedelta(days=1), job, lease=timedelta(minutes=30))
    async with memory_container.infrastructure.uow()() as uow:  # a scheduler claimed, then died
        assert await uow.job_runs.claim(
            "daily", daily.slot(clock.now()), clock.now(), clock.now() - daily.lease
        )
        await uow.commit()
    tick = scheduler(memory_container, clock, daily).tick
    assert await tick() == []
    clock.advance(timedelta(minutes=31))
    assert await tick() == ["daily"]
    assert await tick() == []
    assert job.runs == 1


def test_job_names_must_be_unique(memory_container: Container, clock: FakeClock) -> None:
    job = PeriodicJob("same", timedelta(hours=1), Counter())
    with pytest.raises(ValueError, match="unique"):
        scheduler(memory_container, clock, job, job)


async def test_the_daily_cleanup_is_registered_and_purges_old_notifications(
    memory_container: Container, clock: FakeClock
) -> None:
    jobs = {job.name: job for job in periodic_jobs(memory_container)}
    cleanup = jobs["account.daily_cleanup"]
    assert cleanup.every == timedelta(days=1) and cleanup.offset == timedelta(hours=6)
    counts = await cleanup.run()  # nothing to purge; the real purge is tested with its slice
    assert isinstance(counts, dict) and counts["notificationsDeleted"] == 0
    assert set(counts.values()) == {0}


def test_payment_reconciliation_runs_every_five_minutes(memory_container: Container) -> None:
    jobs = {job.name: job for job in periodic_jobs(memory_container)}
    assert jobs["payments.reconcile"].every == timedelta(minutes=5)


def test_registering_a_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        periodic("account.daily_cleanup", every=timedelta(days=1))(lambda container: Counter())
    assert len({spec.name for spec in PERIODIC}) == len(PERIODIC)
