"""The realtime bus on Redis: a Stream per user for history, pub/sub for live delivery.

Keys (hash-tagged per user, so a cluster keeps one user's keys together):
``<prefix>:{<user>}:meta`` (epoch, seq, since), ``:events`` (the Stream, ``MAXLEN ~`` history,
entry id ``<seq>-0``), ``:src:<source id>`` (published-once marks), channel ``:live``. One Lua
script assigns the id, appends, refreshes the 24 h expiry and publishes, so live order is id order
on every instance. A user whose meta is gone (expired, Redis lost its data) starts a new epoch,
empty: opening a connection begins it (``head``), a publication that finds it missing begins it
and drops its event (ADR 0074).

Live delivery uses ONE pub/sub connection per process (``PubSubHub``), with a reference count per
user channel; when that connection drops, it reconnects, resubscribes and tells every subscriber
``Interrupted`` so each replays what it may have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from typing import Any, ParamSpec, TypeVar

import orjson
import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from application.realtime.ports import Interrupted, Sink
from domain.realtime.events import (
    HISTORY_EVENTS,
    HISTORY_SECONDS,
    EventId,
    RealtimeEvent,
    RealtimeUnavailable,
    replay_window,
)

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "fa-rt"
#: Pause before the hub reconnects after losing its pub/sub connection (seconds, doubling).
RECONNECT_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0)
#: How long a subscribe waits for Redis to confirm it (seconds).
SUBSCRIBE_TIMEOUT = 5.0

# The stream of a user begins (its meta is missing: never made, expired, or Redis lost its data)
# under a new epoch, at ``since``; the beginning is announced on the live channel (``{"r": epoch}``)
# so every subscriber re-reads the head and, holding an id of the old epoch, is told ``resync``.
_BEGIN = """
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function begin(meta, events, channel, epoch, since, ttl)
  redis.call('DEL', events)
  redis.call('HSET', meta, 'epoch', epoch, 'seq', 0, 'since', string.format('%.6f', since))
  redis.call('EXPIRE', meta, ttl)
  redis.call('PUBLISH', channel, cjson.encode({r = epoch}))
end
"""

# ADR 0074: a publication never begins a stream with its event in it (a missing stream is begun
# empty, and announced), and an event never enters a stream that began after it was raised
# (``raised``: when its commit returned, or for the relay the outbox id's time, a lower bound of
# it). Clients of an older epoch are told ``resync`` and refetch, which covers the event; so a
# wipe between the publication at commit and the relay's cannot deliver it twice.
_PUBLISH = (
    _BEGIN
    + """
local meta, events, mark, channel = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local new_epoch, etype, data, ts, maxlen, ttl, raised =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  begin(meta, events, channel, new_epoch, now(), ttl)
  return false
end
if tonumber(redis.call('HGET', meta, 'since') or '0') > raised then return false end
if not redis.call('SET', mark, '1', 'NX', 'EX', ttl) then return false end
local seq = redis.call('HINCRBY', meta, 'seq', 1)
redis.call('XADD', events, 'MAXLEN', '~', maxlen, seq .. '-0', 'e', epoch, 't', etype, 'd', data,
  'ts', ts)
redis.call('EXPIRE', meta, ttl)
redis.call('EXPIRE', events, ttl)
redis.call('PUBLISH', channel, cjson.encode({e = epoch, s = seq, t = etype, d = data, ts = ts}))
return {epoch, seq}
"""
)

# The head of a user's stream, begun (empty) when missing: every connection holds an id of a real
# epoch, so a later loss of the stream is always seen as a change of epoch.
_HEAD = (
    _BEGIN
    + """
