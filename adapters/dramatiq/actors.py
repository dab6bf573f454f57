"""The actor that runs outbox messages, with its retry and time-limit settings named here.

Actors are declared on a given broker (not the global one) so the API, the worker and each test can
build their own. The actor only carries the message to a ``OutboxMessageRunner`` (the application's
dispatcher), which finds the topic's handler and records the message as processed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import dramatiq
from dramatiq import Broker

from adapters.tracing.context import job_span
from application.jobs.errors import PermanentJobFailure, TransientJobFailure
from domain.errors import DomainError

#: Queue of outbox messages.
OUTBOX_QUEUE = "outbox"
#: Actor name; messages in Redis name it, so renaming it orphans queued messages.
RUN_OUTBOX_MESSAGE = "run_outbox_message"
#: Retries after the first attempt, with exponential backoff from min to max (≈ 4 h in total).
OUTBOX_MAX_RETRIES = 12
OUTBOX_MIN_BACKOFF_MS = 2_000
OUTBOX_MAX_BACKOFF_MS = 30 * 60_000
#: One run may take this long before it is interrupted (and retried).
OUTBOX_TIME_LIMIT_MS = 2 * 60_000
#: Errors that retrying cannot fix: the message fails at once. A broken domain rule is one.
OUTBOX_PERMANENT_ERRORS: tuple[type[BaseException], ...] = (PermanentJobFailure, DomainError)

OutboxMessageRunner = Callable[[str, str, Mapping[str, Any]], Awaitable[None]]
"""``(outbox_id, topic, payload)``: runs the topic's handler once per outbox id."""


class SendOnly(RuntimeError):
    """This process publishes outbox messages but does not run them (``serve`` with Redis)."""


def declare_outbox_actor(
    broker: Broker, runner: OutboxMessageRunner | None, *, queue_name: str = OUTBOX_QUEUE
) -> dramatiq.Actor[Any, Any]:
    """Declare ``run_outbox_message`` on ``broker``; its body awaits ``runner``.

    ``runner=None`` declares it for sending only (a process that runs no worker).
    """

    async def run_outbox_message(
        outbox_id: str, topic: str, payload: dict[str, Any], traceparent: str | None = None
    ) -> None:
        if runner is None:
            raise SendOnly("run_outbox_message reached a process without a job runner")
        try:
            with job_span(topic, outbox_id, traceparent):
                await runner(outbox_id, topic, payload)
        except TransientJobFailure as exc:
            if exc.retry_after is None:
                raise
            # The provider said when to come back (429 Retry-After): wait that long, not backoff.
            delay_ms = min(int(exc.retry_after * 1000), OUTBOX_MAX_BACKOFF_MS)
            raise dramatiq.Retry(str(exc), delay=delay_ms) from exc

    decorate = dramatiq.actor(
        broker=broker,
        actor_name=RUN_OUTBOX_MESSAGE,
        queue_name=queue_name,
        max_retries=OUTBOX_MAX_RETRIES,
        min_backoff=OUTBOX_MIN_BACKOFF_MS,
        max_backoff=OUTBOX_MAX_BACKOFF_MS,
        time_limit=OUTBOX_TIME_LIMIT_MS,
        throws=OUTBOX_PERMANENT_ERRORS,
    )
    return decorate(run_outbox_message)
