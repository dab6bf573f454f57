"""Builds the Dramatiq broker from its URL: ``amqp(s)://`` RabbitMQ, ``redis(s)://`` Redis, none:
in-memory (embedded default). RabbitMQ is chosen with ``BROKER_URL`` (ADR 0092).

The in-memory ``StubBroker`` keeps queued messages only while the process lives; that is safe here
because the outbox, not the broker, is the durable record: the relay sends again any row that was
dispatched but not processed in time
(docs/decisions/0006-in-process-jobs-on-dramatiq-stubbroker.md).
"""

from __future__ import annotations

import pika
from dramatiq import Broker
from dramatiq.brokers.rabbitmq import RabbitmqBroker
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
#: URL schemes that select RabbitMQ; the namespace does not apply there (a vhost isolates).
RABBITMQ_SCHEMES = ("amqp://", "amqps://")


def build_broker(
    url: str | None, *, namespace: str = DEFAULT_NAMESPACE, counter: Counter | None = None
) -> Broker:
    """A broker with our middleware: metrics, age/time limits, retries, async actors.

    ``url`` picks the broker (RabbitMQ, Redis, or in-memory when None); ``namespace`` prefixes
    the Redis keys. ``counter`` is the ``jobs_total`` counter to increment (default: one on
    prometheus_client's default registry).
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
    kind = broker_kind(url)
    if kind == "rabbitmq":
        # Retries go through its delay queue (<queue>.DQ); a message out of retries, or failed
        # by a permanent error, is dead-lettered to <queue>.XQ (kept 7 days) for inspection.
        return RabbitmqBroker(url=url, middleware=middleware)
    if kind == "redis":
        return RedisBroker(  # type: ignore[no-untyped-call]
            url=url, namespace=namespace, middleware=middleware
        )
    return StubBroker(middleware=middleware)


def broker_kind(url: str | None) -> str:
    """``rabbitmq``, ``redis`` or ``in-memory``: which broker ``build_broker(url)`` builds."""
    if url and url.startswith(RABBITMQ_SCHEMES):
        return "rabbitmq"
    return "redis" if url else "in-memory"


def probe_rabbitmq(url: str, timeout_seconds: float = 2.0) -> None:
    """Open and close one AMQP connection (blocking; ``/healthz`` runs it in a thread)."""
    parameters = pika.URLParameters(url)
    parameters.socket_timeout = parameters.blocked_connection_timeout = timeout_seconds
    parameters.connection_attempts, parameters.retry_delay = 1, 0
    pika.BlockingConnection(parameters).close()


def is_in_memory(broker: Broker) -> bool:
    """True for the embedded broker, whose worker must run inside this process."""
    return isinstance(broker, StubBroker)
