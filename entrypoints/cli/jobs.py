"""``fairarena jobs list`` and ``fairarena jobs run NAME``: every periodic job on demand.

The names come from the schedule itself (``entrypoints/jobs/schedule.py``), so a job registered
there is listed and runnable here with no change to this module. ``run`` takes the job's current
slot exactly as the scheduler does (the ``job_runs`` row): if a scheduler or an earlier ``run``
already did this slot, nothing runs again and the output says so.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

import click

from entrypoints.jobs.schedule import PERIODIC, PeriodicSpec


def _every(spec: PeriodicSpec) -> str:
    seconds = int(spec.every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            text = f"every {seconds // size}{unit}"
            break
    else:
        text = f"every {seconds}s"
    if spec.offset:
        text += f" (+{spec.offset})"
    return text


@click.group()
def jobs() -> None:
    """Periodic jobs: list them, run one now (once per time slot, as the scheduler)."""


@jobs.command("list")
def list_jobs() -> None:
    """Every scheduled job: its name, period and what it does."""
    width = max(len(spec.name) for spec in PERIODIC)
    for spec in PERIODIC:
        doc = (spec.build.__doc__ or "").strip().splitlines()
        click.echo(f"{spec.name:<{width}}  {_every(spec):<20}  {doc[0] if doc else ''}")


@jobs.command("run")
@click.argument("name")
def run_job(name: str) -> None:
    """Run NAME now, unless its current time slot has already run (then nothing is done)."""
    if name not in {spec.name for spec in PERIODIC}:
        known = ", ".join(spec.name for spec in PERIODIC)
        raise click.ClickException(f"no periodic job {name!r}; known jobs: {known}")
    from application.jobs.scheduler import Scheduler, SlotRun
    from entrypoints import runtime
    from entrypoints.cli.settings import load_settings
    from entrypoints.jobs.schedule import periodic_jobs

    async def go() -> SlotRun:
        container = runtime.build_container(load_settings())
        stop = await runtime.start(container)
        try:
            scheduler = Scheduler(
                container.infrastructure.uow(), container.core.clock(), periodic_jobs(container)
            )
            return await scheduler.run_now(name)
        finally:
            await stop()

    outcome = asyncio.run(go())
    slot = _when(outcome.slot)
    if not outcome.ran:
        click.echo(f"{name}: slot {slot} already ran; nothing done (once per slot)")
        return
    if outcome.error is not None:
        click.echo(f"{name}: slot {slot} failed: {outcome.error}", err=True)
        sys.exit(1)
    click.echo(f"{name}: ran slot {slot}: {outcome.result!r}")


def _when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
