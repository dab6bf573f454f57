"""Process lifecycle around the container: build, start, stop.

Every process (the HTTP app, the worker, the scheduler, the CLI) starts with ``start`` and ends
with the stop it returns: ``init_resources`` opens what the infrastructure owns (engine pool,
Redis, asyncpg pool, HTTP sessions: its ``providers.Resource``s) and ``shutdown_resources``
closes it, after the in-process jobs (if any) stopped using it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from entrypoints.config import Settings
from entrypoints.containers import Container

Stop = Callable[[], Awaitable[None]]


def build_container(settings: Settings) -> Container:
    settings.check_production_safety()
    return Container(config=settings)


async def _nothing() -> None:
    return None


async def start(
    container: Container, *, jobs: Callable[[Container], Awaitable[Stop]] | None = None
) -> Stop:
    """Open the container's resources, then start ``jobs`` on them (``serve`` passes the
    in-process relay and worker); returns the stop, which ends the jobs first."""
    await _init(container)
    stop_jobs: Stop = _nothing
    if jobs is not None:
        stop_jobs = await jobs(container)

    async def stop() -> None:
        try:
            await stop_jobs()
        finally:
            await _shutdown(container)

    return stop


async def _init(container: Container) -> None:
    pending = container.init_resources()
    if pending is not None:
        await pending


async def _shutdown(container: Container) -> None:
    pending = container.shutdown_resources()
    if pending is not None:
        await pending
