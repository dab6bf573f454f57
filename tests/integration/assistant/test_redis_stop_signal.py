"""A stop reaches the instance running the generation through Redis pub/sub; every instance
answers from its own running generations, so starting one announces nothing (ADR 0080)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.redis.cache import redis_client
from adapters.redis.stop_signal import RedisStopSignal
from application.assistant.events import Completed
from application.assistant.generations import Generations


@pytest.fixture
async def instances(redis_url: str) -> AsyncIterator[list[tuple[RedisStopSignal, Generations]]]:
    """Three instances on one Redis, each with its own running generations."""
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    clients: list[Redis] = []
    found: list[tuple[RedisStopSignal, Generations]] = []
    for _ in range(3):
        client = redis_client(redis_url)
        clients.append(client)
        signal, running = RedisStopSignal(client, prefix), Generations()
        signal.on_stop(running.cancel)
        await signal.start()
        found.append((signal, running))
    yield found
    for signal, running in found:
        await signal.close()
        await running.drain()
    for client in clients:
        await client.aclose()


async def test_a_stop_on_one_instance_cancels_the_task_on_another(instances):
    (a, running), (b, _), _c = instances
    cancelled = asyncio.Event()

    async def slow(emit):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            emit(Completed.__new__(Completed))  # the terminal frame a turn would send
            raise

    events = running.start("conv-1", slow)
    reader = asyncio.create_task(anext(events))
    await asyncio.sleep(0)  # started: nothing was announced anywhere
    assert await b.request_stop("conv-2") is False  # nobody runs it
    assert await b.request_stop("conv-1") is True
    await asyncio.wait_for(cancelled.wait(), 5)
    await asyncio.wait_for(reader, 5)
    await running.drain()
    assert await b.request_stop("conv-1") is False  # it ended
    assert await a.request_stop("conv-1") is False


async def test_no_instance_running_it_is_known_once_all_answered_not_after_a_timeout(instances):
    (a, _), _b, _c = instances
    started = time.monotonic()
    assert await a.request_stop("nobody-runs-this") is False
    assert time.monotonic() - started < 1.0  # every instance answered; the timeout is 2 s


async def test_an_instance_that_does_not_answer_makes_the_stop_false_after_the_timeout(redis_url):
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    asker_redis, mute_redis = redis_client(redis_url), redis_client(redis_url)
    asker = RedisStopSignal(asker_redis, prefix, answer_timeout_seconds=0.3)
    mute = mute_redis.pubsub()
    await mute.subscribe(asker.channel)  # hears stops, never answers (a stalled instance)
    await asker.start()
    try:
        started = time.monotonic()
        assert await asker.request_stop("conv-4") is False
        assert 0.25 < time.monotonic() - started < 2.0
    finally:
        await asker.close()
        await mute.aclose()
        await asker_redis.aclose()
        await mute_redis.aclose()
