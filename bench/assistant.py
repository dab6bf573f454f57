"""AI assistant benchmark: ``POST /api/v1/ai/stream`` against the fake Gemini at 20 ms a chunk.

    .venv/bin/python -m bench.assistant [--duration 10] [--levels 100,250,500] [--json out.json]

Creates its own PostgreSQL database (dropped at the end), starts the fake Gemini server
(tests/fixtures/fake_gemini.py, its own process, a fixed delay before every streamed event) and
one ``fairarena serve`` process on that database with Redis and the Gemini adapter pointed at the
fake (``GEMINI_BASE_URL``), the daily quota and the default rate limit raised out of the way.
The per-user route limit of ``/ai/stream`` (30/minute) stays: requests are spread over a pool of
dev users so no user goes over it. Then, from this process (aiohttp client):

1. ceiling: first-chunk latency of the fake itself, ``:streamGenerateContent?alt=sse`` called
   directly, at ``--concurrency`` clients for ``--duration`` seconds;
2. service: first-chunk latency of ``POST /api/v1/ai/stream`` (time to the first
   ``{"type":"chunk"}`` frame) the same way; added latency = service - ceiling (p50, p99), and
   the service process's CPU per request (utime + stime from /proc);
3. concurrent streams: for each level N, N streaming turns started over ``--ramp-seconds``,
   each reply streaming for ``--stream-seconds`` (one chunk per 20 ms): how many completed
   without error, first-chunk p50/p99, the most streams open at once, CPU per request.

``--profile FILE`` samples the service with py-spy during (2). ``--round-trips N`` runs instead
N pairs of turns one at a time (a new conversation, one message more in it) through counting
proxies in front of PostgreSQL and Redis (``bench/_round_trips.py``) and prints the round trips
of each before its first chunk and in all (``BENCH_SHOW_TRIPS=1``: each one's first bytes too).

Targets (issue 10): >= 500 concurrent streams, first-chunk overhead p99 < 25 ms. Loopback only;
bounded in time (about 2 x duration + levels x (stream + ramp + settling) seconds, 2-3 minutes
with the defaults). Figures and how to read them: docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from adapters.dev_identity.dev_tokens import issue_dev_token
from adapters.sqlalchemy.migrate import upgrade
from bench._round_trips import ProxiesThread
from bench.http_api import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    REDIS_URL,
    ROOT,
    bench_database,
    free_port,
    machine,
    start_py_spy,
    wait_until_up,
)

DEV_SECRET = "bench-dev-secret-" + "a" * 32
FAKE_API_KEY = "fake-gemini-key"  # tests/fixtures/fake_gemini.py API_KEY
MODEL = "gemini-bench"
CHUNK_DELAY_SECONDS = 0.020
TARGETS = {"concurrent_streams": 500, "first_chunk_overhead_p99_ms": 25.0}
ROUTE_LIMIT_PER_MINUTE = 30  # MESSAGE_LIMIT of /api/v1/ai/stream, per user
SHORT_MESSAGE = "Hello assistant, how are you"  # the fake echoes it: 6 chunks + the final event
REQUEST_TIMEOUT_SECONDS = 120.0


@dataclass
class Sample:
    first_chunk_ms: float | None = None
    ok: bool = False
    error: str | None = None
    detail: str = ""  # the end of the body, for a failed call


@dataclass
class Phase:
    name: str
    concurrency: int
    requests: int
    errors: int
    first_chunk_p50_ms: float
    first_chunk_p99_ms: float
    seconds: float
    peak_open_streams: int = 0
    cpu_us_per_request: float | None = None
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_examples: dict[str, str] = field(default_factory=dict)  # one body end per kind


def percentile(values: list[float], p: float) -> float:
    """Nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def phase_of(
    name: str,
    concurrency: int,
    samples: list[Sample],
    seconds: float,
    peak: int = 0,
    cpu_seconds: float | None = None,
) -> Phase:
    firsts = [s.first_chunk_ms for s in samples if s.ok and s.first_chunk_ms is not None]
    kinds: dict[str, int] = {}
    examples: dict[str, str] = {}
    for s in samples:
        if not s.ok:
            kinds[s.error or "?"] = kinds.get(s.error or "?", 0) + 1
            examples.setdefault(s.error or "?", s.detail)
    return Phase(
        name=name,
        concurrency=concurrency,
        requests=len(samples),
        errors=sum(not s.ok for s in samples),
        first_chunk_p50_ms=percentile(firsts, 50),
        first_chunk_p99_ms=percentile(firsts, 99),
        seconds=seconds,
        peak_open_streams=peak,
        cpu_us_per_request=(cpu_seconds * 1e6 / len(samples) if cpu_seconds and samples else None),
        error_kinds=kinds,
        error_examples=examples,
    )


