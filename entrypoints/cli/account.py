"""``fairarena account cleanup``: the daily cleanup on demand, still once per day."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import click

from application.jobs.scheduler import Scheduler
from entrypoints.cli.credits import _run
from entrypoints.containers import Container

JOB = "account.daily_cleanup"


@click.group()
def account() -> None:
    """Account lifecycle."""


async def _cleanup(container: Container) -> dict[str, Any]:
    from entrypoints.jobs.schedule import periodic_jobs

    [job] = [j for j in periodic_jobs(container) if j.name == JOB]
    counts: dict[str, Any] = {}

    async def run() -> dict[str, Any]:
        result = await job.run()
        if isinstance(result, dict):
            counts.update(result)
        return counts

    clock = container.core.clock()
    scheduler = Scheduler(container.infrastructure.uow(), clock, [replace(job, run=run)])
    ran = await scheduler.tick()
    return {"job": JOB, "slot": job.slot(clock.now()).isoformat(), "ran": bool(ran), **counts}


@account.command()
def cleanup() -> None:
    """Run today's 06:00 UTC cleanup now; skipped (ran: false) if today's run already happened."""
    click.echo(json.dumps(_run(_cleanup)))
