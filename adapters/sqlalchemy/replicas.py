"""Read replicas (ADR 0094): read-only use cases read from a fresh replica, a user's reads right
after their own write go to the primary, a lagging or dead replica is bypassed.

- **Lag** is measured on WAL positions, not on clocks: every ``check_interval`` the primary's
  ``pg_current_wal_lsn()`` is sampled with the time it was read; a replica whose
  ``pg_last_wal_replay_lsn()`` has reached the sample taken at time *t* is at most ``now - t``
  behind. A replica more than ``max_lag`` behind, never measured, or unreachable is not used.
- **Read-your-writes** is a window: a user who wrote reads from the primary for
  ``max_lag + 2 * check_interval`` seconds — longer than any replica that is used can be behind.
  Writes are noted by the HTTP layer (an authenticated non-GET request that succeeded) in a
  ``RecentWriters`` store: this process's memory, or Redis so every API process knows.
- A replica that refuses a connection is marked down until the next check; the read goes to
  the primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Protocol, Self

import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.connectivity import is_outage
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork, SqlAlchemyUnitOfWorkFactory
from application.ports.clock import Clock
from application.transient import StorageUnavailable

log = logging.getLogger(__name__)

#: Defaults (settings REPLICA_MAX_LAG_SECONDS, REPLICA_CHECK_INTERVAL_SECONDS).
DEFAULT_MAX_LAG_SECONDS = 2.0
DEFAULT_CHECK_INTERVAL_SECONDS = 0.5
#: A check waits this long for a replica before counting it as down.
CHECK_TIMEOUT_SECONDS = 2.0

#: The signed-in user of the current request (set by the HTTP layer's authentication).
acting_user: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "acting_user", default=None
)


def parse_lsn(text: str) -> int:
    """``'16/B374D848'`` → a comparable integer."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


class RecentWriters(Protocol):
    async def wrote(self, user_id: str) -> None: ...

    async def wrote_recently(self, user_id: str) -> bool: ...


