"""Builds the Dramatiq broker: Redis when ``REDIS_URL`` is set, else in-memory (embedded default).

The in-memory ``StubBroker`` keeps queued messages only while the process lives; that is safe here
because the outbox, not the broker, is the durable record: the relay sends again any row that was
dispatched but not processed in time
(docs/decisions/0006-in-process-jobs-on-dramatiq-stubbroker.md).
"""

from __future__ import annotations

from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, AsyncIO, Retries, ShutdownNotifications, TimeLimit
from prometheus_client import Counter

from adapters.dramatiq.metrics import JobMetrics, jobs_total

#: Prefix of every Redis key the broker writes; tests use a unique one per run.
DEFAULT_NAMESPACE = "fairarena"
#: Broker-wide defaults; each actor names its own values explicitly (adapters/dramatiq/actors.py).
DEFAULT_MAX_RETRIES = 5
DEFAULT_MIN_BACKOFF_MS = 1_000
DEFAULT_MAX_BACKOFF_MS = 15 * 60_000
DEFAULT_TIME_LIMIT_MS = 5 * 60_000


def build_broker(
    redis_url: str | None, *, namespace: str = DEFAULT_NAMESPACE, counter: Counter | None = None
) -> Broker:
    """A broker with our middleware: metrics, age/time limits, retries, async actors.

    ``counter`` is the ``jobs_total`` counter to increment (default: one on prometheus_client's
    default registry).
    """
    middleware = [
        # First, so it sees the final outcome (see JobMetrics).
        JobMetrics(counter if counter is not None else jobs_total()),
        AgeLimit(),
        TimeLimit(time_limit=DEFAULT_TIME_LIMIT_MS),
        ShutdownNotifications(),
        Retries(
            max_retries=DEFAULT_MAX_RETRIES,
            min_backoff=DEFAULT_MIN_BACKOFF_MS,
            max_backoff=DEFAULT_MAX_BACKOFF_MS,
        ),
        AsyncIO(),
    ]
    if redis_url:
        return RedisBroker(  # type: ignore[no-untyped-call]
            url=redis_url, namespace=namespace, middleware=middleware
        )
    return StubBroker(middleware=middleware)


def is_in_memory(broker: Broker) -> bool:
    """True for the embedded broker, whose worker must run inside this process."""
    return isinstance(broker, StubBroker)
