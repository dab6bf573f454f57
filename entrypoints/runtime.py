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


async def start(container: Container, *, in_process_jobs: bool = True) -> Stop:
    """Open the container's resources (and for ``serve`` the in-process jobs); returns the stop."""
    await _init(container)
    stop_jobs: Stop = _nothing
    if in_process_jobs:
        from entrypoints.jobs.relay_loop import start_in_process_jobs

        stop_jobs = await start_in_process_jobs(container)

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
