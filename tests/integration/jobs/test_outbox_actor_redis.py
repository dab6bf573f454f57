"""The outbox actor through a real Redis broker (a unique key namespace per test run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry

from adapters.dramatiq.actors import OUTBOX_QUEUE, RUN_OUTBOX_MESSAGE, declare_outbox_actor
from adapters.dramatiq.broker import build_broker, is_in_memory
from adapters.dramatiq.in_process import InProcessWorker
from adapters.dramatiq.metrics import jobs_total
from adapters.email.errors import EmailDeliveryFailed
from tests.integration.jobs.redis_service import REDIS_TEST_URL, require_redis, unique_namespace
from tests.integration.jobs.test_outbox_actor_in_process import Runner
from tests.integration.jobs.waiting import wait_until

pytestmark = pytest.mark.integration  # registered in pyproject


@pytest.fixture
def namespace() -> Iterator[str]:
    yield from unique_namespace()


def count(registry: CollectorRegistry, status: str) -> float:
    return (
        registry.get_sample_value("jobs_total", {"actor": RUN_OUTBOX_MESSAGE, "status": status})
        or 0.0
    )


def test_a_message_sent_through_redis_is_run_by_the_worker(namespace: str) -> None:
    registry, runner = CollectorRegistry(), Runner(EmailDeliveryFailed("503"), fail_times=1)
    producer = build_broker(
        REDIS_TEST_URL, namespace=namespace, counter=jobs_total(CollectorRegistry())
    )
    consumer = build_broker(REDIS_TEST_URL, namespace=namespace, counter=jobs_total(registry))
    assert not is_in_memory(producer)
    # Two brokers, as in production: the API/relay process sends, the worker process runs.
    sender = declare_outbox_actor(producer, Runner())
    declare_outbox_actor(consumer, runner)
    sender.send_with_options(
        args=("id-r", "send_email", {"to": "a@example.com"}), min_backoff=10, max_backoff=20
    )
    client = require_redis()
    # The message waits in Redis under our namespace until a worker takes it.
    assert client.hlen(f"{namespace}:{OUTBOX_QUEUE}.msgs") == 1
    worker = InProcessWorker(consumer)
    worker.start()
    try:
        wait_until(lambda: count(registry, "success") == 1, timeout=20)
    finally:
        worker.stop(timeout_ms=5_000)
        producer.close()
        consumer.close()
        client.close()
    assert [call[:2] for call in runner.calls] == [("id-r", "send_email")] * 2
    assert count(registry, "retry") == 1
