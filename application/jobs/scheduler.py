"""Periodic jobs, each run once per time slot however many schedulers are running."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.jobs.unit_of_work import JobsUnitOfWork
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.jobs.time_slots import slot_start

#: How often the scheduler looks for due slots (seconds).
SCHEDULER_TICK_SECONDS = 15.0
#: A run that started this long ago and never finished (its process died) may be taken again.
DEFAULT_LEASE = timedelta(minutes=30)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """``run`` once in every slot of length ``every`` (shifted by ``offset``; see time_slots)."""

    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]
    offset: timedelta = timedelta(0)
    lease: timedelta = DEFAULT_LEASE

    def slot(self, now: datetime) -> datetime:
        return slot_start(now, self.every, self.offset)


@dataclass(frozen=True)
class SlotRun:
    """One attempt at a job's current slot: ``ran`` is False when the slot was already taken (by
    a scheduler or an earlier run on demand) and nothing was done."""

    job: str
    slot: datetime
    ran: bool
    result: object = None
    error: str | None = None


class UnknownJob(LookupError):
    """No periodic job has this name."""


class Scheduler:
    """Runs each job's current slot if no scheduler has claimed it yet (a unique (job, slot) row).

    A scheduler that starts mid-slot runs that slot at once; slots missed while none was running
    are not replayed (every job here is a sweep that catches up by itself).
    """

    def __init__(
        self, uow: UnitOfWorkFactory[JobsUnitOfWork], clock: Clock, jobs: Sequence[PeriodicJob]
    ) -> None:
        names = [job.name for job in jobs]
        if len(names) != len(set(names)):
            raise ValueError(f"periodic job names must be unique: {names}")
        self._uow = uow
        self._clock = clock
        self._jobs = list(jobs)

    @property
    def jobs(self) -> list[PeriodicJob]:
        return list(self._jobs)

    async def tick(self) -> list[str]:
        """Run every job whose current slot is unclaimed; returns the names that ran."""
        results = await asyncio.gather(*(self._run_if_due(job) for job in self._jobs))
        return [run.job for run in results if run.ran]

    async def run_now(self, name: str) -> SlotRun:
        """Run one job on demand, under the same once-per-slot claim as the scheduler's ticks:
        a slot already run (by a scheduler or an earlier call) is not run again."""
        job = next((j for j in self._jobs if j.name == name), None)
        if job is None:
            raise UnknownJob(name)
        return await self._run_if_due(job)

    async def _run_if_due(self, job: PeriodicJob) -> SlotRun:
        now = self._clock.now()
        slot = job.slot(now)
        async with self._uow() as uow:
            claimed = await uow.job_runs.claim(job.name, slot, now, now - job.lease)
            await uow.commit()
        if not claimed:
            return SlotRun(job.name, slot, ran=False)
        error: str | None = None
        result: object = None
        try:
            result = await job.run()
            log.info("periodic job %s (slot %s) done: %r", job.name, slot.isoformat(), result)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
            log.exception("periodic job %s (slot %s) failed", job.name, slot.isoformat())
        async with self._uow() as uow:
            await uow.job_runs.finish(job.name, slot, self._clock.now(), error)
            await uow.commit()
        return SlotRun(job.name, slot, ran=True, result=result, error=error)

    async def run(
        self, stop: asyncio.Event, *, tick_seconds: float = SCHEDULER_TICK_SECONDS
    ) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler tick failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick_seconds)
