"""A stop reaches the instance running the generation through Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid

from adapters.redis.cache import redis_client
from adapters.redis.stop_signal import RedisStopSignal
from application.assistant.events import Completed
from application.assistant.generations import Generations


async def test_a_stop_on_one_instance_cancels_the_task_on_another(redis_url):
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    a_redis, b_redis = redis_client(redis_url), redis_client(redis_url)
    a, b = RedisStopSignal(a_redis, prefix), RedisStopSignal(b_redis, prefix)
    running = Generations()
    a.on_stop(running.cancel)
    await a.start()
    await b.start()
    cancelled = asyncio.Event()

    async def slow(emit):
        await a.generating("conv-1")
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            emit(Completed.__new__(Completed))  # the terminal frame a turn would send
            raise
        finally:
            await a.finished("conv-1")

    events = running.start("conv-1", slow)
    reader = asyncio.create_task(anext(events))
    await asyncio.sleep(0.05)
    try:
        assert await b.request_stop("conv-2") is False  # nobody runs it
        assert await b.request_stop("conv-1") is True
        await asyncio.wait_for(cancelled.wait(), 5)
        await asyncio.wait_for(reader, 5)
        await running.drain()
        assert await b.request_stop("conv-1") is False  # the mark is gone
    finally:
        await a.close()
        await b.close()
        await a_redis.aclose()
        await b_redis.aclose()
