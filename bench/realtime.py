"""Realtime fan-out: one API process holding many SSE connections, events raised through another.

Starts API process A (holds the connections), API process B (raises the events) and a worker
(the outbox relay) on a fresh PostgreSQL database and Redis, opens ``--users`` x ``--per-user``
SSE connections to A from this (load) process, then makes ``--events`` admin grants to random
connected users through B and waits for every connection of each user to receive its
``credits.balance_changed``. Prints connections held, A's RSS delta per connection, events
delivered/lost (per connection) and latency p50/p99 from the grant request, from its response,
and per stage: a probe thread (its own Redis connection, away from the load loop) sees each
``PUBLISH`` with the time B called ``publish`` right after its commit (the event's ``ts``), so
the stages are commit → B's publish call → Redis → A → load client (wall clock, one machine).

    .venv/bin/python -m bench.realtime --users 5000 --per-user 2 --events 1000   # the issue's size
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import aiohttp
import orjson
import redis

from adapters.dev_identity.dev_tokens import issue_dev_token
from adapters.sqlalchemy.migrate import upgrade
from bench.assistant import cpu_seconds
from bench.http_api import PG_HOST, PG_PORT, PG_USER, REDIS_URL, bench_database, free_port

DEV_SECRET = "bench-dev-secret-" + "r" * 32
ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def until_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(300):
        try:
            async with http.get(f"{url}/healthz") as r:
                if r.status < 500:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise TimeoutError(url)


class RedisProbe(threading.Thread):
    """Sees every PUBLISH on the realtime channels from its own thread and connection, away
    from the load loop and from A: when each event was handed to B's publish (its ``ts``) and
    when Redis delivered it to a subscriber (a reference point before A)."""

    def __init__(self, url: str, namespace: str) -> None:
        super().__init__(daemon=True)
        self._pubsub = redis.Redis.from_url(url).pubsub()
        self._pubsub.psubscribe(f"{namespace}-rt:*:live")
        self.published: dict[str, float] = {}  # transactionId -> ts stamped by B
        self.seen: dict[str, float] = {}  # transactionId -> arrival at this probe
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            message = self._pubsub.get_message(timeout=0.5)
            if message is None or message["type"] != "pmessage":
                continue
            now = time.time()
            raw = orjson.loads(message["data"])
            if "d" not in raw:
                continue
            tx = orjson.loads(raw["d"]).get("transactionId")
            if tx:
                self.published[tx] = float(raw["ts"])
                self.seen[tx] = now

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)
        self._pubsub.close()


def _histogram(text: str, name: str) -> dict[str, float]:
    """A Prometheus histogram's cumulative bucket counts by ``le``."""
    counts = {}
    for line in text.splitlines():
        if line.startswith(f"{name}_bucket{{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            counts[le] = float(line.rsplit(" ", 1)[1])
    return counts


def _quantiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    if len(values) < 2:
        return (values[0], values[0]) if values else (0.0, 0.0)
    q = statistics.quantiles(values, n=100)
    return q[49], q[98]


class Connection:
    def __init__(self, user: int) -> None:
        self.user = user
        self.received: dict[str, float] = {}  # transactionId -> arrival (wall clock)
        self.ready = asyncio.Event()
        self.ended = asyncio.Event()  # refused or cut: counted, never retried
        self.failure: str | None = None

    async def run(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        try:
            await self._run(http, url, token)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.failure = type(exc).__name__
        finally:
            self.ended.set()

    async def _run(self, http: aiohttp.ClientSession, url: str, token: str) -> None:
        async with http.get(
            f"{url}/api/v1/notifications/stream",
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=None, sock_read=None),
        ) as response:
            if response.status != 200:
                self.failure = f"HTTP {response.status}"
                return
            buffer = b""
            async for chunk in response.content.iter_any():
                buffer += chunk
                while b"\n\n" in buffer:
                    raw, buffer = buffer.split(b"\n\n", 1)
                    fields = {
                        line.partition(":")[0]: line.partition(":")[2].strip()
                        for line in raw.decode().split("\n")
                    }
                    if fields.get("event") == "ready":
                        self.ready.set()
                    elif fields.get("event") == "credits.balance_changed":
                        data = orjson.loads(fields["data"])
                        self.received[data["transactionId"]] = time.time()


async def _ready_or_ended(c: Connection) -> None:
    ready, ended = asyncio.ensure_future(c.ready.wait()), asyncio.ensure_future(c.ended.wait())
    await asyncio.wait([ready, ended], return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    ended.cancel()


async def bench(args: argparse.Namespace, database_url: str) -> None:
    a_port, b_port = free_port(), free_port()
    namespace = f"bench-rt-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DEV_AUTH_SECRET": DEV_SECRET,
        "BROKER_NAMESPACE": namespace,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_DEFAULT": "1000000/minute",
        "REALTIME_MAX_CONNECTIONS_PER_USER": str(max(10, args.per_user)),
        "REALTIME_HEARTBEAT_SECONDS": str(args.heartbeat),
    }
    cli = [sys.executable, "-m", "entrypoints.cli.main"]
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    procs = [
        subprocess.Popen(
            [*cli, *argv],
            cwd=ROOT,
            env=env,
            stdout=(logs / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for name, argv in (
            ("a", ["serve", "--port", str(a_port)]),
            ("b", ["serve", "--port", str(b_port)]),
            ("worker", ["worker", "--threads", "4"]),
        )
    ]
    a, b = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
    connector = aiohttp.TCPConnector(limit=0)
    try:
        async with aiohttp.ClientSession(connector=connector) as http:
            await until_up(http, a)
            await until_up(http, b)
            tokens = [
                issue_dev_token(DEV_SECRET, f"rt{i}-{uuid.uuid4().hex[:6]}@bench.example")
                for i in range(args.users)
            ]
            admin = issue_dev_token(DEV_SECRET, "admin@bench.example", admin=True)
            user_ids: list[str] = []
            sem = asyncio.Semaphore(32)

            async def provision(n: int, t: str) -> str:
                via = (a, b)[n % 2]  # both processes: first sight of a user writes several rows
                async with (
                    sem,
                    http.get(
                        f"{via}/api/v1/profile", headers={"Authorization": f"Bearer {t}"}
                    ) as r,
                ):
                    d = (await r.json())["data"]
                    return str(d.get("userId") or d["id"])

            provisioning = time.monotonic()
            user_ids = list(await asyncio.gather(*(provision(n, t) for n, t in enumerate(tokens))))
            print(
                f"provisioned {len(user_ids)} users in {time.monotonic() - provisioning:.0f}s",
                flush=True,
            )
            await asyncio.sleep(2)  # let A settle (welcome notifications etc.)
            base_rss = rss_kib(procs[0].pid)
            a_cpu_open = cpu_seconds(procs[0].pid)
            opening = time.monotonic()
            conns = [Connection(u) for u in range(args.users) for _ in range(args.per_user)]
            tasks = []
            # Opened in batches of 50: a burst of opens is a burst of Redis round trips (the
            # ticket-less auth, head); redis-py opens one connection per concurrent command.
            for start in range(0, len(conns), 50):
                batch = conns[start : start + 50]
                tasks += [asyncio.create_task(c.run(http, a, tokens[c.user])) for c in batch]
                await asyncio.wait(
                    [asyncio.ensure_future(_ready_or_ended(c)) for c in batch], timeout=120
                )
            open_seconds = time.monotonic() - opening
            a_open_cpu = cpu_seconds(procs[0].pid) - a_cpu_open
            await asyncio.sleep(2)
            held = sum(1 for t in tasks if not t.done())
            failures: dict[str, int] = {}
            for c in conns:
                if c.failure:
                    failures[c.failure] = failures.get(c.failure, 0) + 1
            print(f"held {held} / {len(conns)}; failed to open or cut: {failures}", flush=True)
            per_conn = (rss_kib(procs[0].pid) - base_rss) / max(1, held)
            # A's CPU while only holding the connections (pings and re-checks every heartbeat)
            idle_from, idle_cpu = time.monotonic(), cpu_seconds(procs[0].pid)
            await asyncio.sleep(args.idle_seconds)
            idle_rate = (cpu_seconds(procs[0].pid) - idle_cpu) / (time.monotonic() - idle_from)
            probe = RedisProbe(REDIS_URL, namespace)
            probe.start()
            lags: list[float] = []

            async def watch_loop() -> None:  # how late this load loop wakes: its own stalls
                while True:
                    t = time.monotonic()
                    await asyncio.sleep(0.05)
                    lags.append((time.monotonic() - t - 0.05) * 1000)

            watcher = asyncio.create_task(watch_loop())
            cpu_before = [cpu_seconds(p.pid) for p in procs]
            raise_started = time.monotonic()

            sent: dict[str, tuple[float, int]] = {}
            answered: dict[str, float] = {}  # transactionId -> the grant's response (committed)
            gsem = asyncio.Semaphore(16)

            async def grant(n: int) -> None:
                user = random.randrange(args.users)
                async with gsem:
                    t0 = time.time()
                    async with http.post(
                        f"{b}/api/v1/admin/credits/grant",
                        json={
                            "userId": user_ids[user],
                            "amount": 1,
                            "type": "BONUS",
                            "reason": "bench",
                        },
                        headers={
                            "Authorization": f"Bearer {admin}",
                            "Idempotency-Key": f"bench-{n}",
                        },
                    ) as r:
                        tx = (await r.json())["data"]["transactionId"]
                        answered[tx] = time.time()
                sent[tx] = (t0, user)

            started = time.monotonic()
            await asyncio.gather(*(grant(n) for n in range(args.events)))
            raise_seconds = time.monotonic() - started
            by_user: dict[int, list[Connection]] = {}
            for c in conns:
                by_user.setdefault(c.user, []).append(c)
            deadline = time.monotonic() + args.wait
            while time.monotonic() < deadline:
                if all(tx in c.received for tx, (_, u) in sent.items() for c in by_user[u]):
                    break
                await asyncio.sleep(0.2)
            cpu_used = [cpu_seconds(p.pid) - c for p, c in zip(procs, cpu_before, strict=True)]
            probe.stop()
            watcher.cancel()
            async with http.get(f"{a}/metrics") as r:
                written = _histogram(await r.text(), "realtime_delivery_seconds")
            a_heartbeats = idle_rate * (time.monotonic() - raise_started)
            latencies, after_commit, lost = [], [], 0
            for tx, (t0, u) in sent.items():
                for c in by_user[u]:
                    if tx in c.received:
                        latencies.append((c.received[tx] - t0) * 1000)
                        after_commit.append((c.received[tx] - answered[tx]) * 1000)
                    else:
                        lost += 1
            latencies.sort()
            q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
            print(f"connections held: {held} / {len(conns)} ({args.users} users x {args.per_user})")
            print(f"memory per connection: {per_conn:.1f} KiB (API RSS delta / connections)")
            print(f"events raised: {len(sent)} in {raise_seconds:.1f}s through process B")
            print(f"deliveries: {len(latencies)} delivered, {lost} lost (to every connection)")
            print(f"latency request->client ms: p50 {q[49]:.1f}  p99 {q[98]:.1f}")
            after_commit.sort()
            r = statistics.quantiles(after_commit, n=100) if len(after_commit) > 1 else [0.0] * 99
            print(
                "latency commit acknowledged (grant response) -> client ms: "
                f"p50 {r[49]:.1f}  p99 {r[98]:.1f}  (negative: the event beat the response)"
            )
            stages: dict[str, list[float]] = {
                "grant response -> B's publish call": [],
                "B's publish call -> Redis delivered (probe thread)": [],
                "Redis delivered -> load client read": [],
                "B's publish call -> load client read (commit -> client)": [],
            }
            for tx, (_, u) in sent.items():
                if tx not in probe.published:
                    continue
                stages["grant response -> B's publish call"].append(
                    (probe.published[tx] - answered[tx]) * 1000
                )
                stages["B's publish call -> Redis delivered (probe thread)"].append(
                    (probe.seen[tx] - probe.published[tx]) * 1000
                )
                for c in by_user[u]:
                    if tx in c.received:
                        stages["Redis delivered -> load client read"].append(
                            (c.received[tx] - probe.seen[tx]) * 1000
                        )
                        stages["B's publish call -> load client read (commit -> client)"].append(
                            (c.received[tx] - probe.published[tx]) * 1000
                        )
            for stage, values in stages.items():
                p50, p99 = _quantiles(values)
                print(f"  stage {stage}: p50 {p50:.1f}  p99 {p99:.1f} ms ({len(values)})")
            print(
                f"  load client's own loop: woke late p50 {_quantiles(lags)[0]:.1f} / "
                f"p99 {_quantiles(lags)[1]:.1f} / max {max(lags, default=0):.0f} ms"
            )
            total = written.get("+Inf", 0.0) or 1.0
            print(
                "  A wrote the events (publish -> written, A's histogram): "
                + ", ".join(
                    f"<= {le} s {count / total * 100:.1f} %"
                    for le, count in written.items()
                    if le in ("0.025", "0.1", "0.25", "1.0", "5.0")
                )
                + f" of {total:.0f}"
            )
            print(
                f"opening: {len(conns)} connections in {open_seconds:.1f}s, "
                f"A's CPU {a_open_cpu * 1e6 / max(1, len(conns)):.0f} µs per connection"
            )
            per_event = [c * 1e6 / max(1, len(sent)) for c in cpu_used]
            fan_out = (cpu_used[0] - a_heartbeats) * 1e6 / max(1, len(sent))
            print(
                f"A holding {held} connections: {idle_rate * 100:.1f} % of a core "
                f"({idle_rate * 1e6 * args.heartbeat / max(1, held):.0f} µs per connection "
                f"per {args.heartbeat:.0f} s heartbeat)"
            )
            print(
                "CPU µs per event: A (fan-out to 2 connections, heartbeats subtracted) "
                f"{fan_out:.0f}; B (the grant request + publish) {per_event[1]:.0f}; "
                f"worker (relay safety net) {per_event[2]:.0f}"
            )
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--per-user", type=int, default=2)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for stragglers")
    parser.add_argument("--logs", default="var/bench-realtime")
    parser.add_argument("--idle-seconds", type=float, default=20.0, help="heartbeat CPU window")
    parser.add_argument(
        "--heartbeat", type=float, default=20.0, help="REALTIME_HEARTBEAT_SECONDS of A and B"
    )
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with bench_database() as name:
        url = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        upgrade(url)
        asyncio.run(bench(args, url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
