"""The job side of a process: broker, the outbox actor and what it runs, built from settings.

Actors run on Dramatiq's event loop thread (the AsyncIO middleware), so ``JobRuntime`` builds
its own container there on first use: the database engine and HTTP sessions of jobs belong to
that loop, and are closed on it when the worker shuts down (docs/decisions/0006).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq import Broker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import Middleware

from adapters.dramatiq.actors import declare_outbox_actor
from adapters.dramatiq.broker import build_broker
from application.jobs.dispatch import DispatchOutboxMessage
from entrypoints import runtime
from entrypoints.config import Settings
from entrypoints.containers import Container
from entrypoints.jobs.handlers import outbox_handlers
from entrypoints.observability import JOBS_TOTAL
from entrypoints.runtime import Stop

ContainerFactory = Callable[[Settings], Container]


def default_container(settings: Settings) -> Container:
    return Container(config=settings)


class JobRuntime:
    """What the outbox actor runs, built lazily on the loop that runs jobs."""

    def __init__(
        self, settings: Settings, container_factory: ContainerFactory = default_container
    ) -> None:
        self._settings = settings
        self._factory = container_factory
        self._container: Container | None = None
        self._opened: asyncio.Future[tuple[DispatchOutboxMessage, Stop]] | None = None

    @property
    def container(self) -> Container:
        if self._container is None:
            self._container = self._factory(self._settings)
        return self._container

    async def _open(self) -> tuple[DispatchOutboxMessage, Stop]:
        container = self.container
        stop = await runtime.start(container)
        dispatch = DispatchOutboxMessage(
            container.infrastructure.uow(), outbox_handlers(container), container.core.clock()
        )
        return dispatch, stop

    async def run(self, message_id: str, topic: str, payload: Mapping[str, Any]) -> None:
        if self._opened is None:  # no await before the assignment: one loop, no race
            self._opened = asyncio.ensure_future(self._open())
        dispatch, _ = await self._opened
        await dispatch(message_id, topic, payload)

    async def close(self) -> None:
        opened, self._opened, self._container = self._opened, None, None
        if opened is None:
            return
        _, stop = await opened
        await stop()


class CloseRuntimeOnShutdown(Middleware):
    """Closes the runtime on the jobs loop after the worker threads stopped, before the loop does.

    Added last: ``after_*`` hooks run in reverse order, so this runs before AsyncIO's.
    """

    def __init__(self, runtime: JobRuntime) -> None:
        self._runtime = runtime

    def after_worker_shutdown(self, broker: Broker, worker: Any) -> None:
        loop_thread = get_event_loop_thread()
        if loop_thread is not None:
            loop_thread.run_coroutine(self._runtime.close())


@dataclass
class JobSide:
    broker: Broker
    actor: dramatiq.Actor[Any, Any]
    runtime: JobRuntime | None


def build_job_side(
    settings: Settings, *, runs_jobs: bool, container_factory: ContainerFactory = default_container
) -> JobSide:
    """The broker and the outbox actor; with ``runs_jobs`` also the runtime that executes it."""
    broker = build_broker(
        settings.job_broker_url, namespace=settings.broker_namespace, counter=JOBS_TOTAL
    )
    runtime = JobRuntime(settings, container_factory) if runs_jobs else None
    if runtime is not None:
        broker.add_middleware(CloseRuntimeOnShutdown(runtime))
    actor = declare_outbox_actor(broker, runtime.run if runtime is not None else None)
    return JobSide(broker, actor, runtime)