class InProcessRecentWriters:
    """Users who wrote within ``window`` seconds, in this process (one API process)."""

    def __init__(self, window: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._window, self._monotonic = window, monotonic
        self._until: dict[str, float] = {}

    async def wrote(self, user_id: str) -> None:
        now = self._monotonic()
        if len(self._until) > 10_000:  # forget the expired ones now and then
            self._until = {u: t for u, t in self._until.items() if t > now}
        self._until[user_id] = now + self._window

    async def wrote_recently(self, user_id: str) -> bool:
        return self._until.get(user_id, 0.0) > self._monotonic()


class RedisRecentWriters:
    """Users who wrote within ``window`` seconds, shared by every process (a key with a TTL).
    Redis away: every read goes to the primary (safe, slower)."""

    def __init__(self, client: Redis, window: float, prefix: str = "fa:ryw") -> None:
        self._redis = client
        self._ms = max(1, int(window * 1000))
        self._prefix = prefix

    async def wrote(self, user_id: str) -> None:
        try:
            await self._redis.set(f"{self._prefix}:{user_id}", 1, px=self._ms)
        except Exception as exc:  # noqa: BLE001 - Redis down: reads go to the primary anyway
            log.warning("replicas.write_mark_failed: %s", exc)

    async def wrote_recently(self, user_id: str) -> bool:
        try:
            return bool(await self._redis.exists(f"{self._prefix}:{user_id}"))
        except Exception:  # noqa: BLE001 - unknown: the primary is always right
            return True


@dataclass
class Replica:
    name: str
    engine: AsyncEngine
    lag_seconds: float = float("inf")  # unknown until measured
    down: bool = False

    @property
    def host(self) -> str:
        url = self.engine.url
        return f"{url.host}:{url.port}"


@dataclass
class ReplicaSet:
    """The replicas of one primary and how far behind each is."""

    primary: AsyncEngine
    replicas: list[Replica]
    max_lag_seconds: float = DEFAULT_MAX_LAG_SECONDS
    check_interval_seconds: float = DEFAULT_CHECK_INTERVAL_SECONDS
    monotonic: Callable[[], float] = time.monotonic
    #: Told every measurement as ``(replica host, lag seconds)`` (the metric).
    observe: Callable[[str, float], None] = lambda _host, _lag: None
    _samples: deque[tuple[float, int]] = field(default_factory=deque)

    @property
    def read_your_writes_window(self) -> float:
        return self.max_lag_seconds + 2 * self.check_interval_seconds

    def pick(self) -> Replica | None:
        usable = [r for r in self.replicas if not r.down and r.lag_seconds <= self.max_lag_seconds]
        return random.choice(usable) if usable else None  # noqa: S311 - load spreading only

    def mark_down(self, replica: Replica) -> None:
        if not replica.down:
            log.warning("replicas.down %s: reads go elsewhere until it answers", replica.host)
        replica.down = True

    async def check(self) -> None:
        """Sample the primary's WAL position, then measure every replica against the samples."""
        async with self.primary.connect() as conn:
            lsn = (await conn.execute(sa.text("SELECT pg_current_wal_lsn()::text"))).scalar_one()
        now = self.monotonic()
        self._samples.append((now, parse_lsn(lsn)))
        horizon = now - 10 * max(self.max_lag_seconds, self.check_interval_seconds)
        while len(self._samples) > 1 and self._samples[0][0] < horizon:
            self._samples.popleft()
        await asyncio.gather(*(self._measure(replica) for replica in self.replicas))

    async def _measure(self, replica: Replica) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                async with replica.engine.connect() as conn:
                    text = (
                        await conn.execute(sa.text("SELECT pg_last_wal_replay_lsn()::text"))
                    ).scalar_one()
        except (TimeoutError, OSError, sa.exc.SQLAlchemyError) as exc:
            if isinstance(exc, sa.exc.SQLAlchemyError) and not is_outage(exc):
                raise
            replica.lag_seconds = float("inf")
            self.mark_down(replica)
            self.observe(replica.host, replica.lag_seconds)
            return
        if replica.down:
            log.warning("replicas.up %s", replica.host)
        replica.down = False
        replayed = parse_lsn(text) if text else -1  # NULL: not a standby — never used
        reached = [at for at, position in self._samples if position <= replayed]
        lag = self.monotonic() - max(reached) if reached else float("inf")
        if lag > self.max_lag_seconds >= replica.lag_seconds:
            log.warning("replicas.lagging %s: %.1f s behind, bypassed", replica.host, lag)
        replica.lag_seconds = lag
        self.observe(replica.host, lag)

    async def run(self, stop: asyncio.Event) -> None:
        """Check every interval until ``stop``; a failed primary sample is retried next time."""
        while not stop.is_set():
            try:
                await self.check()
            except Exception as exc:  # noqa: BLE001 - the primary is away: keep the last view
                log.warning("replicas.check_failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.check_interval_seconds)

    async def dispose(self) -> None:
        await asyncio.gather(*(r.engine.dispose() for r in self.replicas))


class ReplicaUnitOfWork(SqlAlchemyUnitOfWork):
    """A read-only unit of work on a fresh replica, or on the primary when none is fresh, the
    user wrote recently, or the replica chosen refuses the connection."""

    def __init__(
        self, routing: ReplicaRoutedFactory, clock: Clock, names: Collection[str] | None
    ) -> None:
        super().__init__(routing.engine, clock, names)
        self._routing = routing

    async def __aenter__(self) -> Self:
        replica = await self._routing.choose()
        if replica is None:
            return await super().__aenter__()
        self._engine = replica.engine
        try:
            return await super().__aenter__()
        except StorageUnavailable:
            self._routing.replicas.mark_down(replica)
            self._engine = self._routing.engine
            return await super().__aenter__()


class ReplicaRoutedFactory(SqlAlchemyUnitOfWorkFactory):
    """``infrastructure.read_uow`` when ``DATABASE_REPLICA_URLS`` is set: for read-only use
    cases only (a replica refuses writes; so does this factory's unit on the primary, ADR 0127)."""

    read_only = True

    def __init__(
        self,
        primary: SqlAlchemyUnitOfWorkFactory,
        replicas: ReplicaSet,
        writers: RecentWriters,
        clock: Clock,
    ) -> None:
        super().__init__(primary.engine, clock)
        self.replicas = replicas
        self._writers = writers
        self._clock_ = clock

    async def choose(self) -> Replica | None:
        user = acting_user.get()
        if user is not None and await self._writers.wrote_recently(user):
            return None
        return self.replicas.pick()

    def _unit(self, names: frozenset[str] | None) -> SqlAlchemyUnitOfWork:
        return ReplicaUnitOfWork(self, self._clock_, names)