local meta, events, channel = KEYS[1], KEYS[2], KEYS[3]
local new_epoch, ttl = ARGV[1], ARGV[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  epoch = new_epoch
  begin(meta, events, channel, epoch, now(), ttl)
else
  redis.call('EXPIRE', meta, ttl)
end
return {epoch, redis.call('HGET', meta, 'seq')}
"""
)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _outage_is_unavailable(
    method: Callable[_P, Coroutine[Any, Any, _R]],
) -> Callable[_P, Coroutine[Any, Any, _R]]:
    """Redis away (refused, reset, timed out) is ``RealtimeUnavailable`` (503, and a transient
    failure for jobs), never an unknown error (a 500)."""

    @functools.wraps(method)
    async def translated(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return await method(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise RealtimeUnavailable(f"realtime store unreachable: {exc}") from exc

    return translated


def pubsub_client(url: str) -> redis.Redis:
    """The hub's own client: no read timeout (it waits for messages), a connect timeout."""
    return redis.Redis.from_url(url, socket_connect_timeout=2, health_check_interval=30)


@contextlib.asynccontextmanager
async def _answered() -> AsyncIterator[None]:
    """Redis failing or too slow to answer is ``RealtimeUnavailable`` (503), never a 500."""
    try:
        yield
    except (redis.RedisError, OSError, TimeoutError) as exc:
        raise RealtimeUnavailable(f"The realtime bus did not answer: {type(exc).__name__}") from exc


def _keys(prefix: str, user_id: str) -> tuple[str, str, str]:
    base = f"{prefix}:{{{user_id}}}"
    return f"{base}:meta", f"{base}:events", f"{base}:live"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisRealtimeBus:
    def __init__(
        self,
        client: redis.Redis,
        hub: PubSubHub,
        *,
        prefix: str = DEFAULT_PREFIX,
        history: int = HISTORY_EVENTS,
        ttl_seconds: int = HISTORY_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = client
        self._hub = hub
        self._prefix = prefix
        self._history = history
        self._ttl = ttl_seconds
        self._clock = clock
        self._script = client.register_script(_PUBLISH)
        self._head = client.register_script(_HEAD)

    @_outage_is_unavailable
    async def publish(
        self,
        user_id: str,
        type_: str,
        data: Mapping[str, Any],
        *,
        source_id: str,
        raised_at: float | None = None,
    ) -> EventId | None:
        meta, events, channel = _keys(self._prefix, user_id)
        mark = f"{self._prefix}:{{{user_id}}}:src:{source_id}"
        args: list[str | bytes | int] = [
            uuid.uuid4().hex[:12],
            type_,
            orjson.dumps(dict(data)),
            repr(self._clock()),
            self._history,
            self._ttl,
            repr(raised_at) if raised_at is not None else "1e300",
        ]
        async with _answered():
            result = await self._script(keys=[meta, events, mark, channel], args=args)
        if not result:
            return None
        return EventId(_text(result[0]), int(result[1]))

    @_outage_is_unavailable
    async def subscribe(self, user_id: str, sink: Sink) -> Any:
        async with _answered():
            return await self._hub.subscribe(_keys(self._prefix, user_id)[2], sink)

    @_outage_is_unavailable
    async def head(self, user_id: str) -> EventId | None:
        meta, events, channel = _keys(self._prefix, user_id)
        async with _answered():
            epoch, seq = await self._head(
                keys=[meta, events, channel], args=[uuid.uuid4().hex[:12], self._ttl]
            )
        return EventId(_text(epoch), int(_text(seq)))

    @_outage_is_unavailable
    async def replay(self, user_id: str, after: EventId) -> list[RealtimeEvent]:
        meta, events, _ = _keys(self._prefix, user_id)
        async with _answered(), self._redis.pipeline(transaction=True) as pipe:
            pipe.hmget(meta, ["epoch", "seq"])
            pipe.xrange(events, "-", "+", count=1)
            pipe.xrange(events, f"{after.seq + 1}-0", "+")
            (epoch, seq), oldest_rows, rows = await pipe.execute()
        head = EventId(_text(epoch), int(_text(seq))) if epoch is not None else None
        replayed = [_event(fields, entry_id) for entry_id, fields in rows]
        oldest = _event(oldest_rows[0][1], oldest_rows[0][0]).id if oldest_rows else None
        replay_window(after, head, oldest, replayed[0].at if replayed else None, self._clock())
        return replayed

    async def close(self) -> None:
        await self._hub.close()


def _event(fields: Mapping[bytes, bytes], entry_id: Any) -> RealtimeEvent:
    seq = int(_text(entry_id).partition("-")[0])
    return RealtimeEvent(
        EventId(_text(fields[b"e"]), seq),
        _text(fields[b"t"]),
        orjson.loads(fields[b"d"]),
        float(fields[b"ts"]),
    )


def _live_event(payload: bytes) -> RealtimeEvent | Interrupted:
    raw = orjson.loads(payload)
    if "r" in raw:  # the stream began again under a new epoch: re-read it
        return Interrupted()
    return RealtimeEvent(
        EventId(raw["e"], int(raw["s"])), raw["t"], orjson.loads(raw["d"]), float(raw["ts"])
    )


class _HubSubscription:
    def __init__(self, hub: PubSubHub, channel: str, sink: Sink) -> None:
        self._hub: PubSubHub | None = hub
        self._channel = channel
        self._sink = sink

    async def close(self) -> None:
        if self._hub is not None:
            hub, self._hub = self._hub, None
            await hub.unsubscribe(self._channel, self._sink)


class PubSubHub:
    """One pub/sub connection for the whole process, shared by every connected user."""

    def __init__(self, connect: Callable[[], redis.Redis]) -> None:
        self._connect = connect
        self._client: redis.Redis | None = None
        self._pubsub: Any = None
        self._sinks: dict[str, list[Sink]] = {}
        self._confirm: dict[str, asyncio.Future[None]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._closed = False
        self._lost = False  # the pub/sub connection dropped and is not back yet
        self.reconnects = 0

    def channels(self) -> int:
        return len(self._sinks)

    async def _ensure(self) -> None:
        if self._pubsub is None:
            self._client = self._connect()
            self._pubsub = self._client.pubsub()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="realtime-pubsub")

    async def subscribe(self, channel: str, sink: Sink) -> _HubSubscription:
        """Subscribed *before* the caller replays: nothing published later can be missed.

        With Redis away the sink stays registered and the hub reconnects in the background: once
        every channel is subscribed again, the sink is told ``Interrupted`` (and replays or is
        told ``resync``). Never raises for an outage: a client may stay connected through it.
        """
        async with self._lock:
            await self._ensure()
            sinks = self._sinks.setdefault(channel, [])
            sinks.append(sink)
            if self._lost:
                return _HubSubscription(self, channel, sink)  # the reconnect subscribes it
            if len(sinks) == 1:
                confirmed = asyncio.get_running_loop().create_future()
                self._confirm[channel] = confirmed
                try:
                    await self._pubsub.subscribe(channel)
                except (redis.RedisError, OSError) as exc:
                    log.warning("realtime pub/sub lost: %s; reconnecting", exc)
                    self._lost = True
                    return _HubSubscription(self, channel, sink)
            else:
                confirmed = self._confirm.get(channel) or _done()
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_TIMEOUT)
        except TimeoutError:
            log.warning("realtime subscribe not confirmed; reconnecting")
            self._lost = True
        return _HubSubscription(self, channel, sink)

    async def unsubscribe(self, channel: str, sink: Sink) -> None:
        async with self._lock:
            sinks = self._sinks.get(channel)
            if not sinks or sink not in sinks:
                return
            sinks.remove(sink)
            if not sinks:
                del self._sinks[channel]
                self._confirm.pop(channel, None)
                with contextlib.suppress(redis.RedisError, OSError):
                    await self._pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        delays = iter(RECONNECT_DELAYS)
        while not self._closed:
            if self._lost:  # the connection dropped: reconnect (and resubscribe) until it works
                await asyncio.sleep(next(delays, RECONNECT_DELAYS[-1]))
                await self._reconnect()
                continue
            if self._pubsub is None or self._pubsub.connection is None:
                await asyncio.sleep(0.05)  # nothing subscribed yet
                continue
            try:
                message = await self._pubsub.get_message(timeout=1.0)
                delays = iter(RECONNECT_DELAYS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect and resubscribe
                log.warning("realtime pub/sub lost: %s; reconnecting", exc)
                self._lost = True
                continue
            if message is None:
                continue
            channel = _text(message["channel"])
            if message["type"] == "subscribe":
                confirmed = self._confirm.get(channel)
                if confirmed is not None and not confirmed.done():
                    confirmed.set_result(None)
            elif message["type"] == "message":
                delivery = _live_event(message["data"])
                for sink in list(self._sinks.get(channel, ())):
                    sink(delivery)

    async def _reconnect(self) -> None:
        """A new connection subscribed to every channel with a subscriber; then each subscriber
        is told ``Interrupted``. Until it succeeds, ``_lost`` stays set and the reader retries
        (a subscription made meanwhile is resubscribed here too)."""
        async with self._lock:
            old, self._pubsub = self._pubsub, None
            with contextlib.suppress(Exception):
                await old.aclose()
            if self._client is not None:
                with contextlib.suppress(Exception):
                    await self._client.aclose()
            self._client = self._connect()
            self._pubsub = self._client.pubsub()
            try:
                if self._sinks:
                    await self._pubsub.subscribe(*self._sinks)
            except Exception as exc:  # noqa: BLE001 - retried by the reader loop
                log.warning("realtime pub/sub reconnect failed: %s", exc)
                return
            self._lost = False
            self.reconnects += 1
            for confirmed in self._confirm.values():  # subscribed by the call above
                if not confirmed.done():
                    confirmed.set_result(None)
            sinks = [sink for group in self._sinks.values() for sink in group]
        for sink in sinks:  # they may have missed events while the connection was down
            sink(Interrupted())

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.aclose()


def _done() -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future
