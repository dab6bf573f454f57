"""The outbox actor through the real RabbitMQ (a private vhost per test): delivery, retries
through the delay queue, and dead letters (ADR 0092)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pika.exceptions import AMQPConnectionError
from prometheus_client import CollectorRegistry

from adapters.dramatiq.actors import OUTBOX_QUEUE, RUN_OUTBOX_MESSAGE, declare_outbox_actor
from adapters.dramatiq.broker import broker_kind, build_broker, is_in_memory
from adapters.dramatiq.in_process import InProcessWorker
from adapters.dramatiq.metrics import jobs_total
from adapters.email.errors import EmailDeliveryFailed
from application.jobs.errors import PermanentJobFailure
from entrypoints.health import health_checks
from tests.fixtures.private_servers import free_port
from tests.fixtures.rabbitmq import dead_letters, private_vhost, queue_depth
from tests.integration.jobs.test_outbox_actor_in_process import Runner
from tests.integration.jobs.waiting import wait_until

pytestmark = pytest.mark.integration

FAST_RETRY = {"min_backoff": 10, "max_backoff": 20}
#: Generous: the machine is shared and small.
DEADLINE_SECONDS = 60


@pytest.fixture
def amqp() -> Iterator[str]:
    with private_vhost() as url:
        yield url


def count(registry: CollectorRegistry, status: str) -> float:
    return (
        registry.get_sample_value("jobs_total", {"actor": RUN_OUTBOX_MESSAGE, "status": status})
        or 0.0
    )


class Consumer:
    """A worker process's side: its own broker, actor and worker threads."""

    def __init__(self, url: str, runner: Runner) -> None:
        self.registry = CollectorRegistry()
        self.broker = build_broker(url, counter=jobs_total(self.registry))
        declare_outbox_actor(self.broker, runner)
        self.worker = InProcessWorker(self.broker)

    def __enter__(self) -> Consumer:
        self.worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop(timeout_ms=10_000)
        self.broker.close()


def send(url: str, message_id: str, **options: object) -> None:
    """The relay's side: a broker that only publishes."""
    producer = build_broker(url, counter=jobs_total(CollectorRegistry()))
    try:
        actor = declare_outbox_actor(producer, None)
        actor.send_with_options(
            args=(message_id, "send_email", {"to": "a@example.com"}), **FAST_RETRY, **options
        )
    finally:
        producer.close()


def test_amqp_urls_select_rabbitmq_and_redis_stays_the_default() -> None:
    assert broker_kind("amqp://guest:guest@127.0.0.1:5672/x") == "rabbitmq"
    assert broker_kind("amqps://u:p@mq.internal/x") == "rabbitmq"
    assert broker_kind("redis://127.0.0.1:6379/0") == "redis"
    assert broker_kind(None) == "in-memory"


def test_a_message_waits_in_rabbitmq_until_a_worker_runs_it_after_a_retry(amqp: str) -> None:
    send(amqp, "id-q")
    # Durable in the broker, not in this process: the queue holds it before any worker exists.
    assert queue_depth(amqp, OUTBOX_QUEUE) == 1
    runner = Runner(EmailDeliveryFailed("503"), fail_times=1)
    with Consumer(amqp, runner) as consumer:
        assert not is_in_memory(consumer.broker)
        wait_until(lambda: count(consumer.registry, "success") == 1, timeout=DEADLINE_SECONDS)
    assert [call[:2] for call in runner.calls] == [("id-q", "send_email")] * 2
    assert count(consumer.registry, "retry") == 1
    assert queue_depth(amqp, OUTBOX_QUEUE) == 0
    assert dead_letters(amqp, OUTBOX_QUEUE) == []


def test_a_permanent_failure_is_dead_lettered_at_once(amqp: str) -> None:
    runner = Runner(PermanentJobFailure("unknown template"), fail_times=10)
    send(amqp, "id-p")
    with Consumer(amqp, runner) as consumer:
        wait_until(lambda: count(consumer.registry, "failed") == 1, timeout=DEADLINE_SECONDS)
        wait_until(lambda: queue_depth(amqp, f"{OUTBOX_QUEUE}.XQ") == 1, timeout=DEADLINE_SECONDS)
    assert len(runner.calls) == 1
    [body] = dead_letters(amqp, OUTBOX_QUEUE)
    assert json.loads(body)["args"][0] == "id-p"


def test_a_message_out_of_retries_is_dead_lettered(amqp: str) -> None:
    runner = Runner(EmailDeliveryFailed("503"), fail_times=10)
    send(amqp, "id-x", max_retries=2)
    with Consumer(amqp, runner) as consumer:
        wait_until(lambda: count(consumer.registry, "failed") == 1, timeout=DEADLINE_SECONDS)
        wait_until(lambda: queue_depth(amqp, f"{OUTBOX_QUEUE}.XQ") == 1, timeout=DEADLINE_SECONDS)
    assert len(runner.calls) == 3  # the first attempt and two retries
    assert count(consumer.registry, "retry") == 2
    [body] = dead_letters(amqp, OUTBOX_QUEUE)
    assert json.loads(body)["args"][0] == "id-x"


async def test_healthz_probes_rabbitmq_when_it_is_the_broker(amqp: str) -> None:
    probes = health_checks(None, None, amqp)
    broker = probes["broker"]
    assert broker is not None
    await broker()  # reachable: no error
    down = health_checks(None, None, f"amqp://guest:guest@127.0.0.1:{free_port()}/x")["broker"]
    assert down is not None
    with pytest.raises(AMQPConnectionError):
        await down()
