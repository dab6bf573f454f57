"""Ledger benchmark (issue 3): the ceiling, the full stack across 1,000 wallets, one hot wallet.

    .venv/bin/python bench/ledger.py [--duration 10] [--pg postgresql://postgres@127.0.0.1:5432]

On a fresh PostgreSQL database (created, migrated and dropped by this script):

(a) ceiling: a bare aiohttp endpoint (no auth, no validation) executing through asyncpg the same
    SQL statement the spend path issues (adapters/sqlalchemy/ledger_fast_path.SPEND_SQL);
(b) ``POST /api/v1/credits/spend`` through the full HTTP stack (auth, rate limit, validation,
    envelope, idempotency) across 1,000 wallets;
(c) the same on ONE hot wallet;
(d) ``POST /api/v1/credits/transfer`` user → user across the same 1,000 wallets (one ledger
    transaction with both postings);
(e) the ceiling of (a) on the hot wallet of (c): what one wallet's row lock allows the bare
    statement (the issue's target compares (c) with (a); (e) says how much of the gap is the lock).

Each server runs in its own process, as in production (one ``fairarena serve`` process); the load
generator is this process. Throughput is measured at 64 connections and latency at 16. Prints
requests/s, p50/p99, CPU µs per request and the ratios (b)/(a), (c)/(a), (d)/(a), then checks
the ledger (Σ postings = 0, every wallet = Σ its postings).

``--rounds N`` (3): the ceiling and every run are measured N times, interleaved (a, b, c, d, e,
then again), each after the database has been vacuumed and checkpointed (the previous run's
deferred work done before it starts), and each run's share is taken against the ceiling of its
own round; the table gives
the median over the rounds and their range. On a 2-core machine the ceiling alone moves by a
quarter from one minute to the next, so a single pair of runs says little about a share.

``--only b,d`` measures just those runs besides the ceiling (quick A/B runs; the share table
and checks are printed for the runs measured). ``--profile DIR`` samples the server (the
ceiling's too) with py-spy (200 Hz) during each run at 64 connections into ``DIR/<run>-64.txt``
(collapsed stacks; ``.venv/bin/pip install py-spy``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._cpu import CpuMeter  # noqa: E402 - after the path fix-up
from bench.http_api import start_py_spy  # noqa: E402

WALLETS = 1000
GRANT = 1_000_000_000  # never runs out during a run: any 402 would be a real error
SECRET = "bench-dev-secret-" + "x" * 32


# -- (a) the ceiling server -------------------------------------------------------------------
def serve_ceiling(dsn: str, port: int, pool_size: int) -> None:
    import uvloop
    from aiohttp import web

    from adapters.sqlalchemy.repositories.credits.fast_path import SPEND_SQL
    from application.ports.outbox_commands import PublishRealtime
    from domain.realtime.events import BALANCE_CHANGED

    async def make_app() -> web.Application:
        async def nothing_to_reset(_: asyncpg.Connection) -> None:
            return None

        pool = await asyncpg.create_pool(
            dsn, min_size=pool_size, max_size=pool_size, reset=nothing_to_reset
        )
        app = web.Application()

        async def spend(request: web.Request) -> web.Response:
            body = await request.json()
            wallet, amount = body["wallet"], body["amount"]
            key = request.headers["Idempotency-Key"]
            tx_id = str(uuid.uuid4())
            async with pool.acquire() as conn:  # the same statement, the same pool settings
                balance = await conn.fetchval(
                    SPEND_SQL,
                    wallet,
                    amount,
                    tx_id,
                    f"spend:{wallet}:{key}",
                    "0" * 64,
                    datetime.now(UTC),
                    "bench",
                    "{}",
                    "DEDUCTION",
                    None,
                    "consumption",
                    # the outbox row announcing the new balance, as the service writes it
                    str(uuid.uuid4()),
                    PublishRealtime.TOPIC,
                    wallet.removeprefix("user:"),
                    BALANCE_CHANGED,
                )
            if balance is None:
                return web.json_response({"success": False}, status=402)
            return web.json_response(
                {"success": True, "data": {"transactionId": tx_id, "balance": balance}}, status=201
            )

        app.router.add_post("/spend", spend)
        return app

    uvloop.install()
    web.run_app(make_app(), host="127.0.0.1", port=port, access_log=None, print=None)


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], fmt: str) -> str:
    """``[low-high]`` over the rounds (nothing for one round)."""
    if len(values) < 2:
        return ""
    return f"[{fmt.format(min(values))}-{fmt.format(max(values))}]"


# -- load generation --------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    connections: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_us: float = float("nan")  # the server's CPU per request (bench/_cpu.py)
    sent: int = 0  # every request, warm-up included

    @property
    def ok(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(len(s) * p))] * 1000

    def line(self) -> str:
        errors = {s: n for s, n in self.statuses.items() if s != 201}
        return (
            f"{self.name:<34} conns={self.connections:<3} {self.rate:8.0f} spends/s  "
            f"p50={self.pct(0.50):6.1f} ms  p99={self.pct(0.99):6.1f} ms  "
            f"CPU {self.cpu_us:6.0f} µs/req  errors={errors or 0}"
        )


async def load(
    name: str,
    url: str,
    connections: int,
    duration: float,
    warmup: float,
    make_request: object,
) -> Result:
    result = Result(name, connections, duration)
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        measure_from = start + warmup
        stop = measure_from + duration

        async def worker() -> None:
            while (now := time.perf_counter()) < stop:
                headers, body = make_request()  # type: ignore[operator]
                t0 = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    status = resp.status
                result.sent += 1
                if now >= measure_from:
                    result.latencies.append(time.perf_counter() - t0)
                    result.statuses[status] = result.statuses.get(status, 0) + 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    return result


# -- orchestration ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until_up(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


async def provision(base: str) -> tuple[list[tuple[str, str]], tuple[str, str]]:
    """1,000 users with funded wallets + one hot user: [(token, user_id)], (token, user_id)."""
    from adapters.dev_identity.dev_tokens import issue_dev_token

    admin = issue_dev_token(SECRET, "bench-admin@example.com", admin=True, ttl_seconds=86400)
    users: list[tuple[str, str]] = []
    async with aiohttp.ClientSession() as session:

        async def one(i: int) -> tuple[str, str]:
            token = issue_dev_token(SECRET, f"bench{i}@example.com", ttl_seconds=86400)
            auth = {"Authorization": f"Bearer {token}"}
            body = await settled(session, "GET", f"{base}/api/v1/profile", 200, headers=auth)
            user_id = body["data"]["userId"]
            grant = {"userId": user_id, "amount": GRANT, "type": "BONUS", "reason": "bench"}
            await settled(
                session,
                "POST",
                f"{base}/api/v1/admin/credits/grant",
                201,
                json=grant,
                headers={"Authorization": f"Bearer {admin}", "Idempotency-Key": f"seed-{i}"},
            )
            return token, user_id

        for start in range(0, WALLETS + 1, 50):
            users += await asyncio.gather(
                *(one(i) for i in range(start, min(start + 50, WALLETS + 1)))
            )
    return users[:WALLETS], users[WALLETS]


async def settled(
    session: aiohttp.ClientSession, method: str, url: str, expect: int, **kw: object
) -> dict[str, object]:
    """Set-up calls retried on 503 (a busy shared machine times out a connection now and then;
    the grant is idempotent by its key)."""
    for attempt in range(5):
        async with session.request(method, url, **kw) as resp:  # type: ignore[arg-type]
            if resp.status == expect:
                return dict(await resp.json())
            text = await resp.text()
            if resp.status != 503 or attempt == 4:
                raise RuntimeError(f"{method} {url}: {resp.status} {text}")
        await asyncio.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def spend_request(tokens: list[str]) -> object:
    body = b'{"amount":1,"purpose":"bench"}'
    headers = [{"Authorization": f"Bearer {t}", "Content-Type": "application/json"} for t in tokens]

    def make() -> tuple[dict[str, str], bytes]:
        h = dict(random.choice(headers))
        h["Idempotency-Key"] = uuid.uuid4().hex
        return h, body

    return make


def transfer_request(users: list[tuple[str, str]]) -> object:
    """A transfer of 1 credit from a random user to another random user."""
    headers = [
        {"Authorization": f"Bearer {t}", "Content-Type": "application/json"} for t, _ in users
    ]
    ids = [u for _, u in users]

    def make() -> tuple[dict[str, str], bytes]:
        sender, receiver = random.sample(range(len(ids)), 2)
        h = dict(headers[sender])
        h["Idempotency-Key"] = uuid.uuid4().hex
        return h, json.dumps({"to": {"userId": ids[receiver]}, "amount": 1}).encode()

    return make


def ceiling_request(wallets: list[str]) -> object:
    def make() -> tuple[dict[str, str], bytes]:
        wallet = random.choice(wallets)
        body = json.dumps({"wallet": wallet, "amount": 1}).encode()
        return {"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"}, body

    return make


async def settle_database(dsn: str) -> None:
    """Before each run: the previous run's deferred work done now (its dead rows vacuumed, its
    WAL checkpointed), so that autovacuum and checkpoints of a heavy run (the hot wallet, the
    transfers) do not land on whichever run comes next — the ceiling's or the service's."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM (ANALYZE)")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def verify(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        total = await conn.fetchval("SELECT COALESCE(SUM(amount), 0) FROM ledger_postings")
        differing = await conn.fetchval(
            """SELECT count(*) FROM credit_wallets w LEFT JOIN (
                   SELECT account, SUM(amount) AS s FROM ledger_postings GROUP BY account
               ) p ON p.account = w.account WHERE w.balance <> COALESCE(p.s, 0)"""
        )
        spends = await conn.fetchval(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'DEDUCTION'"
        )
        transfers = await conn.fetchval(
            "SELECT count(*) FROM ledger_transactions WHERE type = 'TRANSFER_OUT'"
        )
    finally:
        await conn.close()
    return (
        f"ledger check: Σ postings = {total}, wallets differing from Σ postings = {differing}, "
        f"spends posted = {spends}, transfers posted = {transfers}"
    )


async def run(args: argparse.Namespace) -> int:
    from adapters.sqlalchemy.migrate import upgrade

    base_dsn = args.pg.rstrip("/")
    db = f"fa_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(f"{base_dsn}/postgres")
    await admin.execute(f'CREATE DATABASE "{db}"')
    await admin.close()
    dsn = f"{base_dsn}/{db}"
    await asyncio.to_thread(upgrade, dsn.replace("postgresql://", "postgresql+asyncpg://"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        app_port, ceiling_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": dsn,
            "AUTH_MODE": "dev",
            "DEV_AUTH_SECRET": SECRET,
            "ENV": "development",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_DEFAULT": "100000000/minute",
            "DB_POOL_SIZE": str(args.pool),
            "DB_MAX_OVERFLOW": "0",
            "VAR_DIR": f"/tmp/{db}",
        }
        # No Redis, and no job runner inside the API process: in production the outbox relay and
        # the worker are processes of their own; here nothing relays the outbox rows the
        # requests write (the balance-changed announcement of each spend), as for the ceiling,
        # so the figures are the request's cost, not the jobs'.
        env["JOBS_IN_PROCESS"] = "false"
        env.pop("REDIS_URL", None)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "entrypoints.cli.main", "serve", "--port", str(app_port)],
                cwd=ROOT,
                env=env,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--serve-ceiling",
                    dsn,
                    "--port",
                    str(ceiling_port),
                    "--pool",
                    str(args.pool),
                ],
                cwd=ROOT,
            )
        )
        base = f"http://127.0.0.1:{app_port}"
        await wait_until_up(f"{base}/healthz")
        await wait_until_up(f"http://127.0.0.1:{ceiling_port}/")
        print(f"provisioning {WALLETS} funded wallets + 1 hot wallet ...", flush=True)
        users, hot = await provision(base)
        tokens = [t for t, _ in users]
        wallets = [f"user:{u}" for _, u in users]

        runs = (
            (
                "(a) ceiling: aiohttp+asyncpg",
                f"http://127.0.0.1:{ceiling_port}/spend",
                ceiling_request(wallets),
                procs[1].pid,
            ),
            (
                "(b) full stack, 1,000 wallets",
                f"{base}/api/v1/credits/spend",
                spend_request(tokens),
                procs[0].pid,
            ),
            (
                "(c) full stack, one hot wallet",
                f"{base}/api/v1/credits/spend",
                spend_request([hot[0]]),
                procs[0].pid,
            ),
            (
                "(d) transfers, 1,000 wallets",
                f"{base}/api/v1/credits/transfer",
                transfer_request(users),
                procs[0].pid,
            ),
            (
                "(e) ceiling, one hot wallet",
                f"http://127.0.0.1:{ceiling_port}/spend",
                ceiling_request([f"user:{hot[1]}"]),
                procs[1].pid,
            ),
        )
        wanted = set(args.only or "") | ({"e"} if "c" in (args.only or "") else set())
        # Each round measures the ceiling and then every run, at 64 and at 16 connections: a run
        # is compared with the ceiling of its own round (the machine and the tables as they were
        # minutes apart), and the shares printed are the median over the rounds.
        results: dict[tuple[str, int, int], Result] = {}
        for round_ in range(args.rounds):
            for conns in (64, 16):
                for name, url, make, server in runs:
                    run_id = name[1]
                    if args.only and run_id != "a" and run_id not in wanted:
                        continue
                    await settle_database(dsn)
                    spy = None
                    if args.profile and conns == 64 and round_ == 0:
                        output = Path(args.profile) / f"{run_id}-{conns}.txt"
                        output.parent.mkdir(parents=True, exist_ok=True)
                        seconds = max(1, round(args.duration + args.warmup))
                        spy = start_py_spy(server, seconds, output)
                    # The warm-up's requests are not counted: measure the CPU over the whole
                    # run and divide by every request sent (the load generator counts them all).
                    with CpuMeter(server) as cpu:
                        r = await load(name, url, conns, args.duration, args.warmup, make)
                    r.cpu_us = cpu.per_request_us(r.sent)
                    if spy is not None:
                        spy.wait(timeout=args.duration + args.warmup + 30)
                    results[(name[:3], conns, round_)] = r
                    print(f"round {round_ + 1}  {r.line()}", flush=True)

        rounds = range(args.rounds)

        def measured(key: str) -> bool:
            return (key, 64, 0) in results

        def share(key: str, of: str = "(a)") -> list[float]:
            return [results[(key, 64, i)].rate / results[(of, 64, i)].rate for i in rounds]

        def each(key: str, conns: int, figure: Callable[[Result], float]) -> list[float]:
            return [figure(results[(key, conns, i)]) for i in rounds]

        print()
        print(
            f"median of {args.rounds} round(s); the range over the rounds in brackets\n\n"
            "| path | ceiling | service | share | p99 @ 16 | CPU µs/req service | ceiling |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        ceiling = each("(a)", 64, lambda r: r.rate)
        ceiling_cpu = each("(a)", 16, lambda r: r.cpu_us)
        for key, label in (
            ("(b)", "/credits/spend, 1,000 wallets"),
            ("(c)", "/credits/spend, one hot wallet"),
            ("(d)", "/credits/transfer, 1,000 wallets"),
        ):
            if not measured(key):
                continue
            print(
                f"| POST {label} | {median(ceiling):,.0f}/s "
                f"| {median(each(key, 64, lambda r: r.rate)):,.0f}/s "
                f"| {median(share(key)):.0%} {spread(share(key), '{:.0%}')} "
                f"| {median(each(key, 16, lambda r: r.pct(0.99))):.1f} ms "
                f"| {median(each(key, 16, lambda r: r.cpu_us)):,.0f} "
                f"| {median(ceiling_cpu):,.0f} |"
            )
        if measured("(c)") and measured("(e)"):
            bare, served = share("(e)"), share("(c)", of="(e)")
            print(
                f"\none hot wallet: the bare statement (e) "
                f"{median(each('(e)', 64, lambda r: r.rate)):,.0f}/s = {median(bare):.0%} "
                f"{spread(bare, '{:.0%}')} of (a); the service (c) = {median(served):.0%} "
                f"{spread(served, '{:.0%}')} of (e)"
            )
        print()

        def errors(key: str, allowed: tuple[int, ...]) -> bool:
            return any(
                s not in allowed
                for i in rounds
                for c in (64, 16)
                for s in results[(key, c, i)].statuses
            )

        checks: list[tuple[str, bool]] = []
        if measured("(b)"):
            checks += [
                ("(b) ≥ 70 % of (a) at 64 connections", median(share("(b)")) >= 0.70),
                (
                    "(b) p99 < 25 ms at 16 connections",
                    median(each("(b)", 16, lambda r: r.pct(0.99))) < 25,
                ),
                ("(b) no errors except INSUFFICIENT_CREDITS", not errors("(b)", (201, 402))),
            ]
        if measured("(c)"):
            checks += [
                ("(c) ≥ 50 % of (a) at 64 connections", median(share("(c)")) >= 0.50),
                ("(c) no errors except INSUFFICIENT_CREDITS", not errors("(c)", (201, 402))),
            ]
        if measured("(d)"):
            checks += [
                ("(d) ≥ 60 % of (a) at 64 connections", median(share("(d)")) >= 0.60),
                ("(d) no errors", not errors("(d)", (201,))),
            ]
        for label, ok in checks:
            print(f"  [{'PASS' if ok else 'FAIL'}] {label}")
        print(await verify(dsn))
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        f"{k[0]}@{k[1]}": {
                            "spends_per_s": r.rate,
                            "p50_ms": r.pct(0.5),
                            "p99_ms": r.pct(0.99),
                            "cpu_us_per_request": r.cpu_us,
                            "statuses": r.statuses,
                        }
                        for k, r in results.items()
                        if k[2] == args.rounds - 1
                    },
                    indent=2,
                )
            )
        return 0
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not args.keep:
            admin = await asyncpg.connect(f"{base_dsn}/postgres")
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure the ceiling and every run this many times, interleaved; print medians",
    )
    parser.add_argument("--pool", type=int, default=16, help="database connections per server")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--only",
        type=lambda v: set(v.replace(",", "")),
        default=None,
        help="measure only these runs besides the ceiling, e.g. b,d",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="py-spy the server during each run at 64 connections into DIR/<run>-64.txt",
    )
    parser.add_argument("--serve-ceiling", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ceiling:
        serve_ceiling(args.serve_ceiling, args.port, args.pool)
        return 0
    import uvloop

    return uvloop.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
