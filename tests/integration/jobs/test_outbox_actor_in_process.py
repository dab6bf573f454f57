"""The outbox actor on the embedded broker: StubBroker + a Dramatiq worker in this process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from adapters.dramatiq.actors import (
    OUTBOX_MAX_RETRIES,
    OUTBOX_TIME_LIMIT_MS,
    RUN_OUTBOX_MESSAGE,
    declare_outbox_actor,
)
from adapters.dramatiq.broker import build_broker, is_in_memory
from adapters.dramatiq.in_process import InProcessWorker
from adapters.dramatiq.metrics import jobs_total
from adapters.email.errors import EmailDeliveryFailed, EmailRejected
from domain.errors import NotFound
from tests.integration.jobs.waiting import wait_until

FAST_RETRY = {"min_backoff": 10, "max_backoff": 20}


class Runner:
    """Records calls; fails the first ``fail_times`` calls with ``error``."""

    def __init__(
        self, error: BaseException | None = None, fail_times: int = 0, sleep: float = 0.0
    ) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.error, self.fail_times, self.sleep = error, fail_times, sleep
        self.loops: set[int] = set()
        self.lock = threading.Lock()

    async def __call__(self, outbox_id: str, topic: str, payload: Mapping[str, Any]) -> None:
        self.loops.add(id(asyncio.get_running_loop()))
        with self.lock:
            self.calls.append((outbox_id, topic, dict(payload)))
            attempt = len(self.calls)
        if self.sleep:
            await asyncio.sleep(self.sleep)
        if self.error is not None and attempt <= self.fail_times:
            raise self.error


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def count(registry: CollectorRegistry, status: str) -> float:
    value = registry.get_sample_value("jobs_total", {"actor": RUN_OUTBOX_MESSAGE, "status": status})
    return value or 0.0


def start(registry: CollectorRegistry, runner: Runner) -> Iterator[Any]:
    broker = build_broker(None, counter=jobs_total(registry))
    assert is_in_memory(broker)
    actor = declare_outbox_actor(broker, runner)
    worker = InProcessWorker(broker)
    worker.start()
    try:
        yield actor
    finally:
        worker.stop(timeout_ms=5_000)
        broker.close()


def test_the_actor_awaits_the_runner_with_the_message(registry: CollectorRegistry) -> None:
    runner = Runner()
    for actor in start(registry, runner):
        actor.send("id-1", "send_email", {"to": "a@example.com"})
        wait_until(lambda: count(registry, "success") == 1)
    assert runner.calls == [("id-1", "send_email", {"to": "a@example.com"})]


def test_a_transient_failure_is_retried_until_it_succeeds(registry: CollectorRegistry) -> None:
    runner = Runner(EmailDeliveryFailed("Resend answered 503"), fail_times=2)
    for actor in start(registry, runner):
        actor.send_with_options(args=("id-2", "send_email", {}), **FAST_RETRY)
        wait_until(lambda: count(registry, "success") == 1)
    assert len(runner.calls) == 3
    assert count(registry, "retry") == 2 and count(registry, "failed") == 0


@pytest.mark.parametrize(
    "error", [EmailRejected("bad sender", status=422), NotFound("user is gone")]
)
def test_a_permanent_failure_is_not_retried(
    registry: CollectorRegistry, error: BaseException
) -> None:
    runner = Runner(error, fail_times=99)
    for actor in start(registry, runner):
        actor.send_with_options(args=("id-3", "send_email", {}), **FAST_RETRY)
        wait_until(lambda: count(registry, "failed") == 1)
    assert len(runner.calls) == 1 and count(registry, "retry") == 0


def test_retries_stop_after_max_retries(registry: CollectorRegistry) -> None:
    runner = Runner(EmailDeliveryFailed("down"), fail_times=99)
    for actor in start(registry, runner):
        actor.send_with_options(args=("id-4", "t", {}), max_retries=2, **FAST_RETRY)
        wait_until(lambda: count(registry, "failed") == 1)
    assert len(runner.calls) == 3 and count(registry, "retry") == 2


def test_a_job_over_its_time_limit_is_interrupted(registry: CollectorRegistry) -> None:
    runner = Runner(sleep=30)
    for actor in start(registry, runner):
        actor.send_with_options(args=("id-5", "t", {}), time_limit=300, max_retries=0)
        wait_until(lambda: count(registry, "failed") == 1, timeout=10)
    assert len(runner.calls) == 1


def test_the_actor_names_its_settings_explicitly(registry: CollectorRegistry) -> None:
    broker = build_broker(None, counter=jobs_total(registry))
    actor = declare_outbox_actor(broker, Runner())
    assert actor.options["max_retries"] == OUTBOX_MAX_RETRIES
    assert actor.options["time_limit"] == OUTBOX_TIME_LIMIT_MS
    assert {"min_backoff", "max_backoff", "throws"} <= set(actor.options)
    broker.close()


def test_jobs_share_one_event_loop_so_loop_bound_clients_can_be_reused(
    registry: CollectorRegistry,
) -> None:
    runner = Runner()
    for actor in start(registry, runner):
        for n in range(5):
            actor.send(f"id-{n}", "t", {})
        wait_until(lambda: count(registry, "success") == 5)
    assert len(runner.loops) == 1


def test_a_retry_after_from_the_provider_replaces_the_backoff(registry: CollectorRegistry) -> None:
    # Backoff of a minute would time the test out: only Retry-After (50 ms) lets it pass.
    runner = Runner(EmailDeliveryFailed("429", status=429, retry_after=0.05), fail_times=1)
    for actor in start(registry, runner):
        actor.send_with_options(args=("id-6", "t", {}), min_backoff=60_000, max_backoff=60_000)
        wait_until(lambda: count(registry, "success") == 1, timeout=5)
    assert len(runner.calls) == 2 and count(registry, "retry") == 1
