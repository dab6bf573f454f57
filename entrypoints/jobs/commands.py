"""Bodies of ``fairarena worker`` and ``fairarena scheduler``: run until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

from prometheus_client import start_http_server

from adapters.dramatiq.broker import broker_kind
from application.jobs.scheduler import Scheduler
from entrypoints import runtime
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.jobs.relay_loop import start_jobs
from entrypoints.jobs.schedule import periodic_jobs
from entrypoints.observability import REGISTRY

log = logging.getLogger(__name__)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def run_worker(settings: Settings, *, threads: int) -> None:
    """Dramatiq worker + outbox relay, in one process."""
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, registry=REGISTRY)
    container = Container(config=settings)
    close = await runtime.start(container)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    stop_jobs = await start_jobs(container, threads=threads)
    log.info(
        "worker started (%s broker, %d threads)",
        broker_kind(settings.job_broker_url),
        threads,
    )
    try:
        await stop.wait()
    finally:
        try:
            await stop_jobs()
        finally:
            await close()


async def run_scheduler(settings: Settings) -> None:
    """Ticks the periodic jobs until stopped."""
    container = Container(config=settings)
    close = await runtime.start(container)
    scheduler = Scheduler(
        container.infrastructure.uow(), container.core.clock(), periodic_jobs(container)
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    log.info("scheduler started: %s", ", ".join(job.name for job in scheduler.jobs))
    try:
        await scheduler.run(stop)
    finally:
        await close()
