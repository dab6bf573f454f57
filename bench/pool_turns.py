"""Pool turns benchmark (issue 13): more callers than connections, asyncpg's pool vs ours.

    .venv/bin/python bench/pool_turns.py [--duration 5] [--callers 64] [--size 16]

The spend and the scope reads run one statement each on ``StatementPool``
(adapters/sqlalchemy/statement_pool.py), which hands out turns first come, first served before
asyncpg's pool; asyncpg's own pool queue lets a newcomer take a connection just released to a
waiter. Here ``--callers`` tasks send a short statement (half a millisecond in the server) in a
loop over ``--size`` connections, through a bare asyncpg pool and through ``StatementPool``, each
twice, alternately, and the script prints calls, this process's CPU µs per call and the latency
percentiles (what a caller waits for a connection shows in p99 and max). No database is created;
it connects to the ``postgres`` database of ``--pg``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.sqlalchemy.statement_pool import StatementPool  # noqa: E402 - after the path fix-up

SQL = "SELECT $1::int + 1 FROM pg_sleep(0.0005)"


async def drive(call: Callable[[int], Awaitable[object]], callers: int, seconds: float) -> str:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def caller(n: int) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            await call(n)
            latencies.append(time.perf_counter() - started)

    cpu = time.process_time()
    await asyncio.gather(*(caller(n) for n in range(callers)))
    cpu = time.process_time() - cpu
    latencies.sort()

    def ms(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return (
        f"calls={len(latencies):6}  CPU {cpu * 1e6 / len(latencies):5.0f} µs/call  "
        f"p50={ms(0.5):6.1f} ms  p99={ms(0.99):6.1f} ms  p99.9={ms(0.999):6.1f} ms  "
        f"max={latencies[-1] * 1000:6.1f} ms"
    )


async def run(args: argparse.Namespace) -> None:
    dsn = f"{args.pg.rstrip('/')}/postgres"
    bare = await asyncpg.create_pool(dsn, min_size=args.size, max_size=args.size)
    ours = StatementPool(dsn, args.size)
    await asyncio.gather(*(ours.fetchval("SELECT 1") for _ in range(args.size)))  # all open
    print(f"{args.callers} callers over {args.size} connections, {args.duration:.0f} s each")
    try:
        for _ in range(2):
            for name, call in (
                ("asyncpg pool (its queue)", lambda n: bare.fetchval(SQL, n)),
                ("StatementPool (FIFO turns)", lambda n: ours.fetchval(SQL, n)),
            ):
                print(f"{name:<28} {await drive(call, args.callers, args.duration)}", flush=True)
    finally:
        await bare.close()
        await ours.close()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=0.0, help="(accepted, as by every bench)")
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--size", type=int, default=16, help="connections")
    args = parser.parse_args()
    import uvloop

    uvloop.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
