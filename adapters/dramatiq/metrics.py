"""Prometheus counts of job runs: ``jobs_total{actor, status}``.

``status`` is ``success``, ``retry`` (failed, will run again), ``failed`` (failed for good: retries
exhausted or a permanent error) or ``skipped`` (a middleware skipped it, e.g. too old).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from dramatiq import Broker
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware
from prometheus_client import REGISTRY, CollectorRegistry, Counter

_COUNTERS: WeakKeyDictionary[CollectorRegistry, Counter] = WeakKeyDictionary()


def jobs_total(registry: CollectorRegistry = REGISTRY) -> Counter:
    """A ``jobs_total`` counter on ``registry``, created once per registry (the app passes the
    one its ``/metrics`` exposes)."""
    counter = _COUNTERS.get(registry)
    if counter is None:
        counter = Counter(
            "jobs_total",
            "Background job runs by actor and outcome.",
            ("actor", "status"),
            registry=registry,
        )
        _COUNTERS[registry] = counter
    return counter


class JobMetrics(Middleware):
    """Counts each processed message by outcome.

    Put it first in the middleware list: ``after_*`` hooks run in reverse order, so it then sees
    the message after ``Retries`` has decided whether the failure is final.
    """

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is None:
            status = "success"
        elif message.failed:  # Retries gave up, or the error is in the actor's ``throws``
            status = "failed"
        else:
            status = "retry"
        self.counter.labels(actor=message.actor_name, status=status).inc()

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self.counter.labels(actor=message.actor_name, status="skipped").inc()