# --- the service process's CPU


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- users: the stream route allows 30 messages a minute per user


class Users:
    """Dev tokens handed out so that no user makes more than ``limit`` calls in any minute."""

    def __init__(self, tokens: list[str], limit: int = ROUTE_LIMIT_PER_MINUTE - 2) -> None:
        self._tokens = tokens
        self._uses: list[deque[float]] = [deque() for _ in tokens]
        self._limit = limit
        self._next = 0

    def take(self) -> str:
        now = time.monotonic()
        for _ in range(len(self._tokens)):
            i = self._next
            self._next = (self._next + 1) % len(self._tokens)
            uses = self._uses[i]
            while uses and now - uses[0] > 61.0:
                uses.popleft()
            if len(uses) < self._limit:
                uses.append(now)
                return self._tokens[i]
        raise RuntimeError("every bench user is at the route's rate limit: add users")


# --- one request each way


class OpenStreams:
    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def opened(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def closed(self) -> None:
        self.now -= 1


async def read_stream(
    response: aiohttp.ClientResponse, started: float, first_marker: bytes, sample: Sample
) -> bytes:
    """Read an SSE body to its end: the first-chunk time, and the body's last bytes."""
    tail = b""
    async for block in response.content.iter_any():
        if sample.first_chunk_ms is None and first_marker in tail[-64:] + block:
            sample.first_chunk_ms = (time.perf_counter() - started) * 1000
        tail = (tail + block)[-512:]
        if b'"type":"error"' in tail:
            sample.error = "error frame"
    return tail


async def call_fake(
    session: aiohttp.ClientSession, base: str, message: str, opened: OpenStreams
) -> Sample:
    sample = Sample()
    body = {"contents": [{"role": "user", "parts": [{"text": message}]}]}
    url = f"{base}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse"
    started = time.perf_counter()
    opened.opened()
    try:
        async with session.post(
            url, json=body, headers={"x-goog-api-key": FAKE_API_KEY}
        ) as response:
            if response.status != 200:
                sample.error = f"HTTP {response.status}"
                return sample
            tail = await read_stream(response, started, b'"text"', sample)
            sample.ok = sample.error is None and b"usageMetadata" in tail
            if not sample.ok and sample.error is None:
                sample.error = "incomplete stream"
    except (aiohttp.ClientError, TimeoutError) as exc:
        sample.error = type(exc).__name__
    finally:
        opened.closed()
    return sample


async def call_service(
    session: aiohttp.ClientSession, base: str, message: str, token: str, opened: OpenStreams
) -> Sample:
    sample = Sample()
    started = time.perf_counter()
    opened.opened()
    try:
        async with session.post(
            f"{base}/api/v1/ai/stream",
            json={"message": message},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            if response.status != 200:
                sample.error = f"HTTP {response.status}"
                sample.detail = (await response.read())[-300:].decode(errors="replace")
                return sample
            tail = await read_stream(response, started, b'"type":"chunk"', sample)
            sample.ok = sample.error is None and b'"type":"complete"' in tail
            if not sample.ok:
                sample.error = sample.error or "no complete frame"
                sample.detail = tail[-300:].decode(errors="replace")
    except (aiohttp.ClientError, TimeoutError) as exc:
        sample.error = type(exc).__name__
        sample.detail = str(exc)[-300:]
    finally:
        opened.closed()
    return sample


# --- the phases


async def closed_loop(
    call: Callable[[], Awaitable[Sample]], concurrency: int, seconds: float
) -> tuple[list[Sample], float]:
    """``concurrency`` clients, each calling again as soon as its call ends, for ``seconds``."""
    samples: list[Sample] = []
    deadline = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < deadline:
            samples.append(await call())

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return samples, time.monotonic() - started


async def burst(
    call: Callable[[], Awaitable[Sample]], count: int, ramp_seconds: float
) -> tuple[list[Sample], float]:
    """``count`` calls started evenly over ``ramp_seconds``, all awaited."""

    async def delayed(i: int) -> Sample:
        await asyncio.sleep(ramp_seconds * i / count)
        return await call()

    started = time.monotonic()
    samples = await asyncio.gather(*(delayed(i) for i in range(count)))
    return list(samples), time.monotonic() - started


def chunks_of(message: str) -> int:
    """Text chunks the fake's default model streams for ``message`` (it echoes word by word)."""
    return len(f"Echo: {message}".split(" "))


def long_message(stream_seconds: float) -> str:
    """A message the fake echoes in about ``stream_seconds`` (one word a chunk, 20 ms each)."""
    words = max(1, round(stream_seconds / CHUNK_DELAY_SECONDS) - 2)
    return " ".join(f"word{i}" for i in range(words))


async def measure(
    fake_url: str, app_url: str, app_pid: int, users: Users, options: argparse.Namespace
) -> list[Phase]:
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    phases: list[Phase] = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        c, seconds = options.concurrency, options.duration

        async def fake_call(opened: OpenStreams, message: str = SHORT_MESSAGE) -> Sample:
            return await call_fake(session, fake_url, message, opened)

        async def app_call(opened: OpenStreams, message: str = SHORT_MESSAGE) -> Sample:
            return await call_service(session, app_url, message, users.take(), opened)

        # (1) the ceiling: the fake itself
        opened = OpenStreams()
        await closed_loop(lambda: fake_call(opened), c, min(2.0, seconds))
        samples, took = await closed_loop(lambda: fake_call(opened), c, seconds)
        phases.append(phase_of("ceiling: fake Gemini direct", c, samples, took))
        report(phases[-1])

        # (2) the service, same concurrency and message
        await closed_loop(lambda: app_call(opened), c, min(2.0, seconds))
        spy = (
            start_py_spy(app_pid, max(1, int(seconds)), options.profile)
            if options.profile
            else None
        )
        before = cpu_seconds(app_pid)
        samples, took = await closed_loop(lambda: app_call(opened), c, seconds)
        used = cpu_seconds(app_pid) - before
        if spy is not None:
            await asyncio.to_thread(spy.wait)
        phases.append(phase_of("POST /api/v1/ai/stream", c, samples, took, cpu_seconds=used))
        report(phases[-1])

        # (3) concurrent streams, each streaming for about --stream-seconds
        message = long_message(options.stream_seconds)
        for level in options.levels:
            await asyncio.sleep(1.0)  # let the previous level's background work settle
            streams = OpenStreams()
            before = cpu_seconds(app_pid)
            samples, took = await burst(
                functools.partial(app_call, streams, message),
                level,
                options.ramp_seconds,
            )
            used = cpu_seconds(app_pid) - before
            phase = phase_of(
                f"{level} concurrent streams", level, samples, took, streams.peak, used
            )
            phases.append(phase)
            report(phase)
    return phases


# --- processes


@contextmanager
def started(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server in its own session; its stderr goes to ``log`` (a pipe could fill and block it)."""
    with log.open("wb") as errors:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,  # JSON access logs: produced as in production, not kept
            stderr=errors,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"port {port}: the server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"port {port} did not open within {seconds}s")


async def provision(base: str, tokens: list[str]) -> None:
    """The first authenticated request creates the user and their profile: do it up front."""
    semaphore = asyncio.Semaphore(16)
    async with aiohttp.ClientSession() as session:

        async def one(token: str) -> None:
            async with (
                semaphore,
                session.get(
                    f"{base}/api/v1/ai/quota", headers={"Authorization": f"Bearer {token}"}
                ) as response,
            ):
                if response.status != 200:
                    raise SystemExit(
                        f"GET /api/v1/ai/quota: {response.status} {await response.text()}"
                    )

        await asyncio.gather(*(one(t) for t in tokens))


def users_needed(options: argparse.Namespace) -> int:
    """Enough users that neither a closed loop nor the largest level hits the route limit."""
    short_turn_seconds = 8 * CHUNK_DELAY_SECONDS  # at best; more users than needed is harmless
    per_minute = options.concurrency * 60 / short_turn_seconds
    by_rate = math.ceil(per_minute / (ROUTE_LIMIT_PER_MINUTE - 2))
    return int(max(max(options.levels, default=0), by_rate))


@dataclass
class Service:
    """The fake and the service, started; what the runs need of them."""

    fake_url: str
    base: str
    pid: int
    tokens: list[str]
    info: dict[str, str]


@contextmanager
def service(options: argparse.Namespace, pg: tuple[str, int], redis_url: str) -> Iterator[Service]:
    """Its own database, the fake Gemini and one ``fairarena serve`` on ``pg`` and ``redis_url``
    (the real servers, or the round-trip counters in front of them)."""
    info = machine()
    with bench_database() as database, tempfile.TemporaryDirectory() as var_dir:
        upgrade(f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}")
        database_url = f"postgresql+asyncpg://{PG_USER}@{pg[0]}:{pg[1]}/{database}"
        app_port, fake_port = free_port(), free_port()
        fake_url = f"http://127.0.0.1:{fake_port}"
        env = {
            **os.environ,
            "ENV": "development",
            "HOST": "127.0.0.1",
            "PORT": str(app_port),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "AUTH_MODE": "dev",
            "DEV_AUTH_SECRET": DEV_SECRET,
            "EMAIL_PROVIDER": "dev",
            "VAR_DIR": var_dir,
            "LOG_LEVEL": "INFO",
            "RATE_LIMIT_DEFAULT": "1000000000/minute",
            "GEMINI_API_KEY": FAKE_API_KEY,
            "GEMINI_BASE_URL": fake_url,
            "GEMINI_MODEL": MODEL,
            # The quota is still counted on every turn (as in production); it never refuses.
            "AI_DAILY_FREE_MESSAGES": "1000000000",
        }
        fake_cmd = [
            sys.executable,
            "-m",
            "tests.fixtures.fake_gemini",
            "--port",
            str(fake_port),
            "--chunk-delay",
            str(CHUNK_DELAY_SECONDS),
        ]
        serve = [sys.executable, "-m", "entrypoints.cli.main", "serve", "--port", str(app_port)]
        logs = Path(var_dir)
        base = f"http://127.0.0.1:{app_port}"
        tokens = [
            issue_dev_token(DEV_SECRET, f"bench-ai-{uuid.uuid4().hex[:8]}-{n}@example.com")
            for n in range(users_needed(options))
        ]
        with (
            started(fake_cmd, env, logs / "fake.log") as fake,
            started(serve, env, logs / "serve.log") as app,
        ):
            wait_for_port(fake_port, fake)
            wait_until_up(f"{base}/healthz", app, {})
            asyncio.run(provision(base, tokens))
            info["bench_users"] = str(len(tokens))
            typed = env.get("GEMINI_TYPED_EVENTS", "").lower() in ("1", "true", "yes")
            info["gemini_events"] = "typed (SDK models)" if typed else "light (ADR 0077)"
            try:
                yield Service(fake_url, base, app.pid, tokens, info)
            finally:
                if app.poll() is not None:
                    print((logs / "serve.log").read_text()[-4000:], file=sys.stderr)
    info["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(options: argparse.Namespace) -> tuple[list[Phase], dict[str, str]]:
    with service(options, (PG_HOST, PG_PORT), REDIS_URL) as s:
        phases = asyncio.run(measure(s.fake_url, s.base, s.pid, Users(s.tokens), options))
    return phases, s.info


# --- round trips (``--round-trips N``): machine-independent figures of one turn


@dataclass
class TurnTrips:
    kind: str
    pg_before: int  # round trips started before the first chunk reached the client
    redis_before: int
    pg_total: int  # … by the time the turn's after-work (publication, title) settled
    redis_total: int
    cpu_seconds: float  # of the service, from the request to the end of the settling pause


async def one_turn(
    session: aiohttp.ClientSession,
    s: Service,
    token: str,
    proxies: ProxiesThread,
    conversation: str | None,
    measured: bool = True,
) -> tuple[TurnTrips, str]:
    pg, redis = (p.round_trips for p in proxies.proxies)
    body: dict[str, str] = {"message": SHORT_MESSAGE}
    if conversation is not None:
        body["conversationId"] = conversation
    cpu = cpu_seconds(s.pid)
    started = time.perf_counter()
    first = None
    text = b""
    async with session.post(
        f"{s.base}/api/v1/ai/stream", json=body, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        async for block in response.content.iter_any():
            text += block
            if first is None and b'"type":"chunk"' in text:
                first = time.perf_counter()
    if first is None or b'"type":"complete"' not in text:
        raise SystemExit(f"the turn did not stream: {text[-300:]!r}")
    # the realtime publication, a title stored after the reply
    await asyncio.sleep(0.3 if measured else 0.05)
    settled = time.perf_counter()
    connected = json.loads(text.split(b"\n", 1)[0].removeprefix(b"data: "))
    if measured and os.environ.get("BENCH_SHOW_TRIPS"):
        for name, found in (("pg", pg), ("redis", redis)):
            for t, data in zip(found.times, found.starts, strict=True):
                if started <= t < settled:
                    mark = "before" if t < first else "after"
                    print(f"{name} {mark} {(t - started) * 1000:7.1f} ms {data!r}", file=sys.stderr)
    trips = TurnTrips(
        kind="continued conversation" if conversation else "new conversation",
        pg_before=pg.between(started, first),
        redis_before=redis.between(started, first),
        pg_total=pg.between(started, settled),
        redis_total=redis.between(started, settled),
        cpu_seconds=cpu_seconds(s.pid) - cpu,
    )
    return trips, str(connected["conversationId"])


WARM_UP_PAIRS = 30  # > the pool's 20 connections: each has prepared the turn's statements


async def count_turns(s: Service, proxies: ProxiesThread, turns: int) -> list[TurnTrips]:
    """Turns one after another (nothing else running): a new conversation, then one message
    more in it. Warm-up pairs first, so that every pooled connection has prepared the turn's
    statements (in steady state they are; a first use adds a round trip per statement)."""
    found: list[TurnTrips] = []
    async with aiohttp.ClientSession() as session:
        for i in range(WARM_UP_PAIRS + turns):
            if i == WARM_UP_PAIRS:  # the service's own idle CPU (its periodic work)
                idle_from, cpu_from = time.perf_counter(), cpu_seconds(s.pid)
                await asyncio.sleep(3.0)
                idle = (cpu_seconds(s.pid) - cpu_from) / (time.perf_counter() - idle_from)
                s.info["service_idle_cpu_us_per_s"] = f"{idle * 1e6:,.0f}"
            token = s.tokens[i % len(s.tokens)]
            measured = i >= WARM_UP_PAIRS
            new, conversation = await one_turn(session, s, token, proxies, None, measured)
            continued, _ = await one_turn(session, s, token, proxies, conversation, measured)
            if measured:
                found += [new, continued]
    return found


def round_trips(options: argparse.Namespace) -> int:
    redis = urlsplit(REDIS_URL)
    upstreams = ((PG_HOST, PG_PORT), (redis.hostname or "127.0.0.1", redis.port or 6379))
    with ProxiesThread(*upstreams) as proxies:
        pg_proxy, redis_proxy = proxies.proxies
        proxied_redis = f"redis://127.0.0.1:{redis_proxy.port}{redis.path}"
        with service(options, ("127.0.0.1", pg_proxy.port), proxied_redis) as s:
            found = asyncio.run(count_turns(s, proxies, options.round_trips))
    print("\n".join(f"{k}: {v}" for k, v in s.info.items()))
    print()
    print(
        "| turn (one at a time) | turns | PostgreSQL round trips before the first chunk / in all "
        "| Redis round trips before the first chunk / in all | service CPU µs a turn |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("new conversation", "continued conversation"):
        rows = [t for t in found if t.kind == kind]

        def spread(before: list[int], total: list[int]) -> str:
            # the median; a pooled connection idle 5 s is pinged (3 round trips) at checkout
            def shown(v: list[int]) -> str:
                median = sorted(v)[len(v) // 2]
                return str(median) if min(v) == max(v) else f"{median} ({min(v)}-{max(v)})"

            return f"{shown(before)} / {shown(total)}"

        pg = spread([t.pg_before for t in rows], [t.pg_total for t in rows])
        rd = spread([t.redis_before for t in rows], [t.redis_total for t in rows])
        cpu = sum(t.cpu_seconds for t in rows) * 1e6 / len(rows)  # /proc counts 10 ms ticks
        print(f"| {kind} | {len(rows)} | {pg} | {rd} | {cpu:,.0f} |")
    return 0


# --- report


def report(p: Phase) -> None:
    cpu = f"  cpu {p.cpu_us_per_request:,.0f} µs/req" if p.cpu_us_per_request else ""
    peak = f"  peak open {p.peak_open_streams}" if p.peak_open_streams else ""
    errors = f" {p.error_kinds}" if p.error_kinds else ""
    print(
        f"{p.name:<30} c={p.concurrency:<4} {p.requests:>6} req in {p.seconds:5.1f}s  "
        f"first chunk p50 {p.first_chunk_p50_ms:7.1f} ms  p99 {p.first_chunk_p99_ms:7.1f} ms"
        f"{peak}{cpu}  errors {p.errors}{errors}",
        file=sys.stderr,
        flush=True,
    )


def summary(phases: list[Phase], stream_seconds: float) -> dict[str, object]:
    ceiling, service, *levels = phases
    extra_chunks = chunks_of(long_message(stream_seconds)) - chunks_of(SHORT_MESSAGE)
    per_chunk = {
        str(p.concurrency): round(
            ((p.cpu_us_per_request or 0) - (service.cpu_us_per_request or 0)) / extra_chunks, 1
        )
        for p in levels
    }
    added_p50 = service.first_chunk_p50_ms - ceiling.first_chunk_p50_ms
    added_p99 = service.first_chunk_p99_ms - ceiling.first_chunk_p99_ms
    sustained = max(
        (p.concurrency for p in levels if p.errors == 0 and p.requests == p.concurrency),
        default=0,
    )
    return {
        "first_chunk_overhead_p50_ms": round(added_p50, 2),
        "first_chunk_overhead_p99_ms": round(added_p99, 2),
        "cpu_us_per_request": round(service.cpu_us_per_request or 0),
        # (CPU of a long turn - CPU of a short turn) / the chunks between them, per level
        "cpu_us_per_chunk": per_chunk,
        "concurrent_streams_sustained": sustained,
        "meets_overhead_p99": added_p99 < TARGETS["first_chunk_overhead_p99_ms"],
        "meets_concurrent_streams": sustained >= TARGETS["concurrent_streams"],
    }


def markdown(phases: list[Phase]) -> str:
    lines = [
        "| run | concurrency | requests | errors | first chunk p50 (ms) | p99 (ms) "
        "| peak open | CPU µs/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in phases:
        cpu = f"{p.cpu_us_per_request:,.0f}" if p.cpu_us_per_request else "-"
        peak = str(p.peak_open_streams) if p.peak_open_streams else "-"
        lines.append(
            f"| {p.name} | {p.concurrency} | {p.requests} | {p.errors} "
            f"| {p.first_chunk_p50_ms:.1f} | {p.first_chunk_p99_ms:.1f} | {peak} | {cpu} |"
        )
    return "\n".join(lines)


def _levels(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per latency run.")
    parser.add_argument("--concurrency", type=int, default=8, help="Clients in the latency runs.")
    parser.add_argument(
        "--levels", type=_levels, default=[100, 250, 500], help="Concurrent streams, e.g. 100,250"
    )
    parser.add_argument(
        "--stream-seconds",
        type=float,
        default=None,
        help="How long each reply streams in the concurrency runs (default 3, ≤ --duration).",
    )
    parser.add_argument(
        "--ramp-seconds", type=float, default=1.0, help="Starts of one level spread over this."
    )
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy the service during its latency run (.svg flame graph, .json speedscope, "
        ".txt collapsed stacks; needs py-spy). Sampling costs the service CPU: compare the "
        "latencies of profiled runs with each other only.",
    )
    parser.add_argument(
        "--round-trips",
        type=int,
        default=0,
        metavar="N",
        help="Instead of the runs: N pairs of turns one at a time (a new conversation, then a "
        "message more in it) through counting proxies in front of PostgreSQL and Redis; prints "
        "the round trips each sends before its first chunk and in all, and its CPU.",
    )
    options = parser.parse_args()
    if options.round_trips:
        return round_trips(options)
    if options.stream_seconds is None:
        options.stream_seconds = min(3.0, options.duration)

    phases, info = run(options)
    result = summary(phases, options.stream_seconds)
    print("\n".join(f"{k}: {v}" for k, v in info.items()))
    print(f"fake Gemini: {CHUNK_DELAY_SECONDS * 1000:.0f} ms before every streamed event")
    print()
    print(markdown(phases))
    print()
    print(
        "first-chunk overhead (service - ceiling): "
        f"p50 {result['first_chunk_overhead_p50_ms']} ms, "
        f"p99 {result['first_chunk_overhead_p99_ms']} ms "
        f"(target p99 < {TARGETS['first_chunk_overhead_p99_ms']:.0f} ms)"
    )
    print(
        f"concurrent streams completed without error by one process: "
        f"{result['concurrent_streams_sustained']} "
        f"(target ≥ {TARGETS['concurrent_streams']}; levels tried: "
        f"{', '.join(str(p.concurrency) for p in phases[2:])})"
    )
    print(f"service CPU per short turn: {result['cpu_us_per_request']} µs")
    print(f"service CPU per streamed chunk, by level: {result['cpu_us_per_chunk']} µs")
    if options.json:
        options.json.write_text(
            json.dumps(
                {"machine": info, "phases": [asdict(p) for p in phases], "summary": result},
                indent=2,
            )
        )
    ceiling, service = phases[0], phases[1]
    if ceiling.errors or service.errors:
        print("some latency-run requests failed: those figures are not valid", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
