"""Running the outbox relay next to a worker (``serve`` in-process, or ``fairarena worker``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from dependency_injector import providers

from adapters.dramatiq.broker import is_in_memory
from adapters.dramatiq.in_process import InProcessWorker
from adapters.dramatiq.publisher import DramatiqPublisher
from application.jobs.relay import OutboxRelay
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.jobs.worker import ContainerFactory, JobSide, build_job_side, default_container

Stopper = Callable[[], Awaitable[None]]


def build_relay(container: Container, side: JobSide) -> OutboxRelay:
    settings = container.config()
    return OutboxRelay(
        container.infrastructure.uow(),
        DramatiqPublisher(side.actor),
        container.core.clock(),
        redeliver_after=timedelta(seconds=settings.outbox_redeliver_after_seconds),
    )


async def start_jobs(
    container: Container, *, threads: int, container_factory: ContainerFactory = default_container
) -> Stopper:
    """Start a Dramatiq worker (threads) and the relay (a task on this loop); returns the stop.

    The relay uses ``container`` (this loop); the jobs get their own container on the worker's
    loop. With the in-memory broker, rows dispatched by a previous process are published again
    first: the broker that held them is gone.
    """
    side = build_job_side(container.config(), runs_jobs=True, container_factory=container_factory)
    worker = InProcessWorker(side.broker, threads=threads)
    await asyncio.to_thread(worker.start)
    relay = build_relay(container, side)
    if is_in_memory(side.broker):
        await relay.recover()
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop), name="outbox-relay")

    async def stopper() -> None:
        stop.set()
        await task
        await asyncio.to_thread(worker.stop)
        side.broker.close()

    return stopper


async def start_in_process_jobs(container: Container) -> Stopper:
    """``serve``'s start-up hook: jobs and relay in this process when no broker is configured."""
    settings = container.config()
    if settings.job_broker_url or not settings.jobs_in_process:

        async def nothing() -> None:
            return None

        return nothing
    return await start_jobs(
        container, threads=settings.worker_threads, container_factory=sharing_cache_with(container)
    )


def sharing_cache_with(api: Container) -> ContainerFactory:
    """Jobs run in this process share the API's memory cache and realtime bus (no Redis to share
    otherwise), so their realtime events reach this process's connections and their invalidations
    (a deleted user's principal, an unread count) reach the API at once."""
    cache = api.infrastructure.cache()
    bus = api.infrastructure.realtime_bus()  # in-process bus: events reach this process's clients

    def make(settings: Settings) -> Container:
        jobs = default_container(settings)
        jobs.infrastructure.cache.override(providers.Object(cache))
        jobs.infrastructure.realtime_bus.override(providers.Object(bus))
        return jobs

    return make
